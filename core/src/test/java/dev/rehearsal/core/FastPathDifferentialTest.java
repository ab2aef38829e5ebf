package dev.rehearsal.core;

import dev.rehearsal.core.DifferentialKit.Verdict;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rehearsal.core.DifferentialKit.agreesWithPsqlWhereTheToolDoes;
import static dev.rehearsal.core.DifferentialKit.changesets;
import static dev.rehearsal.core.DifferentialKit.firstFailedUp;
import static dev.rehearsal.core.DifferentialKit.rollbackLines;
import static dev.rehearsal.core.DifferentialKit.sqlState;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential kit of the held transaction, Rehearsal's fast path for migrations without a down script: each case
 * of {@code src/test/resources/fast-path-corpus} (deferred constraints, SET and SET ROLE, planner settings, advisory
 * locks, temporary tables, sequences, DO blocks that catch, NOTIFY, enum values, CREATE INDEX CONCURRENTLY,
 * partitions, savepoints, a failure the tool carries on from) is run three ways: by Rehearsal, by the tool's own
 * update on a plain database (what production and the copy path run), and changeset by changeset with
 * {@code psql --single-transaction} (production's reference for plain SQL). Every case gives the same verdict all
 * ways: the same first failure and SQLState, or none, and then no failure of Rehearsal's own. Each case's header says
 * whether the fast path holds a transaction for it or steps aside, and the kit checks that too.
 *
 * <p>The same corpus, written as dbmate migrations, checks Rehearsal's own script runner (which applies the SQL
 * layouts instead of their tools) against {@code dbmate up} itself and against psql.
 */
class FastPathDifferentialTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.rehearsal.core.DifferentialKit#cases")
    void theFastPathGivesProductionsVerdict(Path file) throws Exception {
        String text = Files.readString(file);
        Verdict tool = toolOnAPlainDatabase(file);
        Verdict rehearsal;
        long holds;
        List<String> falseFailures = new ArrayList<>();
        ComponentRecording recording = ComponentRecording.start();
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + file.toAbsolutePath()))) {
            RoundTripReport report = r.runRoundTrips();
            rehearsal = firstFailedUp(report);
            for (StepResult step : report.steps()) {
                step.phases().stream().filter(p -> p.status() == Status.FAILED && p.phase() != Phase.UP)
                        .forEach(p -> falseFailures.add(step.migration() + " " + p.phase().label() + ": " + p.message()));
            }
            // a down or up again that fails, before or after an up that fails, is a false failure all the same
            assertThat(falseFailures).as(report.toText()).isEmpty();
            // what the migration took at session level ended with its session
            assertThat(r.query("select count(*) from pg_locks where locktype = 'advisory'").singleValue())
                    .as("advisory locks left on Rehearsal's session").hasValue(0L);
        } finally {
            holds = Optional.ofNullable(recording.stop().get("restore.hold")).map(ComponentRecording.Total::calls)
                    .orElse(0L);
        }
        assertThat(rehearsal).as("Rehearsal against the tool's own update on a plain database").isEqualTo(tool);
        agreesWithPsqlWhereTheToolDoes(rehearsal, tool, text);
        if (text.contains("fast path: held")) {
            assertThat(holds).as("the fast path holds a transaction").isGreaterThan(0);
        } else {
            assertThat(text).contains("fast path: steps aside");
            assertThat(holds).as("the fast path steps aside").isZero();
        }
    }

    private static final Path DBMATE = Path.of("../.ci/tools/node_modules/@dbmate/linux-x64/bin/dbmate")
            .toAbsolutePath().normalize();

    @ParameterizedTest(name = "{0} as dbmate migrations")
    @MethodSource("dev.rehearsal.core.DifferentialKit#cases")
    void theScriptRunnerGivesDbmatesVerdict(Path file, @TempDir Path dir) throws Exception {
        assertThat(DBMATE).as("dbmate: run bash .ci/setup.sh").isExecutable();
        String text = Files.readString(file);
        Assumptions.assumeFalse(DifferentialKit.carriesOnAfterFailure(text),
                "dbmate has no failOnError: Liquibase's own behaviour, checked above");
        Path folder = Files.createDirectories(dir.resolve("migrations"));
        for (String[] changeset : changesets(text)) {
            String up = changeset[1].contains("runInTransaction:false") ? "-- migrate:up transaction:false\n"
                    : "-- migrate:up\n";
            Files.writeString(folder.resolve(String.format(Locale.ROOT, "%03d_kit.sql",
                    Integer.parseInt(changeset[0]))), up + changeset[2]
                    + "\n-- migrate:down\n" + rollbackLines(text, changeset[0])); // empty: Rehearsal restores
        }
        DifferentialKit.Rehearsed rehearsal = DifferentialKit.rehearse(folder, "dbmate");
        Verdict dbmate = dbmateUp(folder);
        assertThat(rehearsal.verdict().failed()).as("Rehearsal's script runner against dbmate up: " + rehearsal.verdict()
                + " / " + dbmate + "\n" + rehearsal.report()).isEqualTo(dbmate.failed());
        agreesWithPsqlWhereTheToolDoes(rehearsal.verdict(), dbmate, text);
    }

    /** {@code dbmate up} on a plain database: the migration it stopped at, or none (dbmate shows no SQLState). */
    private static Verdict dbmateUp(Path folder) throws Exception {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            Process p = new ProcessBuilder(DBMATE.toString(), "--url", db.connectionDetails().url("postgres")
                    + "?sslmode=disable", "--migrations-dir", folder.toString(), "--no-dump-schema", "up")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            if (p.exitValue() == 0) {
                return Verdict.PASSED;
            }
            Matcher applying = Pattern.compile("Applying: 0*(\\d+)_kit\\.sql").matcher(out);
            String last = null;
            while (applying.find()) {
                last = applying.group(1);
            }
            return new Verdict(last == null ? "dbmate: " + out.strip() : last, null);
        }
    }

    /**
     * Liquibase's own {@code update} command (its {@code CommandScope}, as its command line runs it, not Rehearsal's
     * adapter) of the whole changelog, on a plain database: what production runs.
     */
    private static Verdict toolOnAPlainDatabase(Path file) throws Exception {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            Map<String, Object> scope = Map.of(Scope.Attr.resourceAccessor.name(),
                    new DirectoryResourceAccessor(file.toAbsolutePath().getParent()));
            try {
                Scope.child(scope, () -> new CommandScope("update")
                        .addArgumentValue("database", database)
                        .addArgumentValue("changelogFile", file.getFileName().toString())
                        .execute());
                return Verdict.PASSED;
            } catch (Exception e) {
                StringBuilder messages = new StringBuilder();
                String sqlState = null;
                for (Throwable t = e; t != null; t = t.getCause()) {
                    messages.append(t.getMessage()).append('\n');
                    if (sqlState == null && t instanceof SQLException sql && sql.getSQLState() != null) {
                        sqlState = sql.getSQLState();
                    }
                }
                // "Migration failed for changeset <file>::<id>::<author>", or, when recording it failed, the
                // insert into its changelog table names the id
                Matcher changeset = Pattern.compile("changeset [^:\\s]*::([^:]+)::").matcher(messages);
                Matcher recorded = Pattern.compile("(?i)databasechangelog \\(ID,[^)]*\\) VALUES \\('([^']+)'")
                        .matcher(messages);
                String failed = changeset.find() ? changeset.group(1) : recorded.find() ? recorded.group(1)
                        : "Liquibase: " + messages;
                return new Verdict(failed, sqlState == null ? "none" : sqlState);
            }
        }
    }
}
