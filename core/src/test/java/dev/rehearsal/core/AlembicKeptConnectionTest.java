package dev.rehearsal.core;

import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An env.py that takes its connection from config.attributes (as pytest-alembic asks teams to write it) gets one
 * connection kept across revisions, as `alembic upgrade head` runs every revision on one; the connection is idle
 * between requests, and closed before Rehearsal copies the database (an estimate at production volume copies it),
 * which PostgreSQL refuses while anyone is connected.
 */
class AlembicKeptConnectionTest {

    private static final String ATTRIBUTES_ENV_PY = """
            from sqlalchemy import engine_from_config, pool
            from alembic import context

            config = context.config


            def run(connection):
                context.configure(connection=connection, target_metadata=None)
                with context.begin_transaction():
                    context.run_migrations()


            given = config.attributes.get("connection")
            if given is None:
                connectable = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.",
                                                 poolclass=pool.NullPool)
                with connectable.connect() as connection:
                    run(connection)
            else:
                run(given)
            """;

    @Test
    void oneIdleConnectionIsKeptAcrossRevisionsAndClosedBeforeTheDatabaseIsCopied(@TempDir Path dir) throws Exception {
        Path versions = AlembicTest.project(dir, Map.of());
        Files.writeString(dir.resolve("alembic/env.py"), ATTRIBUTES_ENV_PY);
        try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            // the helper's one session, idle between requests (no transaction left open holding locks)
            assertThat(r.query("select string_agg(state, ',') from pg_stat_activity where datname = current_database()"
                    + " and application_name = 'rehearsal-alembic'").singleValue()).hasValue("idle");

            r.migrateTo("96473d05fd5f");
            VolumeEstimate estimate = r.estimate("d47ad6525116", ProductionVolumes.of(Map.of("user", 1_000_000L)),
                    EstimateSettings.DEFAULTS.withSizes(500L, 2_000L));
            assertThat(estimate.statements()).isNotEmpty();
            assertThat(r.currentVersion().orElseThrow().toString()).isEqualTo(
                    r.migration("96473d05fd5f").version().toString());
        }
    }
}
