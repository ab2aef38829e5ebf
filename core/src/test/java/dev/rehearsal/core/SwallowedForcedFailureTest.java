package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The failure Rehearsal forces at the end of a migration (to check that it is atomic) must reach the tool. An env.py
 * that catches exceptions around {@code context.run_migrations()} lets the revision commit, recorded as applied; a
 * restore would then pass and the up again find nothing to do. The forced failure that was raised but swallowed is
 * detected, and the step fails saying so.
 */
class SwallowedForcedFailureTest {

    private static final String SWALLOWING_ENV_PY = """
            import logging
            from sqlalchemy import engine_from_config, pool
            from alembic import context

            config = context.config
            connectable = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.",
                                             poolclass=pool.NullPool)
            with connectable.connect() as connection:
                context.configure(connection=connection, target_metadata=None)
                with context.begin_transaction():
                    try:
                        context.run_migrations()
                    except Exception:
                        logging.exception("migration failed")  # and commits what ran, as some projects' env.py do
            """;

    @Test
    void aForcedFailureThatEnvPySwallowsFailsTheStepNamingEnvPy(@TempDir Path dir) throws Exception {
        Path versions = AlembicTest.project(dir, Map.of());
        Files.writeString(dir.resolve("alembic/env.py"), SWALLOWING_ENV_PY);
        MigrationSource source = MigrationSources.detect(AlembicTest.settings("filesystem:" + versions),
                getClass().getClassLoader());
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            MigrationTool tool = source.open(db.dataSource(), db.dialect(), db::connectionDetails);
            Migration first = tool.history().versioned().get(0);

            assertThatThrownBy(() -> tool.applyFailingAtEnd(first))
                    .isInstanceOf(RehearsalException.class)
                    .hasMessageContaining(first.displayName() + " (" + first.up().name() + "): the failure Rehearsal"
                            + " forced at its end was raised, but code around the migration (")
                    .hasMessageContaining("env.py, or what it calls) caught it instead of letting Alembic see it")
                    .hasMessageContaining("Let exceptions from the migrations propagate to Alembic");
            // what the swallowing did, which production would do too: the revision's table committed, unrecorded
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) from pg_tables where tablename = 'user'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        }
    }

    /** With the template's env.py the forced failure reaches Alembic: the revision is rolled back, nothing recorded. */
    @Test
    void withTheTemplatesEnvPyTheForcedFailureRollsTheRevisionBack(@TempDir Path dir) throws Exception {
        Path versions = AlembicTest.project(dir, Map.of());
        MigrationSource source = MigrationSources.detect(AlembicTest.settings("filesystem:" + versions),
                getClass().getClassLoader());
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            MigrationTool tool = source.open(db.dataSource(), db.dialect(), db::connectionDetails);
            Migration first = tool.history().versioned().get(0);
            assertThat(tool.applyFailingAtEnd(first)).isTrue();
            assertThat(tool.currentVersion()).isEmpty();
        }
    }
}
