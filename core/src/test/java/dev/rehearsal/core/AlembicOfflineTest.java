package dev.rehearsal.core;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Alembic offline SQL, as Alembic 1.8 wrote it for src/test/resources/alembic-project (a branch and a merge):
 * steps, pairing, and the alembic_version rows Alembic leaves.
 */
class AlembicOfflineTest {

    /** The offline SQL Alembic wrote, with the revision files it came from (for the descriptions). */
    static final RehearsalSettings OFFLINE = RehearsalSettings.of("classpath:histories/alembic-offline,classpath:alembic-project");


    @Test
    void stepsFollowTheUpgradeFileAndPairWithTheirDowngrades() {
        try (MigrationRehearsal r = Histories.rehearse(OFFLINE)) {
            assertThat(r.history().versioned()).extracting(Migration::id)
                    .containsExactly("1975ea83b712", "ae1027a6acf", "27c6a30d7c24", "3a4e5b6c7d8e");
            // descriptions come from the revision files next to the offline SQL
            assertThat(r.history().versioned()).extracting(Migration::displayName).containsExactly(
                    "1975ea83b712 create users", "ae1027a6acf create orders", "27c6a30d7c24 add email",
                    "3a4e5b6c7d8e merge email and orders");
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.source()).startsWith("Alembic migrations at classpath:histories/alembic-offline,classpath:alembic-project");
            assertThat(r.query("select version_num from alembic_version").column("version_num"))
                    .containsExactly("3a4e5b6c7d8e");
        }
    }

    @Test
    void alembicVersionHoldsOneRowPerHeadAsAlembicLeavesIt() {
        try (MigrationRehearsal r = Histories.rehearse(OFFLINE)) {
            r.migrateTo("27c6a30d7c24");
            assertThat(r.query("select version_num from alembic_version order by 1").column("version_num"))
                    .containsExactly("27c6a30d7c24", "ae1027a6acf");
            r.migrateTo("latest");
            r.migrateTo("ae1027a6acf");
            assertThat(r.query("select version_num from alembic_version").column("version_num"))
                    .containsExactly("ae1027a6acf");
            r.migrateTo("base");
            assertThat(r.query("select to_regclass('alembic_version') is null").singleValue()).hasValue(true);
        }
    }

    @Test
    void downgradeFileMissingAStepIsNamedWithTheUpgradeLine(@TempDir Path dir)
            throws Exception {
        Path offline = Path.of("src/test/resources/histories/alembic-offline");
        Files.copy(offline.resolve("upgrade.sql"), dir.resolve("upgrade.sql"));
        String down = Files.readString(offline.resolve("downgrade.sql"));
        Files.writeString(dir.resolve("downgrade.sql"), down.substring(0, down.indexOf("-- Running downgrade 27c6a30d7c24"))
                + down.substring(down.indexOf("-- Running downgrade ae1027a6acf")));
        assertThatThrownBy(() -> Histories.rehearse(RehearsalSettings.of("filesystem:" + dir)))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("Alembic history at filesystem:" + dir + ": downgrade.sql:")
                .hasMessageContaining("no '-- Running downgrade 27c6a30d7c24 -> ...' step, though upgrade.sql line 28 upgrades to it");
    }

    @Test
    void unknownRevisionInMigrateToListsWhatExists() {
        try (MigrationRehearsal r = Histories.rehearse(OFFLINE)) {
            assertThatThrownBy(() -> r.migrateTo("deadbeef"))
                    .hasMessageContaining("No migration with version deadbeef")
                    .hasMessageContaining("1975ea83b712, ae1027a6acf, 27c6a30d7c24, 3a4e5b6c7d8e");
            assertThat(List.of(r.history().require("ae1027a6acf").version().toString())).containsExactly("2");
        }
    }

    @Test
    void perMigrationTransactionsAndNoTransactionsReadTheSame(@TempDir Path dir)
            throws Exception {
        String up = Files.readString(Path.of("src/test/resources/histories/alembic-offline/upgrade.sql"));
        String down = Files.readString(Path.of("src/test/resources/histories/alembic-offline/downgrade.sql"));
        Path perStep = Files.createDirectories(dir.resolve("per-step"));
        Files.writeString(perStep.resolve("upgrade.sql"), up.replace("\n-- Running", "\nCOMMIT;\nBEGIN;\n-- Running"));
        Files.writeString(perStep.resolve("downgrade.sql"), down.replace("\n-- Running", "\nCOMMIT;\nBEGIN;\n-- Running"));
        Path none = Files.createDirectories(dir.resolve("none"));
        Files.writeString(none.resolve("upgrade.sql"), up.replace("BEGIN;\n", "").replace("COMMIT;\n", ""));
        Files.writeString(none.resolve("downgrade.sql"), down.replace("BEGIN;\n", "").replace("COMMIT;\n", ""));
        for (Path variant : List.of(perStep, none)) {
            try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + variant))) {
                assertThat(r.history().versioned()).extracting(Migration::id)
                        .containsExactly("1975ea83b712", "ae1027a6acf", "27c6a30d7c24", "3a4e5b6c7d8e");
                RoundTripReport report = r.runRoundTrips();
                assertThat(report.failed()).as(report.toText()).isFalse();
            }
        }
    }
}
