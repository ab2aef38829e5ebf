package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.AlembicSettings;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.ToolSettings;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rehearsal driving the project's Alembic against the way Python teams test a history today, pytest-alembic's: one
 * Python process that loads the script directory once, hands Alembic one connection through
 * {@code config.attributes["connection"]} (the env.py pytest-alembic asks for) and walks the revisions one at a time
 * on it. The peer does the same work as Rehearsal: each revision up, down and up again. Two comparisons, each on one
 * server for both, alternating, medians: the library (a rehearsal on the embedded server, its helper start included,
 * against the peer on that server, its start included), and a whole command-line run (process start, the machine's
 * PostgreSQL server) against the peer on that server. The history is the generated one of the other benchmarks, each
 * migration an Alembic revision whose upgrade() and downgrade() run its SQL through {@code op.execute}. A short
 * version runs in every CI run; the 100-revision one on request. Every check stays on.
 */
class AlembicBenchmark {

    private static final String PYTHON = "/usr/bin/python3";
    private static final int ROUNDS = 3;
    private static final Path LAUNCHER = Path.of("..", "cli", "target", "rehearsal").toAbsolutePath();
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/postgres";

    @Test
    void shortHistory(@TempDir Path dir) throws Exception {
        measure(dir, 24, 1, false);
    }

    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
    void hundredRevisions(@TempDir Path dir) throws Exception {
        measure(dir, 100, ROUNDS, true);
    }

