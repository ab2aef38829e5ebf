package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alembic projects as teams start them today: {@code alembic init} with each of Alembic 1.20's single-database
 * templates, run in the current stack (SQLAlchemy 2.0 with psycopg 3 or asyncpg; the virtualenv .ci/setup.sh builds)
 * and the project's own driver in {@code sqlalchemy.url}. Each rehearses unmodified, and a downgrade that forgets an
 * index is named.
 */
class AlembicTemplatesTest {

    /** The virtualenv of the current stack, made by .ci/setup.sh. */
    static final Path CURRENT = Path.of("..", ".ci", "venvs", "current", "bin", "python").toAbsolutePath().normalize();

    private static final String FIRST = """
            from alembic import op
            import sqlalchemy as sa

            revision = "a1"
            down_revision = None

            def upgrade():
                op.create_table("widget", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(40)))

            def downgrade():
                op.drop_table("widget")
            """;

    private static final String SECOND = """
            from alembic import op
            import sqlalchemy as sa

            revision = "b2"
            down_revision = "a1"

            def upgrade():
                op.add_column("widget", sa.Column("sku", sa.String(20)))
                op.create_index("ix_widget_name", "widget", ["name"])

            def downgrade():
                op.drop_column("widget", "sku")
            """;

    @ParameterizedTest(name = "alembic init -t {0}, {1}")
    @CsvSource({
            "generic, postgresql+psycopg",
            "async, postgresql+psycopg",
            "async, postgresql+asyncpg",
            "pyproject, postgresql+psycopg",
            "pyproject_async, postgresql+asyncpg"})
    void anAlembicInitProjectRehearsesOnItsOwnDriver(String template, String driver, @TempDir Path dir)
            throws IOException, InterruptedException {
        assertThat(CURRENT).as("the current Python stack is missing: run bash .ci/setup.sh").isExecutable();
        Process init = new ProcessBuilder(CURRENT.toString(), "-m", "alembic", "init", "-t", template, "alembic")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String said = new String(init.getInputStream().readAllBytes());
        assertThat(init.waitFor(60, TimeUnit.SECONDS) && init.exitValue() == 0).as(said).isTrue();
        Path ini = dir.resolve("alembic.ini");
        Files.writeString(ini, Files.readString(ini).replace("driver://user:pass@localhost/dbname",
                driver + "://app:secret@db.internal/app"));
        Files.writeString(dir.resolve("alembic/versions/a1_widget.py"), FIRST);
        Files.writeString(dir.resolve("alembic/versions/b2_sku.py"), SECOND);

        AlembicSettings alembic = new AlembicSettings(CURRENT.toString(), "", "", List.of(), Map.of());
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + dir.resolve("alembic/versions"))
                .withTool(ToolSettings.DEFAULTS.withAlembic(alembic)))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.steps()).hasSize(2);
            assertThat(report.steps().get(0).status()).as(report.toText()).isEqualTo(Status.PASSED);
            assertThat(report.steps().get(1).status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(report.toText()).contains("ix_widget_name").contains("b2_sku.py");
        }
    }
}
