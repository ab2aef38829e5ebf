package dev.rehearsal.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each revision and direction runs on sessions as a deploy's {@code alembic upgrade} or {@code alembic downgrade} in a
 * new process has them, whichever way env.py gets its connection: the connection handed in
 * {@code config.attributes["connection"]} (Alembic's cookbook, pytest-alembic), an engine of its own
 * ({@code alembic init}), or a pooled engine of the application's that lives as long as the helper process. Nothing
 * an up leaves on its session (a {@code search_path}, a setting, a temporary table, an advisory lock, a prepared
 * statement) reaches its down or the next step, and no session is left open between phases, so Rehearsal can copy the
 * database (an estimate at production volume copies it), which PostgreSQL refuses while anyone is connected. Run on
 * Debian's Alembic 1.8 and SQLAlchemy 1.4.
 */
class AlembicPhaseSessionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The connection handed in config.attributes, used as it is (Alembic's cookbook, "sharing a connection"). */
    static final String HANDED_ENV_PY = """
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

    /** The connection handed in config.attributes, asked for one through connect() (pytest-alembic's env.py). */
    private static final String CONNECT_ENV_PY = """
            from alembic import context
            from sqlalchemy import engine_from_config, pool

            connectable = context.config.attributes.get("connection", None)
            if connectable is None:
                connectable = engine_from_config(context.config.get_section(context.config.config_ini_section),
                                                 prefix="sqlalchemy.", poolclass=pool.NullPool)
            with connectable.connect() as connection:
                context.configure(connection=connection, target_metadata=None)
                with context.begin_transaction():
                    context.run_migrations()
            """;

    /** An engine of the application's, made once and pooled, as env.py imports it from the application. */
    private static final String APPLICATION_ENGINE_ENV_PY = """
            from alembic import context
            from app.db import engine_for

            with engine_for(context.config.get_main_option("sqlalchemy.url")).connect() as connection:
                context.configure(connection=connection, target_metadata=None)
                with context.begin_transaction():
                    context.run_migrations()
            """;

    private static final String APPLICATION_ENGINE = """
            from sqlalchemy import create_engine

            _engines = {}


            def engine_for(url):
                if url not in _engines:
                    _engines[url] = create_engine(url, pool_size=1)
                return _engines[url]
            """;

    private static final String BILLING = """
            from alembic import op

            revision = "b1a2c3d4e5f6"
            down_revision = "8c1d4e2f6a90"


            def upgrade():
                op.execute("CREATE SCHEMA billing")
                op.execute("SET search_path TO billing, public")
                op.execute("CREATE TABLE invoices (id serial PRIMARY KEY, total numeric NOT NULL)")


            def downgrade():
                op.execute("DROP TABLE invoices")
                op.execute("DROP SCHEMA billing")
            """;

    @ParameterizedTest(name = "env.py: {0}")
    @ValueSource(strings = {"handed connection", "connect()", "alembic init", "application engine"})
    void anUpsSearchPathDoesNotReachItsDown(String envPy, @TempDir Path dir) throws IOException {
        Path versions = AlembicTest.project(dir, Map.of());
        writeEnvPy(dir, envPy);
        Files.writeString(versions.resolve("b1a2c3d4e5f6_billing_invoices.py"), BILLING);

        try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
            RoundTripReport report = r.runRoundTrips();
            StepResult billing = report.steps().stream().filter(s -> s.migration().startsWith("b1a2c3d4e5f6"))
                    .findFirst().orElseThrow(() -> new AssertionError(report.toText()));
            assertThat(billing.phase(Phase.UP)).hasValueSatisfying(up ->
                    assertThat(up.status()).as(report.toText()).isEqualTo(Status.PASSED));
            assertThat(billing.phase(Phase.DOWN)).hasValueSatisfying(down -> {
                assertThat(down.status()).as(report.toText()).isEqualTo(Status.FAILED);
                assertThat(down.message()).contains("b1a2c3d4e5f6_billing_invoices.py downgrade()")
                        .contains("SQLState:  42P01").contains("DROP TABLE invoices");
            });
        }
    }

    @Test
    void everyPhaseStartsOnASessionFreeOfWhatTheLastOneLeft(@TempDir Path dir) throws IOException {
        Path versions = AlembicTest.project(dir, Map.of());
        writeEnvPy(dir, "handed connection");
        Path log = dir.resolve("sessions.jsonl");
        Files.writeString(versions.resolve("b1a2c3d4e5f6_leaves_session_state.py"), """
                import json
                from alembic import op

                revision = "b1a2c3d4e5f6"
                down_revision = "8c1d4e2f6a90"


                def record(phase):
                    row = op.get_bind().exec_driver_sql(
                        "select pg_backend_pid(), current_setting('rehearsal_test.mark', true),"
                        " to_regclass('pg_temp.scratch') is not null,"
                        " (select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()),"
                        " (select count(*) from pg_prepared_statements), current_setting('search_path')").fetchone()
                    with open(%s, "a") as f:
                        f.write(json.dumps({"phase": phase, "backend": row[0], "mark": row[1], "temp_table": row[2],
                                            "advisory_locks": row[3], "prepared": row[4],
                                            "search_path": row[5]}) + "\\n")


                def leave_state():
                    op.execute("SET rehearsal_test.mark = 'left'")
                    op.execute("SET search_path TO pg_catalog, public")
                    op.execute("CREATE TEMP TABLE scratch (id int)")
                    op.execute("SELECT pg_advisory_lock(7501)")
                    op.execute("PREPARE rehearsal_probe AS SELECT 1")


                def upgrade():
                    record("up")
                    op.create_index("ix_item_description", "item", ["description"])
                    leave_state()


                def downgrade():
                    record("down")
                    op.drop_index("ix_item_description", table_name="item")
                    leave_state()
                """.formatted(JSON.writeValueAsString(log.toString())));

        try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();

            List<JsonNode> phases = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                phases.add(JSON.readTree(line));
            }
            assertThat(phases).extracting(p -> p.path("phase").asText()).containsSubsequence("up", "down", "up");
            assertThat(phases).as("each phase on a session of its own").extracting(p -> p.path("backend").asInt())
                    .doesNotHaveDuplicates();
            assertThat(phases).allSatisfy(p -> {
                assertThat(p.path("mark").isNull()).as("a setting left: %s", p).isTrue();
                assertThat(p.path("temp_table").asBoolean()).as("a temporary table left: %s", p).isFalse();
                assertThat(p.path("advisory_locks").asInt()).as("an advisory lock left: %s", p).isZero();
                assertThat(p.path("prepared").asInt()).as("a prepared statement left: %s", p).isZero();
                assertThat(p.path("search_path").asText()).as("a search_path left: %s", p)
                        .doesNotStartWith("pg_catalog");
            });
            assertThat(alembicSessions(r)).as("Alembic sessions open between phases").isZero();
        }
    }

    /** No session is left between revisions, so the database can be copied (an estimate at production volume). */
    @Test
    void noSessionIsLeftBetweenPhasesSoTheDatabaseCanBeCopied(@TempDir Path dir) throws Exception {
        Path versions = AlembicTest.project(dir, Map.of());
        writeEnvPy(dir, "application engine");
        try (MigrationRehearsal r = Histories.rehearse(AlembicTest.settings("filesystem:" + versions))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(alembicSessions(r)).as("Alembic sessions open between phases").isZero();

            r.migrateTo("96473d05fd5f");
            VolumeEstimate estimate = r.estimate("d47ad6525116", ProductionVolumes.of(Map.of("user", 1_000_000L)),
                    EstimateSettings.DEFAULTS.withSizes(500L, 2_000L));
            assertThat(estimate.statements()).isNotEmpty();
            assertThat(r.currentVersion().orElseThrow().toString()).isEqualTo(
                    r.migration("96473d05fd5f").version().toString());
        }
    }

    private static void writeEnvPy(Path dir, String envPy) throws IOException {
        switch (envPy) {
            case "handed connection" -> Files.writeString(dir.resolve("alembic/env.py"), HANDED_ENV_PY);
            case "connect()" -> Files.writeString(dir.resolve("alembic/env.py"), CONNECT_ENV_PY);
            case "application engine" -> {
                Files.writeString(dir.resolve("alembic/env.py"), APPLICATION_ENGINE_ENV_PY);
                Files.writeString(dir.resolve("app/db.py"), APPLICATION_ENGINE);
            }
            default -> {
                // alembic init's env.py, as the fixture has it: an engine of its own for each run
            }
        }
    }

    /** The Alembic sessions on the rehearsal's database, once those a phase just closed have left (within seconds). */
    private static long alembicSessions(MigrationRehearsal r) {
        long open = 0;
        for (int i = 0; i < 50; i++) {
            open = ((Number) r.query("select count(*) from pg_stat_activity where datname = current_database()"
                    + " and application_name = 'rehearsal-alembic'").singleValue().orElseThrow()).longValue();
            if (open == 0) {
                return 0;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return open;
            }
        }
        return open;
    }
}
