package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.internal.postgres.EmbeddedPostgresProvider;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input gets one clear message, and no throwaway database is left behind. */
class BadInputTest {

    private static Set<String> databasesBefore() {
        return EmbeddedPostgresProvider.shared().throwawayDatabasesOnServer();
    }

    private static void assertNothingLeft(Set<String> before) {
        assertThat(EmbeddedPostgresProvider.shared().throwawayDatabasesOnServer()).isEqualTo(before);
    }

    @Test
    void missingLocation() {
        Set<String> before = databasesBefore(); // the database is created while the history is looked for
        assertThatThrownBy(() -> Histories.rehearse("does-not-exist"))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("No migrations found: the location classpath:histories/does-not-exist does not exist")
                .hasMessageContaining("@MigrationTest(migrations = ...)");
        assertThatThrownBy(() -> Histories.rehearse(RehearsalSettings.of("filesystem:/nonexistent/dir")))
                .hasMessageContaining("filesystem:/nonexistent/dir does not exist");
        assertNothingLeft(before);
    }

    @Test
    void locationInNoKnownLayout() {
        Set<String> before = databasesBefore();
        assertThatThrownBy(() -> Histories.rehearse("not-flyway"))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("Could not tell which migration tool the files at classpath:histories/not-flyway belong to")
                .hasMessageContaining("found: changelog.xml, notes.txt")
                .hasMessageContaining("supported layouts: flyway (V<version>__<name>.sql")
                .hasMessageContaining("golang-migrate").hasMessageContaining("dbmate").hasMessageContaining("prisma");
        assertNothingLeft(before);
    }

    @Test
    void twoFilesWithTheSameVersion() {
        Set<String> before = databasesBefore();
        assertThatThrownBy(() -> Histories.rehearse("duplicate-version"))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("Flyway could not read the migrations at classpath:histories/duplicate-version")
                .hasMessageContaining("more than one migration with version 1")
                .hasMessageContaining("V1__again.sql")
                .hasMessageContaining("V1__one.sql");
        assertNothingLeft(before);
    }

    @Test
    void severalLocationsCombineAndAVersionInTwoOfThemIsReported() {
        try (MigrationRehearsal r = Histories.rehearse(Histories.dataHistory("lossy-down"))) {
            assertThat(r.history().versioned()).extracting(m -> m.up().name())
                    .containsExactly("V1__customers_and_orders.sql", "V2__merge_names.sql");
        }
        assertThatThrownBy(() -> Histories.rehearse(
                RehearsalSettings.of("classpath:histories/data-base, classpath:histories/data-base")))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("classpath:histories/data-base,classpath:histories/data-base")
                .hasMessageContaining("version 1");
    }

    @Test
    void unparsableVersion() {
        Set<String> before = databasesBefore();
        assertThatThrownBy(() -> Histories.rehearse("bad-version"))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("classpath:histories/bad-version")
                .hasMessageContaining("Invalid versioned migration name format: V2a__two.sql")
                .hasMessageContaining("Rename or remove the files named above");
        assertNothingLeft(before);
    }

    @Test
    void undoScriptWithoutItsMigration() {
        Set<String> before = databasesBefore();
        assertThatThrownBy(() -> Histories.rehearse("orphan-undo"))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("Undo script U2__two.sql at classpath:histories/orphan-undo has no versioned migration")
                .hasMessageContaining("there is no V2__*.sql");
        assertNothingLeft(before);
    }

    @Test
    void syntaxErrorWhenMigratingDirectly() {
        try (MigrationRehearsal rehearsal = Histories.rehearse("syntax-error")) {
            assertThatThrownBy(() -> rehearsal.migrateTo("latest"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("V3__broken.sql, line 3")
                    .hasMessageContaining("SQLState:  42601")
                    .satisfies(e -> {
                        MigrationFailedException failure = (MigrationFailedException) e;
                        assertThat(failure.line()).isEqualTo(3);
                        assertThat(failure.sqlState()).contains("42601");
                        assertThat(failure.script()).isEqualTo("V3__broken.sql");
                        assertThat(failure.statement()).contains("alter tabel orders add column carrier text");
                    });
            assertThat(rehearsal.currentVersion()).contains(MigrationVersion.parse("2"));
        }
    }

    @Test
    void unknownTargetVersionListsTheVersionsThatExist() {
        try (MigrationRehearsal rehearsal = Histories.rehearse("good")) {
            assertThatThrownBy(() -> rehearsal.migrateTo("9"))
                    .hasMessageContaining("No migration with version 9 in classpath:histories/good; versions found: 1, 2, 3, 4");
        }
    }

    @Test
    void missingPlaceholderValueNamesThePlaceholderAndScript() {
        try (MigrationRehearsal rehearsal = Histories.rehearse(Histories.settings("placeholders")
                .withPlaceholders(Map.of("prefix", "shop")))) {
            rehearsal.migrateTo("1");
        }
        try (MigrationRehearsal rehearsal = Histories.rehearse("placeholders")) {
            assertThatThrownBy(() -> rehearsal.migrateTo("1")).hasMessageContaining("prefix");
        }
    }

    @Test
    void serverThatCannotStartSaysWhyAndLeavesNoProcess() {
        assertThatThrownBy(() -> DatabaseProviders.embeddedPostgres(Map.of("shared_buffers", "not-a-size")))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("The embedded PostgreSQL server could not start")
                .hasMessageContaining("PostgreSQL refuses its settings: FATAL: invalid value for parameter \"shared_buffers\"")
                .hasMessageContaining("shared_buffers=not-a-size")
                .hasMessageContaining("Correct or remove the setting it names");
    }
}
