package dev.rehearsal.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Rehearsal never migrates a database it did not create: an {@code env.py} that builds its engine from its own setting
 * (as many projects change {@code alembic init}'s env.py to do) reaches the team's database instead of the throwaway
 * one. The guard on the driver stops Alembic before it connects there, names the database, the code that opened the
 * connection and the setting that fixes it, and that database holds afterwards exactly what it held.
 */
class ForeignDatabaseGuardTest {

    private static final String OWN_URL_ENV_PY = """
            import os
            from sqlalchemy import create_engine, pool
            from alembic import context

            config = context.config
            engine = create_engine(os.environ.get("TEAM_DATABASE_URL", "%s"), poolclass=pool.NullPool)
            with engine.connect() as connection:
                context.configure(connection=connection, target_metadata=None)
                with context.begin_transaction():
                    context.run_migrations()
            """;

    @Test
    void anEnvPyThatReachesAnotherDatabaseIsStoppedBeforeItRunsAnything(@TempDir Path dir)
            throws IOException, SQLException {
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            Path versions = projectReaching(foreign, dir);

            Throwable thrown = catchThrowable(() -> {
                try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
                    RoundTripReport report = r.runRoundTrips();
                    throw new AssertionError(report.toText());
                }
            });

            assertThat(thrown).isNotNull();
            assertThat(thrown.getMessage())
                    .contains("Alembic was about to connect to database \"" + foreign.name() + "\"")
                    .contains("not to the throwaway database")
                    .contains("Rehearsal stopped Alembic before it connected there, so nothing ran there")
                    .contains("opened by: psycopg2.connect, called at alembic/env.py line 7")
                    .contains("rehearsal.alembic.env.TEAM_DATABASE_URL=${url} (env.py reads TEAM_DATABASE_URL)");
            assertThat(tablesAndRows(foreign)).containsExactly("keep: 1 row(s), note = the team's row");
        }
    }

    /** The same project, with the setting the refusal names: rehearsed on the throwaway database, the other untouched. */
    @Test
    void theSettingTheRefusalNamesPointsEnvPyAtTheThrowawayDatabase(@TempDir Path dir)
            throws IOException, SQLException {
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            Path versions = projectReaching(foreign, dir);
            AlembicSettings mapped = new AlembicSettings("/usr/bin/python3", "", "", List.of(),
                    Map.of("TEAM_DATABASE_URL", "${url}"));
            RehearsalSettings settings = RehearsalSettings.of("filesystem:" + versions)
                    .withTool(ToolSettings.DEFAULTS.withAlembic(mapped));
            try (MigrationRehearsal r = Histories.rehearse(settings)) {
                RoundTripReport report = r.runRoundTrips();
                assertThat(report.failed()).as(report.toText()).isFalse();
                assertThat(report.steps()).hasSize(5);
            }
            assertThat(tablesAndRows(foreign)).containsExactly("keep: 1 row(s), note = the team's row");
        }
    }

    /**
     * A session Rehearsal cannot identify (SQLite's, which has no server to ask) is refused naming its driver, before
     * anything runs on it: the SQLite file stays empty.
     */
    @Test
    void aDriverWhoseSessionCannotBeIdentifiedIsRefusedNamingTheDriver(@TempDir Path dir) throws Exception {
        Path versions = AlembicTest.project(dir, Map.of());
        Path file = dir.resolve("team.sqlite");
        Files.writeString(dir.resolve("alembic/env.py"), OWN_URL_ENV_PY.formatted("sqlite:///" + file));

        Throwable thrown = catchThrowable(() -> {
            try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
                RoundTripReport report = r.runRoundTrips();
                throw new AssertionError(report.toText());
            }
        });

        assertThat(thrown).isNotNull().isNotInstanceOf(AssertionError.class);
        assertThat(thrown.getMessage())
                .contains("Rehearsal could not identify the database session of the driver sqlite3")
                .contains("runs nothing on it")
                .doesNotContain("function connection_id() does not exist");
        // SQLite creates the file on connecting; nothing was run on it
        Process tables = new ProcessBuilder("/usr/bin/python3", "-c",
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("
                        + "\"select count(*) from sqlite_master\").fetchone()[0])", file.toString())
                .redirectErrorStream(true).start();
        assertThat(new String(tables.getInputStream().readAllBytes()).strip()).isEqualTo("0");
    }

    /** The team's database holds a row; the project's env.py builds its engine for that database. */
    private static Path projectReaching(ServerDatabase foreign, Path dir) throws IOException, SQLException {
        try (Connection c = foreign.connect(); Statement st = c.createStatement()) {
            st.execute("create table keep (id int primary key, note text)");
            st.execute("insert into keep values (1, 'the team''s row')");
        }
        Path versions = AlembicTest.project(dir, Map.of());
        Files.writeString(dir.resolve("alembic/env.py"), OWN_URL_ENV_PY.formatted(
                "postgresql://postgres@127.0.0.1:5432/" + foreign.name()));
        return versions;
    }

    private static List<String> tablesAndRows(ServerDatabase db) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet tables = st.executeQuery("select tablename from pg_tables where schemaname = 'public'"
                     + " order by tablename")) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            for (String name : names) {
                try (Statement rows = c.createStatement();
                     ResultSet rs = rows.executeQuery("select count(*), max(note) from " + name)) {
                    rs.next();
                    found.add(name + ": " + rs.getLong(1) + " row(s), note = " + rs.getString(2));
                }
            }
        }
        return found;
    }
}