    private static void measure(Path dir, int revisions, int rounds, boolean commandLine) throws Exception {
        Path project = project(dir.resolve("project"), revisions);
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + project.resolve("alembic/versions"))
                .withTool(ToolSettings.DEFAULTS.withAlembic(new AlembicSettings(PYTHON, "", "", List.of(), Map.of())));
        ObjectNode figures = HelperLoop.measure("Alembic", "pytest-alembic's way (the script directory loaded once)",
                revisions, rounds, project, settings, AlembicBenchmark::peer,
                commandLine ? AlembicBenchmark::freshPeer : null, Map.of());
        if (commandLine) {
            commandLine(dir, project, revisions, rounds, figures);
            LongHistoryBenchmark.writeJson(figures);
        }
    }

    /** A whole `rehearsal check` process on the machine's server, against the peer on a database of that server. */
    private static void commandLine(Path dir, Path project, int revisions, int rounds, ObjectNode figures)
            throws Exception {
        assertThat(LAUNCHER).as("cli/target/rehearsal, built before the benchmarks").isExecutable();
        DatabaseProvider server = DatabaseProviders.postgresServer(SERVER, "postgres", null);
        List<Double> cli = new ArrayList<>();
        List<Double> peer = new ArrayList<>();
        try (server) {
            for (int round = MeasuredRounds.firstRound(); round <= rounds; round++) { // round 0 warms both up
                double c = cli(dir.resolve("cli" + round), project);
                double p;
                try (EphemeralDatabase db = server.createDatabase()) {
                    p = HelperLoop.time(peer(db.connectionDetails()), project, Map.of());
                }
                if (round > 0) {
                    cli.add(c);
                    peer.add(p);
                }
            }
        }
        double c = HelperLoop.median(cli);
        double p = HelperLoop.median(peer);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "the same %d revisions, the machine's server: the"
                + " command line from process start %.0f ms, pytest-alembic's way from process start %.0f ms: %.2fx"
                + " (rounds %s against %s)%n", revisions, c, p, c / p, cli, peer));
        String key = "alembic_" + revisions + "_cli";
        figures.put(key + "_ms", Math.round(c));
        figures.put(key + "_peer_ms", Math.round(p));
        figures.put(key + "_vs_peer_ratio", Math.round(c / p * 100) / 100.0);
    }

    /**
     * One `rehearsal check` from process start to exit. It exits 1 where a risk rule finds something in the generated
     * history (every migration is judged outside a git repository); no round trip may fail.
     */
    private static double cli(Path reports, Path project) throws Exception {
        Path json = Files.createDirectories(reports).resolve("cli.json");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "check",
                project.resolve("alembic/versions").toString(), "-q", "--jdbc-url", SERVER, "--jdbc-user", "postgres",
                "-D", "rehearsal.alembic.python=" + PYTHON, "-f", "json", "-o", json.toString())
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(reports.resolve("output.txt").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("REHEARSAL_CDS", "on"); // the archive kept between runs, also where CI is set
        long t0 = System.nanoTime();
        Process process = builder.start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        double ms = (System.nanoTime() - t0) / 1e6;
        String output = Files.readString(reports.resolve("output.txt"));
        assertThat(process.exitValue()).as(output).isIn(0, 1);
        assertThat(new ObjectMapper().readTree(json.toFile()).get("failed").asBoolean()).as(output).isFalse();
        return ms;
    }

    /**
     * pytest-alembic's way: one process, the script directory loaded once, one connection handed to env.py through
     * config.attributes, each revision up, down and up again through Alembic's EnvironmentContext (what
     * command.upgrade and command.downgrade run, without loading the script directory again).
     */
    static List<String> peer(ConnectionDetails details) {
        return List.of(PYTHON, "-c", """
                import sys
                from alembic.config import Config
                from alembic.runtime.environment import EnvironmentContext
                from alembic.script import ScriptDirectory
                from sqlalchemy import create_engine, pool

                config = Config("alembic.ini")
                script = ScriptDirectory.from_config(config)
                revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
                engine = create_engine(sys.argv[1], poolclass=pool.NullPool)


                def move(destination, up):
                    def steps(rev, context):
                        return script._upgrade_revs(destination, rev) if up else script._downgrade_revs(destination, rev)
                    with EnvironmentContext(config, script, fn=steps, destination_rev=destination):
                        script.run_env()


                with engine.connect() as connection:
                    config.attributes["connection"] = connection
                    for i, revision in enumerate(revisions):
                        move(revision, True)
                        move(revisions[i - 1] if i else "base", False)
                        move(revision, True)
                """, details.url("postgresql"));
    }

    /**
     * The same loop with a new engine and a new session for each step, as a deploy that runs {@code alembic upgrade}
     * once per revision has (still one process, the script directory loaded once): what the peer would pay under the
     * rule Rehearsal keeps, that no session crosses a phase.
     */
    static List<String> freshPeer(ConnectionDetails details) {
        return List.of(PYTHON, "-c", """
                import sys
                from alembic.config import Config
                from alembic.runtime.environment import EnvironmentContext
                from alembic.script import ScriptDirectory
                from sqlalchemy import create_engine, pool

                config = Config("alembic.ini")
                script = ScriptDirectory.from_config(config)
                revisions = [r.revision for r in reversed(list(script.walk_revisions()))]


                def move(destination, up):
                    def steps(rev, context):
                        return script._upgrade_revs(destination, rev) if up else script._downgrade_revs(destination, rev)
                    engine = create_engine(sys.argv[1], poolclass=pool.NullPool)
                    with engine.connect() as connection:
                        config.attributes["connection"] = connection
                        with EnvironmentContext(config, script, fn=steps, destination_rev=destination):
                            script.run_env()
                    engine.dispose()


                for i, revision in enumerate(revisions):
                    move(revision, True)
                    move(revisions[i - 1] if i else "base", False)
                    move(revision, True)
                """, details.url("postgresql"));
    }

    /**
     * An Alembic project (alembic.ini; env.py as pytest-alembic asks for it: the connection from config.attributes
     * where one is given, else its own engine) whose revisions run the generated history's SQL.
     */
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


                def run(connection):
                    context.configure(connection=connection, target_metadata=None)
                    with context.begin_transaction():
                        context.run_migrations()


                given = config.attributes.get("connection")
                if given is None:
                    connectable = engine_from_config(config.get_section(config.config_ini_section),
                                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
                    with connectable.connect() as connection:
                        run(connection)
                else:
                    run(given)
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

}
