package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import dev.rehearsal.core.model.Migration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's Liquibase figures, on {@link GeneratedHistory}'s SQL written three ways: as a Liquibase changelog (a
 * master XML including one formatted SQL file per changeset, each with its {@code --rollback}), as Flyway
 * {@code V}/{@code U} scripts, and run through plain JDBC.
 * <ul>
 *   <li>loading a 1,000-changeset changelog (Liquibase parses it, Rehearsal numbers the changesets and generates
 *       their SQL for tracing): target under 2 s;</li>
 *   <li>per-migration overhead of a round trip (Rehearsal's time minus plain JDBC's up/down/up, per migration)
 *       through the Liquibase source against the Flyway source on the same SQL: target within 1.5x.</li>
 * </ul>
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a closed issue's figure: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class LiquibaseBenchmark {

    private static final int LOADED = 1000;
    private static final int ROUND_TRIPPED = 24;
    private static final int ROUNDS = 3;

    @TempDir
    Path dir;

    /** The generated history as a Liquibase changelog in {@code target}: returns the master changelog. */
    static Path liquibase(Path golang, Path target) throws IOException {
        Path changes = Files.createDirectories(target.resolve("changes"));
        StringBuilder master = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                        xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
                """);
        for (Path up : ups(golang)) {
            String name = up.getFileName().toString().replace(".up.sql", "");
            String down = Files.readString(golang.resolve(name + ".down.sql"));
            StringBuilder sql = new StringBuilder("--liquibase formatted sql\n\n--changeset bench:" + name
                    + " splitStatements:false\n").append(Files.readString(up)).append("\n/* liquibase rollback\n")
                    .append(down).append("\n*/\n");
            Files.writeString(changes.resolve(name + ".sql"), sql);
            master.append("    <include file=\"changes/").append(name).append(".sql\" relativeToChangelogFile=\"true\"/>\n");
        }
        Path file = target.resolve("db.changelog-master.xml");
        Files.writeString(file, master.append("</databaseChangeLog>\n"));
        return file;
    }

    /** The generated history as Flyway scripts in {@code target}: V1__name.sql and U1__name.sql. */
    static Path flyway(Path golang, Path target) throws IOException {
        Files.createDirectories(target);
        int v = 0;
        for (Path up : ups(golang)) {
            String name = up.getFileName().toString().replace(".up.sql", "");
            v++;
            Files.writeString(target.resolve("V" + v + "__" + name + ".sql"), Files.readString(up));
            Files.writeString(target.resolve("U" + v + "__" + name + ".sql"), Files.readString(golang.resolve(name + ".down.sql")));
        }
        return target;
    }

    private static List<Path> ups(Path golang) throws IOException {
        try (Stream<Path> files = Files.list(golang)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".up.sql")).sorted().toList();
        }
    }

    @Test
    void loadingAThousandChangesetsAndPerMigrationOverheadAgainstFlyway() throws Exception {
        DatabaseProvider provider = DatabaseProviders.embeddedPostgres();
        Path master = liquibase(GeneratedHistory.write(dir.resolve("golang-1000"), LOADED), dir.resolve("liquibase-1000"));
        List<Long> loads = new ArrayList<>();
        try (EphemeralDatabase db = provider.createDatabase()) {
            for (int round = 0; round <= ROUNDS; round++) {
                long t0 = System.nanoTime();
                MigrationTool tool = MigrationSources.detect(RehearsalSettings.of("filesystem:" + master),
                        getClass().getClassLoader()).open(db.dataSource(), db.dialect());
                long load = System.nanoTime() - t0;
                assertThat(tool.history().versioned()).hasSize(LOADED);
                if (round > 0) {
                    loads.add(load); // round 0 warms up Liquibase's and the JVM's first start
                }
            }
        }
        double loadMs = RoundTripOverheadBenchmark.median(loads) / 1e6;
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "loading a %d-changeset Liquibase changelog"
                + " (master XML + formatted SQL): %.0f ms (target < 2000 ms), median of %d rounds%n", LOADED, loadMs, ROUNDS));

        Path golang = GeneratedHistory.write(dir.resolve("golang"), ROUND_TRIPPED);
        RehearsalSettings viaLiquibase = RehearsalSettings.of("filesystem:" + liquibase(golang, dir.resolve("liquibase")));
        RehearsalSettings viaFlyway = RehearsalSettings.of("filesystem:" + flyway(golang, dir.resolve("flyway")));
        List<Migration> history;
        try (MigrationRehearsal warm = MigrationRehearsal.start(viaFlyway, provider, getClass().getClassLoader())) {
            history = warm.history().versioned();
            warm.runRoundTrips();
        }
        try (MigrationRehearsal warm = MigrationRehearsal.start(viaLiquibase, provider, getClass().getClassLoader())) {
            warm.runRoundTrips();
        }
        List<Long> liquibase = new ArrayList<>();
        List<Long> flyway = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        Map<RehearsalSettings, Map<String, ComponentRecording.Total>> profiles = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            boolean last = round == ROUNDS - 1; // the last round also says where the time goes
            liquibase.add(roundTrips(viaLiquibase, provider, last ? profiles : null));
            flyway.add(roundTrips(viaFlyway, provider, last ? profiles : null));
            long t0 = System.nanoTime();
            RoundTripOverheadBenchmark.plainRoundTrips(provider, history);
            plain.add(System.nanoTime() - t0);
        }
        double l = RoundTripOverheadBenchmark.median(liquibase) / 1e6;
        double f = RoundTripOverheadBenchmark.median(flyway) / 1e6;
        double p = RoundTripOverheadBenchmark.median(plain) / 1e6;
        double lOver = (l - p) / ROUND_TRIPPED;
        double fOver = (f - p) / ROUND_TRIPPED;
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "round trips of %d migrations, same SQL:"
                        + " Liquibase source %.0f ms, Flyway source %.0f ms, plain JDBC %.0f ms; overhead per migration"
                        + " Liquibase %.1f ms, Flyway %.1f ms, ratio %.2fx (target <= 1.5x); medians of %d rounds%n",
                ROUND_TRIPPED, l, f, p, lOver, fOver, lOver / fOver, ROUNDS));

        for (Map.Entry<RehearsalSettings, Map<String, ComponentRecording.Total>> profile : profiles.entrySet()) {
            StringBuilder where = new StringBuilder("  where the time goes in the last round, ms per phase, "
                    + profile.getKey().migrations().replaceAll(".*/", "") + ":");
            profile.getValue().forEach((component, total) -> where.append(String.format(
                    Locale.ROOT, " %s %.2f,", component, total.nanos() / 1e6 / (3.0 * ROUND_TRIPPED))));
            RoundTripOverheadBenchmark.write(where.append(String.format(Locale.ROOT, " plain JDBC %.2f%n",
                    p / (3.0 * ROUND_TRIPPED))).toString());
        }

        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("liquibase_load_1000_ms", Math.round(loadMs));
        figures.put("liquibase_overhead_per_migration_ms", Math.round(lOver * 10) / 10.0);
        figures.put("flyway_overhead_per_migration_ms", Math.round(fOver * 10) / 10.0);
        figures.put("liquibase_vs_flyway_overhead_ratio", Math.round(lOver / fOver * 100) / 100.0);
        LongHistoryBenchmark.writeJson(figures);
    }

    /** One rehearsal's round trips, timed; profiled into {@code profiles} when it is given. */
    private long roundTrips(RehearsalSettings settings, DatabaseProvider provider,
                            Map<RehearsalSettings, Map<String, ComponentRecording.Total>> profiles) {
        ComponentRecording recording = profiles != null ? ComponentRecording.start() : null;
        long t0 = System.nanoTime();
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, getClass().getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps()).hasSize(ROUND_TRIPPED);
        }
        long elapsed = System.nanoTime() - t0;
        if (profiles != null) {
            profiles.put(settings, recording.stop());
        }
        return elapsed;
    }
}
