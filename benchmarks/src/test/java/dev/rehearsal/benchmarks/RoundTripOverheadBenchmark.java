package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import dev.rehearsal.core.model.Migration;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trip of the sample shop history through Rehearsal (Flyway for ups, undo scripts, three schema snapshots
 * per migration) against the same up, down and up SQL sent through plain JDBC with no checks. Both run in this
 * one JVM, alternating, several times; the figure is the ratio of the medians. Written to target/benchmarks.txt.
 */
class RoundTripOverheadBenchmark {

    private static final int ROUNDS = 5;

    @Test
    void roundTripAgainstPlainJdbc() throws Exception {
        RehearsalSettings settings = RehearsalSettings.of("classpath:db/migration");
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        List<Migration> history;
        try (MigrationRehearsal probe = MigrationRehearsal.start(settings)) {
            history = probe.history().versioned();
            probe.runRoundTrips(); // warm-up: class loading, JIT, Flyway's first start
        }
        List<Long> rehearsal = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        RoundTripReport last = null;
        Map<String, ComponentRecording.Total> profile = Map.of();
        for (int round = 0; round < ROUNDS; round++) {
            ComponentRecording recording = ComponentRecording.start();
            long t0 = System.nanoTime();
            try (MigrationRehearsal r = MigrationRehearsal.start(settings)) {
                last = r.runRoundTrips();
            }
            rehearsal.add(System.nanoTime() - t0);
            profile = recording.stop();

            t0 = System.nanoTime();
            plainRoundTrips(provider, history);
            plain.add(System.nanoTime() - t0);
        }
        assertThat(last.failed()).as(last.toText()).isFalse();
        double r = median(rehearsal) / 1e6;
        double p = median(plain) / 1e6;
        String line = String.format(Locale.ROOT, "round trip of %d migrations: Rehearsal %.0f ms (SQL %d ms, checks %d ms),"
                        + " plain JDBC up/down/up %.0f ms, ratio %.2fx (target <= 2x), medians of %d rounds%n",
                history.size(), r, last.sqlTime().toMillis(), last.checkTime().toMillis(), p, r / p, ROUNDS);
        write(line);
        StringBuilder where = new StringBuilder("  where the time goes in the last round, ms per phase:");
        double phases = 3.0 * history.size();
        profile.forEach((component, total) -> where.append(String.format(Locale.ROOT, " %s %.2f,", component,
                total.nanos() / 1e6 / phases)));
        write(where.append(String.format(Locale.ROOT, " plain JDBC %.2f%n", p / phases)).toString());
        ObjectNode figures = new ObjectMapper()
                .createObjectNode();
        figures.put("flyway_sample_rehearsal_ms", Math.round(r));
        figures.put("flyway_sample_plain_jdbc_ms", Math.round(p));
        figures.put("flyway_sample_ratio", Math.round(r / p * 100) / 100.0);
        LongHistoryBenchmark.writeJson(figures);
    }

    /**
     * The baseline: each migration's up, down and up scripts through one plain JDBC session on a fresh database, each
     * script in its own transaction as {@code psql -1} runs it, with no checks.
     */
    static void plainRoundTrips(DatabaseProvider provider, List<Migration> history) throws SQLException {
        try (EphemeralDatabase db = provider.createDatabase(); Connection c = db.dataSource().getConnection()) {
            for (Migration m : history) {
                runScript(c, db, m.up().sql());
                runScript(c, db, m.down().sql());
                runScript(c, db, m.up().sql());
            }
        }
    }

    /**
     * Runs a script in its own transaction, statement by statement, as {@code psql -1} would; a script with a statement
     * that cannot run in a transaction ({@code CREATE INDEX CONCURRENTLY}) statement by statement without one, as
     * {@code psql} would.
     */
    static void runScript(Connection c, EphemeralDatabase db, String script) throws SQLException {
        List<SqlStatement> statements = db.dialect().split(script);
        boolean outside = statements.stream().anyMatch(s -> db.dialect().mustRunOutsideTransaction(s.sql()));
        c.setAutoCommit(outside);
        try (Statement st = c.createStatement()) {
            for (SqlStatement s : statements) {
                st.execute(s.sql());
            }
        }
        if (!outside) {
            c.commit();
        }
    }

    static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }

    static void write(String line) throws IOException {
        System.out.print("[rehearsal-benchmark] " + line);
        Path out = Path.of("target", "benchmarks.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
