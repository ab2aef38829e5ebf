package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.model.Migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Drizzle Kit folders (issue 14, part 3): the journal orders the files, statements are cut at
 * {@code --> statement-breakpoint}, {@code __drizzle_migrations} is kept as drizzle-orm's {@code migrate()} keeps
 * it, files without a {@code .down.sql} are rehearsed by restore and re-apply, and a down file that forgets an index
 * is caught.
 */
class DrizzleTest {

    private static final List<String> FILES = List.of("meta/_journal.json", "0000_brave_users.sql",
            "0001_quiet_posts.sql", "0001_quiet_posts.down.sql", "0002_posts_published.sql",
            "0002_posts_published.down.sql");

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void theJournalsFilesAreRehearsedAndTheMigrationsTableKeptAsDrizzleKeepsIt() throws Exception {
        try (MigrationRehearsal r = Histories.rehearse("drizzle")) {
            assertThat(r.history().versioned()).extracting(Migration::id)
                    .containsExactly("0000_brave_users", "0001_quiet_posts", "0002_posts_published");
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.toText()).startsWith("Rehearsal of drizzle migrations at");
            // no down file: restore and re-apply
            assertThat(report.steps().get(0).phase(PhaseResult.Phase.RESTORE)).hasValueSatisfying(p ->
                    assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED));
            assertThat(report.steps().get(1).phases()).as(report.toText())
                    .allSatisfy(p -> assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED));
            // the down file forgets the index the up created
            assertThat(report.steps().get(2).phase(PhaseResult.Phase.DOWN)).hasValueSatisfying(p -> {
                assertThat(p.status()).isEqualTo(PhaseResult.Status.FAILED);
                assertThat(p.message()).contains("posts_created_at_idx");
            });
        }
        try (MigrationRehearsal r = Histories.rehearse("drizzle")) {
            r.migrateTo("latest");
            Path dir = Path.of("src/test/resources/histories/drizzle");
            assertThat(r.query("select hash, created_at from drizzle.__drizzle_migrations order by id").rows())
                    .extracting(row -> row.get(0) + " " + row.get(1)).containsExactly(
                            sha256(dir.resolve("0000_brave_users.sql")) + " 1717000000000",
                            sha256(dir.resolve("0001_quiet_posts.sql")) + " 1717100000000",
                            sha256(dir.resolve("0002_posts_published.sql")) + " 1717200000000");
            assertThat(r.schema().table("__drizzle_migrations")).isEmpty();
        }
    }

    @Test
    void aJournalNamingAMissingFileOrOutOfOrderTimesIsNamed(@TempDir Path dir) {
        RehearsalSettings missing = Histories.derived(dir.resolve("missing"), "histories/drizzle", FILES,
                Map.of("\"0001_quiet_posts\"", "\"0001_loud_posts\""), null);
        assertThatThrownBy(() -> Histories.rehearse(missing))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("meta/_journal.json: entry 1 names 0001_loud_posts.sql, which is not in the folder");
        RehearsalSettings backwards = Histories.derived(dir.resolve("backwards"), "histories/drizzle", FILES,
                Map.of("1717200000000", "1716000000000"), null);
        assertThatThrownBy(() -> Histories.rehearse(backwards))
                .hasMessageContaining("entry 0002_posts_published has when 1716000000000, not after the entry before it");
    }
}
