package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shards cut the round trips into contiguous parts whose reports add up to one unsharded run's. */
class ShardTest {

    @Test
    void shardsCoverEveryItemOnceInOrderWithBalancedSizes() {
        List<Integer> items = IntStream.range(0, 22).boxed().toList();
        List<Integer> joined = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            List<Integer> part = new Shard(i, 4).of(items);
            assertThat(part.size()).isBetween(5, 6);
            joined.addAll(part);
        }
        assertThat(joined).isEqualTo(items);
        assertThat(new Shard(3, 5).of(List.of(1, 2))).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void parsesIndexOfCountAndRefusesTheRest() {
        assertThat(Shard.parse(" 2 / 4 ")).isEqualTo(new Shard(2, 4));
        assertThat(Shard.parse("1/1")).isEqualTo(Shard.ALL);
        assertThatThrownBy(() -> Shard.parse("5/4")).hasMessageContaining("1 <= index <= count");
        assertThatThrownBy(() -> Shard.parse("0/4")).hasMessageContaining("such as 2/4");
        assertThatThrownBy(() -> Shard.parse("two of four")).hasMessageContaining("is not a shard");
    }

    /**
     * A realistic history with a broken down script, rehearsed whole and in four shards on the embedded server: the
     * shards' steps, in order, are the unsharded run's steps with the same outcomes and messages, and each shard
     * starts at its first migration's previous version without rebuilding anything.
     */
    @Test
    void theShardsReportsAddUpToOneUnshardedRun(@TempDir Path dir) throws IOException {
        Path history = RealisticHistory.write(dir, 2);
        Path broken;
        try (Stream<Path> files = Files.list(history)) {
            broken = files.filter(f -> f.getFileName().toString().endsWith(".down.sql")).sorted().toList().get(8);
        }
        Files.writeString(broken, "select 1;\n");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate");

        List<String> whole = outcomes(rehearse(settings));
        List<String> sharded = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            RoundTripReport part = rehearse(settings.withShard(new Shard(i, 4)));
            assertThat(part.steps()).as("shard %d of 4", i).hasSizeBetween(5, 6);
            assertThat(part.steps().get(0).note()).as("shard %d reached its first version with ups", i)
                    .doesNotContain("rebuilt");
            sharded.addAll(outcomes(part));
        }
        assertThat(whole).hasSize(22).anyMatch(o -> o.contains("FAILED"));
        assertThat(sharded).isEqualTo(whole);
    }

    private static RoundTripReport rehearse(RehearsalSettings settings) {
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(),
                ShardTest.class.getClassLoader())) {
            return r.runRoundTrips();
        }
    }

    /** What must be equal between runs: each step's name, outcome, and each phase's outcome and message. */
    private static List<String> outcomes(RoundTripReport report) {
        return report.steps().stream().map(s -> s.migration() + " " + s.status() + " " + s.phases().stream()
                .map(p -> p.phase() + ":" + p.status() + ":" + p.message()).toList()).toList();
    }
}
