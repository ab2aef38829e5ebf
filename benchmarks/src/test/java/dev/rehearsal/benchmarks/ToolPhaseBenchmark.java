package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.db.SchemaReader;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the {@code tool} share of a round-trip phase goes (issue 12's profile): Rehearsal runs each script as
 * golang-migrate would, yet took 2.5-2.75x the time one plain session takes for the same SQL. The same generated history's up/down/up scripts
 * run, alternating, (1) through one plain session back to back, as {@link LongHistoryBenchmark}'s baseline does;
 * (2) with the bookkeeping a rehearsal adds: the DDL log's event triggers, golang-migrate's version-table writes
 * around each script, and a pooled connection taken and reset per phase; (3) as (2), with the patched schema read
 * on a second session between phases, as a rehearsal reads it; (4) as (2), with work in this JVM alone between
 * phases (no database call); and (5) Rehearsal's own phases (the {@code tool} component of untraced round trips).
 * Only the phases are timed, never what runs between them, so (3) and (4) show what a phase costs when it no longer
 * runs back to back. Figures go to target/benchmarks.txt and, by name, to target/benchmarks.json.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a profile, not a goal: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class ToolPhaseBenchmark {

    private static final int MIGRATIONS = 10 * GeneratedHistory.STEPS;
    private static final int ROUNDS = 3;
    private static final String VERSION_TABLE = "schema_migrations";

    private enum Variant {
        PLAIN("one plain session, back to back"),
        BOOKKEEPING("with the DDL log, version-table writes and a reset pooled connection per phase"),
        SCHEMA_READ_BETWEEN("the same, the patched schema read on a second session between phases"),
        CLIENT_WORK_BETWEEN("the same, work in this JVM only between phases"),
        REHEARSAL("Rehearsal's own phases, untraced");

        private final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    /** Keeps the JIT from dropping the work between phases. */
    private static long sink;

    @Test
    void whereThePhaseGoes(@TempDir Path dir) throws Exception {
        Path history = GeneratedHistory.write(dir.resolve("history"), MIGRATIONS);
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate")
                .withParallel(1); // the tool component of one part, the phases one after the other
        settings = settings.withLocks(settings.locks().withObservation(false, false));
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        List<Migration> migrations;
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, getClass().getClassLoader())) {
            migrations = r.history().versioned();
        }
        Map<Variant, List<Long>> nanos = new LinkedHashMap<>();
        for (int round = 0; round <= ROUNDS; round++) {
            for (Variant v : Variant.values()) {
                long t = v == Variant.REHEARSAL ? rehearsalPhases(settings, provider) : phases(provider, migrations, v);
                if (round > 0) { // the first round warms up
                    nanos.computeIfAbsent(v, k -> new ArrayList<>()).add(t);
                }
            }
        }
        double phases = 3.0 * migrations.size();
        Map<Variant, Double> perPhase = new LinkedHashMap<>();
        nanos.forEach((v, t) -> perPhase.put(v, RoundTripOverheadBenchmark.median(t) / 1e6 / phases));
        double plain = perPhase.get(Variant.PLAIN);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "a phase's SQL, %d-migration generated history"
                + " on the embedded server, ms per phase (medians of %d alternating rounds; only the phases timed):",
                migrations.size(), ROUNDS));
        perPhase.forEach((v, ms) -> line.append(String.format(Locale.ROOT, " %s %.2f (%.2fx);", v.label, ms, ms / plain)));
        RoundTripOverheadBenchmark.write(line.append('\n').toString());
        ObjectNode figures = new ObjectMapper().createObjectNode();
        perPhase.forEach((v, ms) -> figures.put("tool_phase_ms_" + v.name().toLowerCase(Locale.ROOT),
                Math.round(ms * 100) / 100.0));
        LongHistoryBenchmark.writeJson(figures);
    }

    /** Nanoseconds the untraced round trips' {@code tool} component took. */
    private static long rehearsalPhases(RehearsalSettings settings, DatabaseProvider provider) {
        ComponentRecording recording = ComponentRecording.start();
        RoundTripReport report;
        Map<String, ComponentRecording.Total> profile;
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, ToolPhaseBenchmark.class.getClassLoader())) {
            report = r.runRoundTrips();
        } finally {
            profile = recording.stop();
        }
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(profile).as("the tool's phases were timed").containsKey("tool");
        return profile.get("tool").nanos();
    }

    /** Nanoseconds the phases of {@code variant} took, on a fresh database. */
    private static long phases(DatabaseProvider provider, List<Migration> history, Variant variant) throws SQLException {
        try (EphemeralDatabase db = provider.createDatabase(); Connection held = db.dataSource().getConnection()) {
            if (variant == Variant.PLAIN) {
                long t0 = System.nanoTime();
                for (Migration m : history) {
                    RoundTripOverheadBenchmark.runScript(held, db, m.up().sql());
                    RoundTripOverheadBenchmark.runScript(held, db, m.down().sql());
                    RoundTripOverheadBenchmark.runScript(held, db, m.up().sql());
                }
                return System.nanoTime() - t0;
            }
            // the patched reader installs the DDL log's event triggers, as a rehearsal's own reader does
            SchemaReader reader = db.dialect().schemaReader(held, Set.of(VERSION_TABLE), true);
            assertThat(reader.fallback()).as("the DDL log could be installed").isNull();
            reader.readFull();
            try (Statement st = held.createStatement()) {
                st.execute("create table " + VERSION_TABLE + " (version bigint not null primary key, dirty boolean not null)");
            }
            long total = 0;
            long version = 0;
            for (Migration m : history) {
                version++;
                String[] scripts = {m.up().sql(), m.down().sql(), m.up().sql()};
                long[] versions = {version, version - 1, version};
                for (int i = 0; i < scripts.length; i++) {
                    if (variant == Variant.SCHEMA_READ_BETWEEN) {
                        reader.read();
                    } else if (variant == Variant.CLIENT_WORK_BETWEEN) {
                        sink += clientWork();
                    }
                    long t0 = System.nanoTime();
                    bookkeptPhase(db, scripts[i], versions[i]);
                    total += System.nanoTime() - t0;
                }
            }
            return total;
        }
    }

    /**
     * A script as Rehearsal runs a golang-migrate migration: a pooled connection, the version written dirty, the
     * script and the clean version in one transaction, the connection handed back (and reset).
     */
    private static void bookkeptPhase(EphemeralDatabase db, String script, long version) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            writeVersion(c, version, true);
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (SqlStatement s : db.dialect().split(script)) {
                    st.execute(s.sql());
                }
            }
            writeVersion(c, version, false);
            c.commit();
            c.setAutoCommit(true);
        }
    }

    private static void writeVersion(Connection c, long version, boolean dirty) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.addBatch("delete from " + VERSION_TABLE);
            st.addBatch("insert into " + VERSION_TABLE + " (version, dirty) values (" + version + ", " + dirty + ")");
            st.executeBatch();
        }
    }

    /** About as much work as a phase's checks do in this JVM, with no database call: text built and hashed. */
    private static long clientWork() {
        long h = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            sb.setLength(0);
            h += sb.append("object ").append(i).append(" of the schema").toString().hashCode();
        }
        return h;
    }
}
