package dev.rehearsal.benchmarks;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.internal.postgres.PostgresDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loading and splitting a 1,000-migration history (golang-migrate and dbmate layouts): detection, reading, pairing
 * and cutting every up and down script into statements, against reading the same files' bytes. No database.
 */
class HistoryLoadingBenchmark {

    private static final int MIGRATIONS = 1000;

    @TempDir
    Path dir;

    @Test
    void loadAndSplitAThousandMigrations() throws Exception {
        Path golang = Files.createDirectories(dir.resolve("golang"));
        Path dbmate = Files.createDirectories(dir.resolve("dbmate"));
        for (int i = 1; i <= MIGRATIONS; i++) {
            String up = "CREATE TABLE t" + i + " (id bigint PRIMARY KEY, note text DEFAULT 'a;b');\n"
                    + "CREATE FUNCTION f" + i + "() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN " + i + "; END $$;\n"
                    + "COMMENT ON TABLE t" + i + " IS 'table " + i + "';\n";
            String down = "DROP FUNCTION f" + i + "();\nDROP TABLE t" + i + ";\n";
            Files.writeString(golang.resolve(String.format(Locale.ROOT, "%06d_create_t%d.up.sql", i, i)), up);
            Files.writeString(golang.resolve(String.format(Locale.ROOT, "%06d_create_t%d.down.sql", i, i)), down);
            Files.writeString(dbmate.resolve(String.format(Locale.ROOT, "2023%010d_create_t%d.sql", i, i)),
                    "-- migrate:up\n" + up + "\n-- migrate:down\n" + down);
        }
        PostgresDialect dialect = new PostgresDialect("18");
        for (Path layout : List.of(golang, dbmate)) {
            List<Long> loads = new ArrayList<>();
            List<Long> reads = new ArrayList<>();
            int statements = 0;
            for (int round = 0; round <= 3; round++) {
                long t0 = System.nanoTime();
                long bytes = 0;
                try (Stream<Path> files = Files.list(layout)) {
                    for (Path f : files.toList()) {
                        bytes += Files.readAllBytes(f).length;
                    }
                }
                long read = System.nanoTime() - t0;
                t0 = System.nanoTime();
                MigrationTool tool = MigrationSources.detect(RehearsalSettings.of("filesystem:" + layout),
                        getClass().getClassLoader()).open(null, dialect);
                statements = 0;
                for (Migration m : tool.history().versioned()) {
                    statements += dialect.split(m.up().sql()).size() + dialect.split(m.down().sql()).size();
                }
                long load = System.nanoTime() - t0;
                assertThat(tool.history().versioned()).hasSize(MIGRATIONS);
                assertThat(bytes).isPositive();
                if (round > 0) {
                    loads.add(load);
                    reads.add(read);
                }
            }
            double load = RoundTripOverheadBenchmark.median(loads) / 1e6;
            double read = RoundTripOverheadBenchmark.median(reads) / 1e6;
            RoundTripOverheadBenchmark.write(String.format(Locale.ROOT,
                    "loading and splitting %d %s migrations (%d statements): %.0f ms (target < 1000 ms); reading the"
                            + " files' bytes %.0f ms; ratio %.1fx; medians of 3 rounds%n", MIGRATIONS,
                    layout.getFileName(), statements, load, read, load / read));
        }
    }
}
