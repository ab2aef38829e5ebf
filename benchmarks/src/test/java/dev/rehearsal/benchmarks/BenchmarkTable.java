package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the speed table from {@code target/benchmarks.json} when a benchmark run ends: the figures of this run,
 * with the machine, to {@code target/benchmarks.md}, and, from a run of every benchmark
 * ({@code -Drehearsal.benchmark.all=true}), to {@code docs/benchmarks.md}, the table the README links to. Registered
 * as a JUnit Platform listener (META-INF/services), so the file is never edited by hand. A run that measured only some
 * benchmarks (one {@code -Dtest=...}) leaves both as they are.
 */
public final class BenchmarkTable implements TestExecutionListener {

    /** A row: what was measured, and the figures' names in benchmarks.json. */
    private record Row(String work, String rehearsal, String baseline, String baselineWhat, String ratio, String goal) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("generated 300-migration history, embedded PostgreSQL, parallel parts", "long_history_embedded_rehearsal_ms",
                    "long_history_embedded_plain_jdbc_ms", "one plain session, same up/down/up", "long_history_embedded_ratio", "<= 2x"),
            new Row("the same, one part", "long_history_embedded_one_part_rehearsal_ms",
                    "long_history_embedded_plain_jdbc_ms", "one plain session", "long_history_embedded_one_part_ratio", "-"),
            new Row("the same, PostgreSQL server on the machine", "long_history_server_rehearsal_ms",
                    "long_history_server_plain_jdbc_ms", "one plain session", "long_history_server_ratio", "<= 2x"),
            new Row("the same, the command line from process start on the machine's server", "cli_history_300_ms",
                    "psql_history_300_ms", "one psql session: up/down/up of every migration",
                    "cli_history_300_vs_psql_ratio", "<= 2x"),
            new Row("a pull request adding 1 migration to 300, the command line with --only-new, from process start",
                    "cli_only_new_ms", "psql_history_300_ms", "one psql session: up/down/up of the whole history",
                    "cli_only_new_vs_psql_ratio", "<= 1x"),
            new Row("the same with --keep-base, copying the base an earlier run kept",
                    "cli_only_new_kept_ms", "psql_history_300_ms", "one psql session: up/down/up of the whole history",
                    "cli_only_new_kept_vs_psql_ratio", "-"),
            new Row("the same through the library (only-new), PostgreSQL server on the machine",
                    "pull_request_only_new_ms", "pull_request_plain_jdbc_ms",
                    "one plain session, up/down/up of the whole history", "pull_request_only_new_ratio", "<= 1x"),
            new Row("generated heavy 160-migration history (100 tables, 3-7 statements each), embedded PostgreSQL",
                    "heavy_history_embedded_rehearsal_ms", "heavy_history_embedded_plain_jdbc_ms",
                    "one plain session, same up/down/up", "heavy_history_embedded_ratio", "<= 2x"),
            new Row("the same, PostgreSQL server on the machine", "heavy_history_server_rehearsal_ms",
                    "heavy_history_server_plain_jdbc_ms", "one plain session", "heavy_history_server_ratio", "<= 2x"),
            new Row("its first 40 migrations (every CI run), embedded PostgreSQL",
                    "heavy_history_short_embedded_rehearsal_ms", "heavy_history_short_embedded_plain_jdbc_ms",
                    "one plain session", "heavy_history_short_embedded_ratio", "-"),
            new Row("the 300-migration history in a fresh JVM with C1 only (as a CI job runs it)", "fresh_jvm_c1_rehearsal_ms",
                    "fresh_jvm_c1_plain_jdbc_ms", "one plain session in that JVM", "fresh_jvm_c1_ratio", "-"),
            new Row("command line on the server, from process start to its first migration's up",
                    "cli_first_up_ms", "plain_jdbc_start_ms", "a plain JDBC program: start, connect, one statement",
                    "cli_first_up_ratio", "<= 2x"),
            new Row("command line, a first check where CI is set (an empty cache: no class-data archive written), less"
                    + " the round trip", "cli_first_statement_ci_first_run_ms", "cli_first_statement_first_run_ms",
                    "the same first check where CI is not set, which writes the archive at exit",
                    "cli_first_statement_ci_vs_first_run_ratio", "-"),
            new Row("command line from its npm package (its own Java runtime): start, less the round trip",
                    "dist_npm_start_ms", "jar_start_ms", "the jar's launcher on the system JDK",
                    "dist_npm_vs_jar_start_ratio", "<= 1x"),
            new Row("Flyway sample (samples/flyway-postgres), through Flyway", "flyway_sample_rehearsal_ms",
                    "flyway_sample_plain_jdbc_ms", "one plain session", "flyway_sample_ratio", "-"),
            new Row("seeded round trip, 1,000 rows per table, 60 migrations", "seeded_round_trip_rehearsal_ms",
                    "seeded_round_trip_plain_with_copy_ms", "plain session plus the same rows by COPY",
                    "seeded_round_trip_ratio", "<= 2x"),
            new Row("generated 24-revision Alembic history, through the project's Alembic", "alembic_24_rehearsal_ms",
                    "alembic_24_loop_ms", "pytest-alembic's way: one process, one connection, up/down/up",
                    "alembic_24_vs_loop_ratio", "-"),
            new Row("generated 100-revision Alembic history, through the project's Alembic", "alembic_100_rehearsal_ms",
                    "alembic_100_loop_ms", "pytest-alembic's way: one process, one connection, up/down/up",
                    "alembic_100_vs_loop_ratio", "<= 1x"),
            new Row("the same, the command line from process start on the machine's server", "alembic_100_cli_ms",
                    "alembic_100_cli_peer_ms", "pytest-alembic's way from process start, same server",
                    "alembic_100_cli_vs_peer_ratio", "<= 1x"),
            new Row("generated 12-migration Django history (every CI run), through the project's Django",
                    "django_12_rehearsal_ms", "django_12_loop_ms", "Django's own loop: call_command per migration",
                    "django_12_vs_loop_ratio", "-"),
            new Row("generated 60-migration Django history, through the project's Django", "django_60_rehearsal_ms",
                    "django_60_loop_ms", "Django's own loop: call_command per migration, one connection",
                    "django_60_vs_loop_ratio", "<= 1.2x"),
            new Row("generated 12-migration Knex history (every CI run), through the project's Knex",
                    "knex_12_rehearsal_ms", "knex_12_loop_ms", "Knex's own loop: knex.migrate.up/down",
                    "knex_12_vs_loop_ratio", "-"),
            new Row("generated 60-migration Knex history, through the project's Knex", "knex_60_rehearsal_ms",
                    "knex_60_loop_ms", "Knex's own loop: knex.migrate.up/down on one pool", "knex_60_vs_loop_ratio",
                    "<= 1.2x"),
            new Row("generated 120-migration Django history, parallel parts (a helper each), through the project's"
                    + " Django", "django_120_parts_ms", "django_120_one_part_ms", "the same in one part",
                    "django_120_parts_vs_one_part_ratio", "-"),
            new Row("generated 120-migration Knex history, parallel parts (a helper each), through the project's Knex",
                    "knex_120_parts_ms", "knex_120_one_part_ms", "the same in one part",
                    "knex_120_parts_vs_one_part_ratio", "-"),
            new Row("Flyway sample checked against 1,000 queries of the running application", "running_app_queries_ms",
                    "running_app_plain_ms", "the same round trips without queries", "running_app_ratio", "<= 1.5x"),
            new Row("seeded Flyway sample with 1,000 recorded statements played as traffic during each migration",
                    "application_traffic_ms", "application_traffic_probes_ms", "the same with the synthetic probes",
                    "application_traffic_ratio", "<= 1.5x"),
            new Row("generated 60-migration dbmate history, one migration in ten without a transaction, retried at"
                    + " each point where it can stop", "retry_history_ms", "retry_history_off_ms",
                    "the same with rehearsal.retry=false", "retry_history_ratio", "<= 1.3x"),
            new Row("the same, PostgreSQL server on the machine (each point from a copy the server makes and drops)",
                    "retry_history_server_ms", "retry_history_server_off_ms", "the same with rehearsal.retry=false",
                    "retry_history_server_ratio", "-"),
            new Row("migrations without down scripts (restore and re-apply)", "restore_round_trip_ms",
                    "restore_down_scripts_round_trip_ms", "the same history with down scripts",
                    "restore_vs_down_scripts_ratio", "-"),
            new Row("generated 165-changeset Liquibase changelog, every changeset reversible", "liquibase_165_fast_path_ms",
                    "liquibase_165_update_testing_rollback_ms", "Liquibase's own update-testing-rollback",
                    "liquibase_165_vs_update_testing_rollback_ratio", "<= 1x"),
            new Row("the same, two thirds raw SQL without a rollback (restore and re-apply)",
                    "liquibase_165_raw_round_trips_ms", "liquibase_165_raw_update_ms", "Liquibase's own update",
                    "liquibase_165_raw_vs_update_ratio", "<= 2x"));

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        Path json = Path.of("target", "benchmarks.json");
        Path docs = Path.of("..", "docs");
        try {
            if (!Files.exists(json) || !Files.isDirectory(docs)) {
                return;
            }
            JsonNode figures = new ObjectMapper().readTree(json.toFile());
            if (!figures.has("cli_history_300_vs_psql_ratio") || !figures.has("planted_defects_reported")) {
                return; // a partial run: the last full run's table stays
            }
            Files.writeString(Path.of("target", "benchmarks.md"), render(figures));
            if (Boolean.getBoolean("rehearsal.benchmark.all")) { // the table has every row: the docs' copy
                Files.writeString(docs.resolve("benchmarks.md"), render(figures));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write docs/benchmarks.md from " + json, e);
        }
    }

    static String render(JsonNode f) {
        StringBuilder md = new StringBuilder();
        md.append("# Speed\n\n");
        md.append("Written by the benchmarks module (`mvn -B -ntp verify -pl benchmarks -Drehearsal.benchmark.all=true`"
                + " after `mvn -B -ntp install`) from `benchmarks/target/benchmarks.json`; do not edit by hand. Each ratio compares Rehearsal with its"
                + " baseline measured side by side in the same run; times move with the machine, ratios much less.\n\n");
        md.append("Measured on ").append(machine()).append(".\n\n");
        md.append("| work | Rehearsal | baseline | ratio | goal |\n|---|---|---|---|---|\n");
        for (Row row : ROWS) {
            if (f.has(row.rehearsal()) && f.has(row.baseline()) && f.has(row.ratio())) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s: %s | %.2fx | %s |%n", row.work(),
                        seconds(f.get(row.rehearsal()).asDouble()), row.baselineWhat(),
                        seconds(f.get(row.baseline()).asDouble()), f.get(row.ratio()).asDouble(), row.goal()));
            }
        }
        md.append(String.format(Locale.ROOT, "| planted defects in a generated history | %d reported | %d planted | - | all |%n",
                f.get("planted_defects_reported").asInt(), f.path("planted_defects").asInt()));
        md.append('\n');
        if (f.has("long_history_embedded_overhead_ms_per_phase")) {
            md.append(String.format(Locale.ROOT, "Cost per phase above one plain session's, in one part on the embedded"
                            + " server: %.2f ms with lock tracing and probes, %.2f ms without, against a plain phase of"
                            + " %.2f ms.%n%n", f.get("long_history_embedded_overhead_ms_per_phase").asDouble(),
                    f.path("long_history_embedded_untraced_overhead_ms_per_phase").asDouble(),
                    f.path("long_history_embedded_plain_ms_per_phase").asDouble()));
        }
        md.append(WhereTheTimeGoes.render(f));
        md.append("What sets the floor under each goal not met yet, and the designs that would reach it:"
                + " [speed-goals.md](speed-goals.md).\n\n");
        md.append("Every other figure of the run, and the profiles of the other histories: "
                + "`benchmarks/target/benchmarks.txt` and `benchmarks/target/benchmarks.json`. Every CI run runs the"
                + " open issues' benchmarks as checks (most of those that measure several alternating rounds with one"
                + " round and no warm-up) and leaves out the profiles (the long history's eight runs); every benchmark,"
                + " with all its rounds, runs with `-Drehearsal.benchmark.all=true`.\n");
        return md.toString();
    }

    private static String seconds(double millis) {
        return millis >= 1000 ? String.format(Locale.ROOT, "%.2f s", millis / 1000) : String.format(Locale.ROOT, "%.0f ms", millis);
    }

    /** Processors, CPU model, memory, operating system and JDK of this machine. */
    private static String machine() {
        List<String> parts = new ArrayList<>();
        parts.add(Runtime.getRuntime().availableProcessors() + " cores");
        try {
            Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> parts.add(l.substring(l.indexOf(':') + 1).strip()));
        } catch (IOException e) {
            // not Linux: the processor count says enough
        }
        parts.add(System.getProperty("os.name") + " " + System.getProperty("os.version"));
        parts.add("JDK " + System.getProperty("java.version"));
        return String.join(", ", parts);
    }
}
