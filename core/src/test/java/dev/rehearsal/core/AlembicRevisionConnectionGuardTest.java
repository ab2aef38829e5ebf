package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A revision that writes an audit row through a connection of its own ({@code psycopg.connect(...)} or
 * {@code psycopg2.connect(...)}, not the one Alembic hands it) to another database, named by {@code DATABASE_URL}
 * (which the project sets again from its .env file, as python-dotenv's {@code load_dotenv(override=True)} does) or
 * by the revision's code: the driver's connect is stopped before it connects there, the run fails naming that
 * database, the variable or code that named it and what fixes it, and that database holds afterwards exactly what
 * it held. An {@code alembic init} project, on Debian's stack (psycopg2) and on the current one (psycopg 3).
 */
class AlembicRevisionConnectionGuardTest {

    private static final String FIRST = """
            from alembic import op
            import sqlalchemy as sa

            revision = "a1"
            down_revision = None


            def upgrade():
                op.create_table("widget", sa.Column("id", sa.Integer, primary_key=True),
                                sa.Column("name", sa.String(40)))


            def downgrade():
                op.drop_table("widget")
            """;

    private static final String AUDITED = """
            import os

            import %1$s
            from alembic import op
            import sqlalchemy as sa

            revision = "b2"
            down_revision = "a1"


            def load_env_file(path=".env"):
                if not os.path.exists(path):
                    return
                with open(path) as env:
                    for line in env:
                        name, _, value = line.strip().partition("=")
                        if name and not name.startswith("#"):
                            os.environ[name] = value


            def upgrade():
                op.add_column("widget", sa.Column("sku", sa.String(20)))
                load_env_file()
                audit = %1$s.connect(%2$s)
                cursor = audit.cursor()
                cursor.execute("create table if not exists audit (at timestamptz default now(), what text)")
                cursor.execute("insert into audit (what) values ('widget gets a sku')")
                audit.commit()
                audit.close()


            def downgrade():
                op.drop_column("widget", "sku")
            """;

    @ParameterizedTest(name = "{0} on {1}, the database named by {2}")
    @CsvSource({
            "/usr/bin/python3, psycopg2, DATABASE_URL",
            "/usr/bin/python3, psycopg2, code",
            "current, psycopg, DATABASE_URL",
            "current, psycopg, code"})
    void aRevisionsOwnConnectionToAnotherDatabaseIsStoppedBeforeItConnects(String python, String driver,
                                                                           String namedBy, @TempDir Path dir)
            throws IOException, InterruptedException, SQLException {
        String interpreter = python.equals("current") ? AlembicTemplatesTest.CURRENT.toString() : python;
        try (ServerDatabase foreign = ServerDatabase.create("audit")) {
            try (Connection c = foreign.connect(); Statement st = c.createStatement()) {
                st.execute("create table keep (id int primary key, note text)");
                st.execute("insert into keep values (1, 'the team''s row')");
            }
            String foreignUrl = "postgresql://postgres@127.0.0.1:5432/" + foreign.name();
            Path versions = alembicInit(dir, interpreter, driver.equals("psycopg") ? "postgresql+psycopg"
                    : "postgresql");
            if (namedBy.equals("DATABASE_URL")) {
                Files.writeString(dir.resolve(".env"), "# the team's development database\nDATABASE_URL="
                        + foreignUrl + "\n");
            }
            Files.writeString(versions.resolve("a1_widget.py"), FIRST);
            Files.writeString(versions.resolve("b2_audited_sku.py"), AUDITED.formatted(driver,
                    namedBy.equals("code") ? "\"dbname=" + foreign.name() + " host=127.0.0.1 port=5432 user=postgres\""
                            : "os.environ[\"DATABASE_URL\"]"));

            AlembicSettings alembic = new AlembicSettings(interpreter, "", "", List.of(), Map.of());
            RoundTripReport report;
            try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + versions)
                    .withTool(ToolSettings.DEFAULTS.withAlembic(alembic)))) {
                report = r.runRoundTrips();
            }

            assertThat(report.failed()).as(report.toText()).isTrue();
            assertThat(report.steps().get(0).status()).as(report.toText()).isEqualTo(Status.PASSED);
            PhaseResult up = report.steps().get(1).phase(Phase.UP).orElseThrow();
            assertThat(up.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(up.message())
                    .contains("Alembic was about to connect to database \"" + foreign.name() + "\" on 127.0.0.1:5432")
                    .contains("not to the throwaway database")
                    .contains("Rehearsal stopped Alembic before it connected there, so nothing ran there")
                    .contains("opened by: " + driver + ".connect, called at alembic/versions/b2_audited_sku.py line")
                    .contains("run the revision's statements on the connection Alembic hands it (op.get_bind()");
            if (namedBy.equals("code")) {
                assertThat(up.message()).contains("named by: the code that opened the session");
            } else {
                assertThat(up.message()).contains("named by: the environment variable DATABASE_URL")
                        .contains("Rehearsal sets DATABASE_URL to the throwaway database for every revision");
            }
            assertThat(foreign.tables()).containsExactly("keep");
            try (Connection c = foreign.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*), max(note) from keep")) {
                rs.next();
                assertThat(rs.getLong(1) + " " + rs.getString(2)).isEqualTo("1 the team's row");
            }
        }
    }

    private static final String SHELLED_OUT = """
            import subprocess

            from alembic import op
            import sqlalchemy as sa

            revision = "b2"
            down_revision = "a1"


            def upgrade():
                op.add_column("widget", sa.Column("sku", sa.String(20)))
                subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "%s",
                                "-c", "create table if not exists audit (what text)"], check=True)


            def downgrade():
                op.drop_column("widget", "sku")
            """;

    /**
     * A revision that runs psql of its own on another database of the same server: no driver guard sees a program
     * the revision starts, so only containment stops it. Contained, its session is refused before the server sees it
     * (by name, through the gate) or cannot be made at all (through the server's Unix socket, hidden), the step fails
     * naming the database, and that database is left as it was; guarded only, it lands there.
     */
    @ParameterizedTest(name = "rehearsal.containment={0}, psql {1}")
    @CsvSource({"network, by TCP", "network, by Unix socket", "guard, by TCP", "guard, by Unix socket"})
    void aProgramARevisionStartsReachesOnlyTheThrowawayDatabaseWhenContained(String containment, String how,
                                                                              @TempDir Path dir) throws Exception {
        ContainedProcessTest.whereContained(containment);
        try (ServerDatabase foreign = ServerDatabase.create("audit")) {
            Path versions = alembicInit(dir, AlembicTemplatesTest.CURRENT.toString(), "postgresql+psycopg");
            Files.writeString(versions.resolve("a1_widget.py"), FIRST);
            Files.writeString(versions.resolve("b2_shelled_out.py"), SHELLED_OUT.formatted((how.equals("by TCP")
                    ? "host=127.0.0.1 port=5432" : "host=/var/run/postgresql") + " user=postgres dbname="
                    + foreign.name()));
            AlembicSettings alembic = new AlembicSettings(AlembicTemplatesTest.CURRENT.toString(), "", "", List.of(),
                    Map.of());
            RoundTripReport report;
            try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + versions)
                            .withTool(ToolSettings.DEFAULTS.withAlembic(alembic).withContainment(containment)),
                    DatabaseProviders.server("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null),
                    getClass().getClassLoader())) {
                report = r.runRoundTrips();
            }

            if (containment.equals("guard")) {
                assertThat(foreign.tables()).as("guarded only: %s", report.toText()).containsExactly("audit");
                return;
            }
            PhaseResult up = report.steps().get(1).phase(Phase.UP).orElseThrow();
            assertThat(up.status()).as(report.toText()).isEqualTo(Status.FAILED);
            if (how.equals("by TCP")) {
                assertThat(up.message()).contains("Alembic asked for a session on another database than the"
                        + " throwaway one Rehearsal made: database \"" + foreign.name() + "\" as user \"postgres\"")
                        .contains("refused before it reached the server");
            } else {
                assertThat(up.message()).contains("/var/run/postgresql").contains("It ran contained");
            }
            assertThat(foreign.tables()).as("nothing reached it").isEmpty();
        }
    }

    /** {@code alembic init alembic} in {@code dir}, its sqlalchemy.url naming the project's driver. */
    private static Path alembicInit(Path dir, String python, String driver) throws IOException, InterruptedException {
        if (python.equals(AlembicTemplatesTest.CURRENT.toString())) {
            assertThat(AlembicTemplatesTest.CURRENT).as("the current Python stack is missing: run bash .ci/setup.sh")
                    .isExecutable();
        }
        Process init = new ProcessBuilder(python, "-m", "alembic", "init", "alembic").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String said = new String(init.getInputStream().readAllBytes());
        assertThat(init.waitFor(60, TimeUnit.SECONDS) && init.exitValue() == 0).as(said).isTrue();
        Path ini = dir.resolve("alembic.ini");
        Files.writeString(ini, Files.readString(ini).replace("driver://user:pass@localhost/dbname",
                driver + "://app:secret@db.internal/app"));
        return dir.resolve("alembic/versions");
    }
}
