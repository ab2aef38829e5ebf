package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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

    private static final Path CORPUS = Path.of("src/test/resources/fast-path-corpus");
    private static final Pattern SQL_STATE = Pattern.compile("SQLState:?\\s+([0-9A-Z]{5})");

    /** A verdict: the first changeset that fails and its SQLState, or none. */
    record Verdict(String failed, String sqlState) {
        static final Verdict PASSED = new Verdict(null, null);

        @Override
        public String toString() {
            return failed == null ? "passed" : "changeset " + failed + " fails with " + sqlState;
        }
    }

    static Stream<Path> cases() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(f -> f.toString().endsWith(".sql")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
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
            if (rehearsal.failed() == null) {
                assertThat(falseFailures).as(report.toText()).isEmpty();
            }
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
    @MethodSource("cases")
    void theScriptRunnerGivesDbmatesVerdict(Path file, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThat(DBMATE).as("dbmate: run bash .ci/setup.sh").isExecutable();
        String text = Files.readString(file);
        org.junit.jupiter.api.Assumptions.assumeFalse(text.contains("failOnError:false"),
                "dbmate has no failOnError: Liquibase's own behaviour, checked above");
        Path folder = Files.createDirectories(dir.resolve("migrations"));
        for (String[] changeset : changesets(text)) {
            String up = changeset[1].contains("runInTransaction:false") ? "-- migrate:up transaction:false\n"
                    : "-- migrate:up\n";
            Files.writeString(folder.resolve(String.format(java.util.Locale.ROOT, "%03d_kit.sql",
                    Integer.parseInt(changeset[0]))), up + changeset[2] + rollback(text, changeset[0]));
        }
        Verdict rehearsal;
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + folder))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.source()).contains("dbmate");
            rehearsal = firstFailedUp(report);
            if (rehearsal.failed() == null) {
                assertThat(report.failed()).as(report.toText()).isFalse();
            }
        }
        Verdict dbmate = dbmateUp(folder);
        assertThat(rehearsal.failed()).as("Rehearsal's script runner against dbmate up: " + rehearsal + " / " + dbmate)
                .isEqualTo(dbmate.failed());
        agreesWithPsqlWhereTheToolDoes(rehearsal, dbmate, text);
    }

    /**
     * psql runs the SQL alone; a tool also writes its history table in the migration's transaction, and may carry on
     * after a failure (Liquibase's failOnError:false). Where the tool's own run agrees with psql on which migration
     * fails (or that none does), Rehearsal must give psql's verdict, SQLState included; where it does not, the tool's
     * own bookkeeping decided, and the tool is the reference (checked by the caller).
     */
    private static void agreesWithPsqlWhereTheToolDoes(Verdict rehearsal, Verdict tool, String changelog)
            throws Exception {
        Verdict psql = psql(changelog);
        if (java.util.Objects.equals(tool.failed(), psql.failed())) {
            assertThat(rehearsal).as("Rehearsal against psql --single-transaction per migration").isEqualTo(psql);
        }
    }

    /** A changeset's rollback lines as dbmate's down section (empty where it has none). */
    private static String rollback(String changelog, String id) {
        StringBuilder down = new StringBuilder();
        boolean in = false;
        for (String line : changelog.lines().toList()) {
            if (line.startsWith("--changeset ")) {
                in = line.substring("--changeset ".length()).split("\\s+")[0].replaceFirst("^[^:]*:", "").equals(id);
            } else if (in && line.startsWith("--rollback ")) {
                down.append(line.substring("--rollback ".length())).append('\n');
            }
        }
        return "\n-- migrate:down\n" + down; // dbmate requires the section; empty, Rehearsal restores instead
    }

    /** {@code dbmate up} on a plain database: the migration it stopped at, or none (dbmate shows no SQLState). */
    private static Verdict dbmateUp(Path folder) throws Exception {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            Process p = new ProcessBuilder(DBMATE.toString(), "--url", db.connectionDetails().url("postgres")
                    + "?sslmode=disable", "--migrations-dir", folder.toString(), "--no-dump-schema", "up")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
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

    private static Verdict firstFailedUp(RoundTripReport report) {
        for (StepResult step : report.steps()) {
            PhaseResult up = step.phase(Phase.UP).orElseThrow();
            if (up.status() == Status.FAILED) {
                return new Verdict(changesetId(step.migration()), sqlState(up.message()));
            }
        }
        return Verdict.PASSED;
    }

    /** {@code 2} of Liquibase's {@code changelog.sql::2::kit}, or of dbmate's {@code 002_kit}. */
    private static String changesetId(String name) {
        Matcher m = Pattern.compile("::([^:]+)::").matcher(name);
        if (m.find()) {
            return m.group(1);
        }
        Matcher dbmate = Pattern.compile("^0*(\\d+)_kit").matcher(name);
        return dbmate.find() ? dbmate.group(1) : name;
    }

    private static String sqlState(String message) {
        Matcher m = SQL_STATE.matcher(message);
        return m.find() ? m.group(1) : "no SQLState in: " + message;
    }

    /** Liquibase's own update of the whole changelog, on a plain database: what production runs. */
    private static Verdict toolOnAPlainDatabase(Path file) {
        MigrationSource source = MigrationSources.detect(RehearsalSettings.of("filesystem:" + file.toAbsolutePath()),
                FastPathDifferentialTest.class.getClassLoader());
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            MigrationTool tool = source.open(db.dataSource(), db.dialect(), db::connectionDetails);
            MigrationVersion last = tool.history().versioned().get(tool.history().versioned().size() - 1).version();
            try {
                tool.upTo(last);
                return Verdict.PASSED;
            } catch (RehearsalException e) {
                MigrationFailedException failure = failureOf(e);
                return new Verdict(failure == null ? "?" : changesetId(failure.migration()),
                        failure == null ? sqlState(e.getMessage()) : failure.sqlState().orElse("none"));
            }
        }
    }

    private static MigrationFailedException failureOf(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MigrationFailedException f) {
                return f;
            }
        }
        return null;
    }

    /** Each changeset's SQL in its own {@code psql --single-transaction} (or none, for runInTransaction:false). */
    private static Verdict psql(String changelog) throws Exception {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            ConnectionDetails at = db.connectionDetails();
            for (String[] changeset : changesets(changelog)) {
                List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v",
                        "VERBOSITY=verbose", "-h", at.host(), "-p", String.valueOf(at.port()), "-U", at.user(),
                        "-d", at.database()));
                if (!changeset[1].contains("runInTransaction:false")) {
                    command.add("--single-transaction");
                }
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                p.getOutputStream().write(("\\set VERBOSITY verbose\n" + changeset[2]).getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    Matcher m = Pattern.compile("ERROR:\\s+([0-9A-Z]{5}):").matcher(out);
                    return new Verdict(changeset[0], m.find() ? m.group(1) : "psql: " + out.strip());
                }
            }
            return Verdict.PASSED;
        }
    }

    /** Each changeset as {id, its header line, its SQL without the rollback lines}. */
    private static List<String[]> changesets(String changelog) {
        List<String[]> found = new ArrayList<>();
        String[] current = null;
        StringBuilder sql = new StringBuilder();
        for (String line : changelog.lines().toList()) {
            if (line.startsWith("--changeset ")) {
                if (current != null) {
                    current[2] = sql.toString();
                    found.add(current);
                }
                String id = line.substring("--changeset ".length()).split("\\s+")[0].replaceFirst("^[^:]*:", "");
                current = new String[]{id, line, null};
                sql.setLength(0);
            } else if (current != null && !line.startsWith("--rollback")) {
                sql.append(line).append('\n');
            }
        }
        if (current != null) {
            current[2] = sql.toString();
            found.add(current);
        }
        return found;
    }
}
