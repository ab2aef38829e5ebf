package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.model.Migration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Atlas migration directories (issue 14, part 2): Atlas's own format with its revisions table and
 * {@code -- atlas:txmode none}; the golang-migrate and Flyway formats Atlas writes, read as those layouts; and
 * {@code atlas.sum} checked before anything runs, naming the file that was changed, added or removed, including the sum
 * Atlas writes for the golang-migrate format over the up files alone. The sums in the fixtures follow Atlas's
 * algorithm, which was checked against the {@code atlas.sum} files in Atlas's own test data and the sums
 * {@code atlas migrate hash} wrote in ariga/atlas#3460 (see {@code AtlasSumTest}).
 */
class AtlasTest {

    @Test
    void atlasOwnFormatIsRehearsedWithItsRevisionsTableAndTxmode() {
        try (MigrationRehearsal r = Histories.rehearse("atlas")) {
            assertThat(r.history().versioned()).extracting(Migration::displayName).containsExactly(
                    "V20240101120000 create users", "V20240102090000 users email index", "V20240103170000 create posts");
            RoundTripReport report = r.runRoundTrips();
            // up-only files are rehearsed by restore and re-apply; CREATE INDEX CONCURRENTLY only runs outside a
            // transaction, so the second one passing shows txmode none was honoured
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps()).allSatisfy(step -> assertThat(step.phase(PhaseResult.Phase.RESTORE)).isPresent());
            assertThat(r.query("select version, description, type, applied, total, hash from atlas_schema_revisions"
                    + " order by version").rows()).extracting(row -> row.get(0) + " " + row.get(1) + " " + row.get(2)
                    + " " + row.get(3) + "/" + row.get(4) + " " + row.get(5)).containsExactly(
                    "20240101120000 create_users 2 1/1 EFVWa+tDdi7oyOdr6jButi+lT373NG6/fvwZos5hVSU=",
                    "20240102090000 users_email_index 2 1/1 D2z9EAEGsJ34L8GOv5J+EhJVEiNAYWB/r4vsAssegJs=",
                    "20240103170000 create_posts 2 2/2 2JCTzDo6fPE35ctksLHsMTSKLV6FrFkztu4aMMAmw8Y=");
            assertThat(r.schema().table("atlas_schema_revisions")).isEmpty();
        }
    }

    @Test
    void directoriesAtlasWritesInOtherFormatsAreReadAsThoseFormats() {
        try (MigrationRehearsal r = Histories.rehearse("atlas-golang-migrate")) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.toText()).startsWith("Rehearsal of golang-migrate migrations at");
            assertThat(r.query("select version from schema_migrations").rows()).hasSize(1);
        }
        try (MigrationRehearsal r = Histories.rehearse("atlas-flyway")) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(r.query("select version from flyway_schema_history where success").rows()).hasSize(1);
        }
    }

    /** The migration files of histories/atlas-golang-migrate, for the variants with a sum of their own. */
    private static final List<String> ATLAS_GOLANG_MIGRATE = List.of("20240101120000_create_users.up.sql",
            "20240101120000_create_users.down.sql", "20240102090000_users_email_index.up.sql",
            "20240102090000_users_email_index.down.sql");

    /**
     * Atlas's golang-migrate format hashes only the up files in Atlas versions since April 2025 (its
     * {@code GolangMigrateDir} lists only those; ariga/atlas#3460): such a sum is checked over the up files alone, the
     * down files are still the history's downs, and a changed down file is outside the sum, as it is for Atlas.
     */
    @Test
    void aGolangMigrateSumOfTheUpFilesAloneIsCheckedAsAtlasChecksIt(@TempDir Path dir) {
        RehearsalSettings upFiles = Histories.derived(dir.resolve("up-files"), "histories/atlas-golang-migrate",
                ATLAS_GOLANG_MIGRATE, Map.of(), "histories/atlas-golang-migrate-upsonly");
        try (MigrationRehearsal r = Histories.rehearse(upFiles)) {
            assertThat(r.history().versioned()).extracting(m -> m.down().name()).containsExactly(
                    "20240101120000_create_users.down.sql", "20240102090000_users_email_index.down.sql");
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.toText()).startsWith("Rehearsal of golang-migrate migrations at");
            assertThat(report.steps()).allSatisfy(step -> assertThat(step.phase(PhaseResult.Phase.DOWN)).isPresent());
            assertThat(r.query("select version from schema_migrations").rows()).hasSize(1);
        }
        RehearsalSettings downEdited = Histories.derived(dir.resolve("down-edited"), "histories/atlas-golang-migrate",
                ATLAS_GOLANG_MIGRATE, Map.of("DROP INDEX \"users_email_idx\";",
                        "DROP INDEX IF EXISTS \"users_email_idx\";"), "histories/atlas-golang-migrate-upsonly");
        try (MigrationRehearsal r = Histories.rehearse(downEdited)) {
            assertThat(r.history().versioned().get(1).down().sql()).contains("DROP INDEX IF EXISTS");
        }
    }

    @Test
    void anUpFileChangedUnderAGolangMigrateSumOfTheUpFilesIsNamed(@TempDir Path dir) {
        RehearsalSettings tampered = Histories.derived(dir, "histories/atlas-golang-migrate", ATLAS_GOLANG_MIGRATE,
                Map.of("CREATE UNIQUE INDEX", "CREATE INDEX"), "histories/atlas-golang-migrate-upsonly");
        assertThatThrownBy(() -> Histories.rehearse(tampered))
                .isInstanceOf(RehearsalException.class)
                .hasMessageStartingWith("filesystem:" + dir + "/20240102090000_users_email_index.up.sql changed after"
                        + " atlas.sum was written (atlas.sum has h1:/NVuG72OvLp8i9RNpD+rdKeUNYqYHG5wanIvf3iEtNA=, the"
                        + " file gives h1:")
                .hasMessageContaining("Atlas refuses the directory (checksum mismatch)")
                .hasMessageContaining("if the change is intended, run atlas migrate hash");
    }

    private static RehearsalSettings copy(Path dir, String history, List<String> files, Map<String, String> replace) {
        return Histories.derived(dir, "histories/" + history, files, replace, null);
    }

    @Test
    void aTamperedFileIsNamed(@TempDir Path dir) {
        RehearsalSettings tampered = copy(dir, "atlas", List.of("atlas.sum", "20240101120000_create_users.sql",
                "20240102090000_users_email_index.sql", "20240103170000_create_posts.sql"),
                Map.of("\"published\" boolean NOT NULL DEFAULT false", "\"published\" boolean NOT NULL DEFAULT true"));
        assertThatThrownBy(() -> Histories.rehearse(tampered))
                .isInstanceOf(RehearsalException.class)
                .hasMessageStartingWith("filesystem:" + dir + "/20240103170000_create_posts.sql changed after atlas.sum"
                        + " was written (atlas.sum has h1:2JCTzDo6fPE35ctksLHsMTSKLV6FrFkztu4aMMAmw8Y=, the file gives h1:")
                .hasMessageContaining("Atlas refuses the directory (checksum mismatch)")
                .hasMessageContaining("if the change is intended, run atlas migrate hash");
    }

    @Test
    void aFileAddedOrRemovedWithoutRehashingAndAHandEditedSumAreNamed(@TempDir Path dir) throws Exception {
        RehearsalSettings added = copy(dir.resolve("added"), "atlas-golang-migrate", List.of("atlas.sum",
                "20240101120000_create_users.up.sql", "20240101120000_create_users.down.sql",
                "20240102090000_users_email_index.up.sql", "20240102090000_users_email_index.down.sql"), Map.of());
        Files.writeString(dir.resolve("added/20240103000000_more.up.sql"), "select 1;\n");
        assertThatThrownBy(() -> Histories.rehearse(added))
                .hasMessageContaining("atlas.sum does not list 20240103000000_more.up.sql: the file was added"
                        + " without atlas migrate hash");

        RehearsalSettings ignored = copy(dir.resolve("ignored"), "atlas-golang-migrate", List.of("atlas.sum",
                "20240101120000_create_users.up.sql", "20240101120000_create_users.down.sql",
                "20240102090000_users_email_index.up.sql", "20240102090000_users_email_index.down.sql"), Map.of());
        // a file that says atlas:sum ignore on its first line is left out of the sum, as Atlas leaves it out
        Files.writeString(dir.resolve("ignored/20240103000000_local_seed.up.sql"), "-- atlas:sum ignore\nselect 1;\n");
        try (MigrationRehearsal r = Histories.rehearse(ignored)) {
            assertThat(r.history().versioned()).hasSize(3);
        }

        RehearsalSettings removed = copy(dir.resolve("removed"), "atlas-golang-migrate", List.of("atlas.sum",
                "20240101120000_create_users.up.sql", "20240101120000_create_users.down.sql",
                "20240102090000_users_email_index.up.sql"), Map.of());
        assertThatThrownBy(() -> Histories.rehearse(removed))
                .hasMessageContaining("atlas.sum lists 20240102090000_users_email_index.down.sql, which is not in");

        RehearsalSettings edited = copy(dir.resolve("edited"), "atlas-flyway", List.of("atlas.sum",
                "V20240101120000__create_users.sql", "U20240101120000__create_users.sql"), Map.of());
        Path sum = dir.resolve("edited/atlas.sum");
        Files.writeString(sum, Files.readString(sum).replaceFirst("(?m)^(V\\S+ h1:)\\S+$", "$1AAAA"));
        assertThatThrownBy(() -> Histories.rehearse(edited))
                .hasMessageContaining("atlas.sum was edited by hand: its first line is not the sum of its entries");
    }
}
