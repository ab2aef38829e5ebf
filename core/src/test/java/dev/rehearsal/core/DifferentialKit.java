package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential kit's corpus and references, shared by the tests that run it through each fast path
 * ({@link FastPathDifferentialTest}, {@link FlywayDifferentialTest}, {@link DrizzleDifferentialTest}). The corpus is
 * written once, as Liquibase formatted SQL in {@code src/test/resources/fast-path-corpus}; each test writes it in its
 * tool's layout, changeset by changeset, with the changeset's {@code --rollback} lines as its down script.
 */
final class DifferentialKit {

    static final Path CORPUS = Path.of("src/test/resources/fast-path-corpus");
    private static final Pattern SQL_STATE = Pattern.compile("SQLState:?\\s+([0-9A-Z]{5})");

    private DifferentialKit() {
    }

    /** A verdict: the first changeset that fails and its SQLState, or none. */
    record Verdict(String failed, String sqlState) {
        static final Verdict PASSED = new Verdict(null, null);

        @Override
        public String toString() {
            return failed == null ? "passed" : "changeset " + failed + " fails with " + sqlState;
        }
    }

    /** Rehearsal's verdict on a case written in a tool's layout, with its text report for the assertion messages. */
    record Rehearsed(Verdict verdict, String report) {
    }

    /**
     * Rehearses {@code folder}, which must be read as {@code layout}: its first failed up, or none, and then no
     * failure at all; and nothing the migrations took at session level is left on Rehearsal's session.
     */
    static Rehearsed rehearse(Path folder, String layout) {
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + folder))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.source()).containsIgnoringCase(layout);
            Verdict verdict = firstFailedUp(report);
            if (verdict.failed() == null) {
                assertThat(report.failed()).as(report.toText()).isFalse();
            }
            assertThat(r.query("select count(*) from pg_locks where locktype = 'advisory'").singleValue())
                    .as("advisory locks left on Rehearsal's session").hasValue(0L);
            return new Rehearsed(verdict, report.toText());
        }
    }

    static Stream<Path> cases() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(f -> f.toString().endsWith(".sql")).sorted().toList().stream();
        }
    }

    /** A changeset's rollback lines, one statement a line (empty where it has none). */
    static String rollbackLines(String changelog, String id) {
        StringBuilder down = new StringBuilder();
        boolean in = false;
        for (String line : changelog.lines().toList()) {
            if (line.startsWith("--changeset ")) {
                in = line.substring("--changeset ".length()).split("\\s+")[0].replaceFirst("^[^:]*:", "").equals(id);
            } else if (in && line.startsWith("--rollback ")) {
                down.append(line.substring("--rollback ".length())).append('\n');
            }
        }
        return down.toString();
    }

    /**
     * psql runs the SQL alone; a tool also writes its history table in the migration's transaction, and may carry on
     * after a failure (Liquibase's failOnError:false). Where the tool's own run agrees with psql on which migration
     * fails (or that none does), Rehearsal must give psql's verdict, SQLState included; where it does not, the tool's
     * own bookkeeping decided, and the tool is the reference (checked by the caller).
     */
    static void agreesWithPsqlWhereTheToolDoes(Verdict rehearsal, Verdict tool, String changelog)
            throws Exception {
        Verdict psql = psql(changelog);
        if (Objects.equals(tool.failed(), psql.failed())) {
            assertThat(rehearsal).as("Rehearsal against psql --single-transaction per migration").isEqualTo(psql);
        }
    }

    static Verdict firstFailedUp(RoundTripReport report) {
        for (StepResult step : report.steps()) {
            PhaseResult up = step.phase(Phase.UP).orElseThrow();
            if (up.status() == Status.FAILED) {
                return new Verdict(changesetId(step.migration()), sqlState(up.message()));
            }
        }
        return Verdict.PASSED;
    }

    /** {@code 2} of Liquibase's {@code changelog.sql::2::kit}, dbmate's {@code 002_kit}, Flyway's {@code V2 kit}. */
    static String changesetId(String name) {
        Matcher m = Pattern.compile("::([^:]+)::").matcher(name);
        if (m.find()) {
            return m.group(1);
        }
        Matcher numbered = Pattern.compile("^V?0*(\\d+)[ _]+kit").matcher(name);
        return numbered.find() ? numbered.group(1) : name;
    }

    static String sqlState(String message) {
        Matcher m = SQL_STATE.matcher(message);
        return m.find() ? m.group(1) : "no SQLState in: " + message;
    }

    static MigrationFailedException failureOf(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MigrationFailedException f) {
                return f;
            }
        }
        return null;
    }

    /** Each changeset's SQL in its own {@code psql --single-transaction} (or none, for runInTransaction:false). */
    static Verdict psql(String changelog) throws Exception {
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
    static List<String[]> changesets(String changelog) {
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

    /** Whether a changeset of the case carries on after its own failure ({@code failOnError:false} in its header). */
    static boolean carriesOnAfterFailure(String changelog) {
        return changesets(changelog).stream()
                .anyMatch(c -> List.of(c[1].split("\\s+")).contains("failOnError:false"));
    }

    /**
     * Whether the case is decided by the tool's own bookkeeping (its changelog table), which only the tool itself
     * can show: the case says so in a {@code --kit:reference=tool} line.
     */
    static boolean decidedByTheToolsBookkeeping(String changelog) {
        return changelog.lines().anyMatch(l -> l.strip().equals("--kit:reference=tool"));
    }
}
