package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.AlembicSettings;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rehearsal driving the project's Alembic against the way Python teams test a history today: pytest-alembic runs
 * Alembic's {@code command.upgrade} and {@code command.downgrade} in-process, once per revision and direction. The
 * peer here is one Python process making those calls for every revision (up, down, up), its start included;
 * Rehearsal's figure is a whole rehearsal (helper start, database, round trips with schema and data checks, lock
 * tracing and probes). Both on the same embedded server, alternating, medians of 3. The history is the generated one
 * of the other benchmarks, each migration an Alembic revision whose upgrade() and downgrade() run its SQL through
 * {@code op.execute}. A short version runs in every CI run; the 100-revision one on request.
 */
class AlembicBenchmark {

    private static final String PYTHON = "/usr/bin/python3";
    private static final int ROUNDS = 3;

    @Test
    void shortHistory(@TempDir Path dir) throws Exception {
        measure(dir, 24, 1);
    }

    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
    void hundredRevisions(@TempDir Path dir) throws Exception {
        measure(dir, 100, ROUNDS);
    }

    private static void measure(Path dir, int revisions, int rounds) throws Exception {
        Path project = project(dir.resolve("project"), revisions);
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        rehearse(project, provider, revisions); // warm-up of both
        pythonAlone(project, provider);
        List<Double> rehearsal = new ArrayList<>();
        List<Double> alone = new ArrayList<>();
        Map<String, dev.rehearsal.core.internal.timing.ComponentRecording.Total> profile = Map.of();
        for (int round = 0; round < rounds; round++) {
            dev.rehearsal.core.internal.timing.ComponentRecording recording =
                    dev.rehearsal.core.internal.timing.ComponentRecording.start();
            rehearsal.add(rehearse(project, provider, revisions));
            profile = recording.stop();
            alone.add(pythonAlone(project, provider));
        }
        double r = median(rehearsal);
        double p = median(alone);
        double perPhase = (r - p) / (3.0 * revisions);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "generated %d-revision Alembic history: Rehearsal"
                + " through the project's Alembic %.0f ms, one Python process running command.upgrade/downgrade per"
                + " revision (up, down, up) %.0f ms: %.2fx, %.1f ms more per phase (medians of %d)%n", revisions, r, p,
                r / p, perPhase, rounds));
        StringBuilder where = new StringBuilder("  where the time goes, ms per phase (last round): ");
        profile.forEach((component, total) -> where.append(String.format(Locale.ROOT, "%s %.2f, ", component,
                total.nanos() / 1e6 / (3.0 * revisions))));
        RoundTripOverheadBenchmark.write(where.append(String.format(Locale.ROOT, "one Python process %.2f%n",
                p / (3.0 * revisions))).toString());
        ObjectNode figures = new ObjectMapper().createObjectNode();
        String key = "alembic_" + revisions;
        figures.put(key + "_rehearsal_ms", Math.round(r));
        figures.put(key + "_python_alone_ms", Math.round(p));
        figures.put(key + "_vs_python_alone_ratio", Math.round(r / p * 100) / 100.0);
        figures.put(key + "_overhead_per_phase_ms", Math.round(perPhase * 10) / 10.0);
        LongHistoryBenchmark.writeJson(figures);
    }

    private static double rehearse(Path project, DatabaseProvider provider, int revisions) {
        long t0 = System.nanoTime();
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + project.resolve("alembic/versions"))
                .withTool(ToolSettings.DEFAULTS.withAlembic(new AlembicSettings(PYTHON, "", "", List.of(), Map.of())));
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, AlembicBenchmark.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps()).hasSize(revisions);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    /** What pytest-alembic does for a history: Alembic's commands, in one Python process, on a fresh database. */
    private static double pythonAlone(Path project, DatabaseProvider provider) throws Exception {
        try (EphemeralDatabase db = provider.createDatabase()) {
            ConnectionDetails details = db.connectionDetails();
            ProcessBuilder builder = new ProcessBuilder(PYTHON, "-c", """
                    import sys
                    from alembic import command
                    from alembic.config import Config
                    from alembic.script import ScriptDirectory
                    config = Config("alembic.ini")
                    config.set_main_option("sqlalchemy.url", sys.argv[1])
                    revisions = [r.revision for r in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]
                    for i, revision in enumerate(revisions):
                        command.upgrade(config, revision)
                        command.downgrade(config, revisions[i - 1] if i else "base")
                        command.upgrade(config, revision)
                    """, details.url("postgresql")).directory(project.toFile()).redirectErrorStream(true);
            long t0 = System.nanoTime();
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
            double ms = (System.nanoTime() - t0) / 1e6;
            assertThat(process.exitValue()).as(output).isZero();
            return ms;
        }
    }

    /** An Alembic project (alembic.ini, the stock env.py) whose revisions run the generated history's SQL. */
    static Path project(Path dir, int revisions) throws IOException {
        Path sql = GeneratedHistory.write(dir.resolve("sql"), revisions);
        Path versions = Files.createDirectories(dir.resolve("alembic/versions"));
        Files.writeString(dir.resolve("alembic.ini"), """
                [alembic]
                script_location = alembic
                sqlalchemy.url = driver://user:pass@localhost/dbname
                """);
        Files.writeString(dir.resolve("alembic/env.py"), """
                from sqlalchemy import engine_from_config, pool
                from alembic import context

                config = context.config

                connectable = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.",
                                                 poolclass=pool.NullPool)
                with connectable.connect() as connection:
                    context.configure(connection=connection, target_metadata=None)
                    with context.begin_transaction():
                        context.run_migrations()
                """);
        List<Path> ups;
        try (var files = Files.list(sql)) {
            ups = files.filter(f -> f.getFileName().toString().endsWith(".up.sql")).sorted().toList();
        }
        String previous = null;
        for (int i = 0; i < ups.size(); i++) {
            Path up = ups.get(i);
            String name = up.getFileName().toString().replace(".up.sql", "");
            String id = String.format(Locale.ROOT, "%012x", 0xa1000000L + i);
            String down = Files.readString(up.resolveSibling(name + ".down.sql"));
            Files.writeString(versions.resolve(id + "_" + name.replaceFirst("^\\d+_", "") + ".py"), """
                    \"\"\"%s\"\"\"
                    from alembic import op
                    import sqlalchemy as sa

                    revision = '%s'
                    down_revision = %s
                    branch_labels = None
                    depends_on = None


                    def upgrade():
                        op.execute(sa.text(%s))


                    def downgrade():
                        op.execute(sa.text(%s))
                    """.formatted(name, id, previous == null ? "None" : "'" + previous + "'",
                    pythonString(Files.readString(up)), pythonString(down)));
            previous = id;
        }
        return dir;
    }

    /** A Python string literal of {@code sql}, its colons escaped for SQLAlchemy's text() (bind parameters). */
    private static String pythonString(String sql) {
        return "'" + sql.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace(":", "\\\\:") + "'";
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
