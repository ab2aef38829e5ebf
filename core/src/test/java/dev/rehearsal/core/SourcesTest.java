package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.schema.ObjectKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** golang-migrate, dbmate and Prisma layouts: detection, round trips, their version tables, and loader errors. */
class SourcesTest {

    private static RoundTripReport roundTrip(MigrationRehearsal r) {
        RoundTripReport report = r.runRoundTrips();
        assertThat(report.failed()).as(report.toText()).isFalse();
        return report;
    }

    /** Writes migration files into {@code dir}: names and contents, alternating. */
    private static void writeFiles(Path dir, String... namesAndContents) throws IOException {
        for (int i = 0; i < namesAndContents.length; i += 2) {
            Files.writeString(dir.resolve(namesAndContents[i]), namesAndContents[i + 1]);
        }
    }

    @Test
    void golangMigrateRoundTripsAndKeepsItsVersionTable() {
        try (MigrationRehearsal r = Histories.rehearse("golang-migrate")) {
            assertThat(r.history().versioned()).extracting(Migration::displayName)
                    .containsExactly("000001_create_users", "000002_add_email", "000003_index_email");
            RoundTripReport report = roundTrip(r);
            assertThat(report.source()).startsWith("golang-migrate migrations at classpath:histories/golang-migrate");
            assertThat(r.query("select version, dirty from schema_migrations").rows())
                    .containsExactly(List.of(3L, false));
            // COPY ... FROM stdin data, a semicolon inside it, loaded as psql would
            assertThat(r.query("select name from users order by id").column("name")).containsExactly("Ada; Lovelace", "Alan Turing");
            assertThat(r.schema().find(ObjectKind.TABLE, "schema_migrations")).isEmpty();
            r.migrateTo("1");
            assertThat(r.query("select version, dirty from schema_migrations").rows()).containsExactly(List.of(1L, false));
            r.migrateTo("base");
            assertThat(r.query("select count(*) from schema_migrations").singleValue()).hasValue(0L);
        }
    }

    @Test
    void golangMigrateFailureLeavesTheVersionDirtyAsGolangMigrateDoes() {
        try (MigrationRehearsal r = Histories.rehearse("golang-migrate")) {
            r.migrateTo("1");
            try (var c = r.dataSource().getConnection(); var st = c.createStatement()) {
                st.execute("alter table users add column email text");
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
            assertThatThrownBy(() -> r.migrateTo("2")).isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("000002_add_email.up.sql, line 1").hasMessageContaining("42701");
            assertThat(r.query("select version, dirty from schema_migrations").rows()).containsExactly(List.of(2L, true));
            assertThatThrownBy(r::currentVersion).hasMessageContaining("schema_migrations says version 2 is dirty")
                    .hasMessageContaining("Dirty database version 2. Fix and force version.");
        }
    }

    /**
     * A failure that strikes only at the commit (a deferred foreign key), which is sent with the clean version's write:
     * the message names the migration and the server's error, not the batch it came in, the script's changes are
     * rolled back, and the version stays dirty, as golang-migrate leaves it.
     */
    @Test
    void golangMigrateFailureAtCommitIsReportedAndLeavesTheVersionDirty(@TempDir Path dir) throws Exception {
        writeFiles(dir,
                "000001_parents.up.sql", "create table parent (id int primary key);\n"
                        + "create table child (id int primary key, parent_id int references parent deferrable initially deferred);\n",
                "000001_parents.down.sql", "drop table child;\ndrop table parent;\n",
                "000002_orphan.up.sql", "create table audit (id int);\n" + "insert into child values (1, 42);\n",
                "000002_orphan.down.sql", "drop table audit;\ndelete from child;\n");
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + dir))) {
            r.migrateTo("1");
            assertThatThrownBy(() -> r.migrateTo("2")).isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("000002_orphan.up.sql").hasMessageContaining("23503")
                    .hasMessageContaining("violates foreign key constraint")
                    .hasMessageNotContaining("Batch entry");
            assertThat(r.query("select version, dirty from schema_migrations").rows()).containsExactly(List.of(2L, true));
            assertThat(r.query("select count(*) from child").singleValue()).hasValue(0L);
            assertThat(r.query("select count(*) from pg_class where relname = 'audit'").singleValue()).hasValue(0L);
        }
    }

    /**
     * A down script that fails leaves the version it reverts to dirty, as golang-migrate's down does (it writes that
     * row before the script; Rehearsal writes it once the script failed).
     */
    @Test
    void golangMigrateFailingDownLeavesThePreviousVersionDirty(@TempDir Path dir) throws Exception {
        writeFiles(dir,
                "000001_users.up.sql", "create table users (id int primary key);\n",
                "000001_users.down.sql", "drop table users;\n",
                "000002_email.up.sql", "alter table users add column email text;\n",
                "000002_email.down.sql", "alter table users drop column mail;\n");
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + dir))) {
            r.migrateTo("2");
            assertThat(r.query("select version, dirty from schema_migrations").rows()).containsExactly(List.of(2L, false));
            assertThatThrownBy(() -> r.migrateTo("1")).isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("000002_email.down.sql").hasMessageContaining("42703");
            assertThat(r.query("select version, dirty from schema_migrations").rows()).containsExactly(List.of(1L, true));
            assertThat(r.query("select count(*) from information_schema.columns where column_name = 'email'")
                    .singleValue()).hasValue(1L);
        }
    }

    /**
     * A script that ends its own session (here it terminates its backend; in life the migration timeout does) leaves
     * the version dirty too: the row is written on a new session when the script's session is gone.
     */
    @Test
    void golangMigrateFailureThatEndsTheSessionStillLeavesTheVersionDirty(@TempDir Path dir) throws Exception {
        writeFiles(dir,
                "000001_users.up.sql", "create table users (id int primary key);\n",
                "000001_users.down.sql", "drop table users;\n",
                "000002_gone.up.sql", "create table audit (id int);\n"
                        + "select pg_terminate_backend(pg_backend_pid());\n",
                "000002_gone.down.sql", "drop table audit;\n");
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + dir))) {
            r.migrateTo("1");
            assertThatThrownBy(() -> r.migrateTo("2")).isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("000002_gone.up.sql");
            assertThat(r.query("select version, dirty from schema_migrations").rows()).containsExactly(List.of(2L, true));
            assertThat(r.query("select count(*) from pg_class where relname = 'audit'").singleValue()).hasValue(0L);
        }
    }

    /** The first two migrations of histories/golang-migrate, shared by the variants below. */
    private static final List<String> GOLANG_V1 = List.of("000001_create_users.up.sql", "000001_create_users.down.sql");

    @Test
    void golangMigrateUpWithoutDownAndDuplicateAreCaught(@TempDir Path noDown, @TempDir Path duplicate) {
        List<String> upOnlyV2 = new ArrayList<>(GOLANG_V1);
        upOnlyV2.add("000002_add_email.up.sql");
        try (MigrationRehearsal r = Histories.rehearse(Histories.derived(noDown, "histories/golang-migrate", upOnlyV2,
                Map.of(), null))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps().get(1).phase(Phase.RESTORE).orElseThrow().status()).isEqualTo(Status.PASSED);
            assertThat(r.query("select version, dirty from schema_migrations").rows()).containsExactly(List.of(2L, false));
        }
        try (MigrationRehearsal r = Histories.rehearse(Histories.derived(noDown, "histories/golang-migrate", upOnlyV2,
                Map.of(), null).withMissingDown(RehearsalSettings.MissingDown.FAIL))) {
            PhaseResult down = r.runRoundTrips().steps().get(1).phase(Phase.DOWN).orElseThrow();
            assertThat(down.status()).isEqualTo(Status.FAILED);
            assertThat(down.message()).contains("000002_add_email has no down script: expected 000002_add_email.down.sql");
        }
        assertThatThrownBy(() -> Histories.rehearse(Histories.derived(duplicate, "histories/golang-migrate", upOnlyV2,
                Map.of(), "histories/golang-duplicate")))
                .hasMessageContaining("000002_add_phone.up.sql, line 1: version 2 appears twice: 000002_add_email.up.sql"
                        + " and 000002_add_phone.up.sql");
    }

    /** golang-migrate only requires versions to increase: real histories have gaps (1, then 110). */
    @Test
    void golangMigrateAcceptsGapsAsGolangMigrateDoes(@TempDir Path gap) {
        try (MigrationRehearsal r = Histories.rehearse(Histories.derived(gap, "histories/golang-migrate", GOLANG_V1,
                Map.of(), "histories/golang-gap"))) {
            assertThat(r.history().versioned()).extracting(Migration::displayName)
                    .containsExactly("000001_create_users", "000110_index_name");
            roundTrip(r);
            assertThat(r.query("select version, dirty from schema_migrations").rows()).containsExactly(List.of(110L, false));
            r.migrateTo("1");
            assertThat(r.query("select version from schema_migrations").singleValue()).hasValue(1L);
        }
    }

    /** A version with only a down file: golang-migrate's up runs nothing and records the version; its down runs the file. */
    @Test
    void golangMigrateVersionWithOnlyADownFileHasAnEmptyUp() {
        try (MigrationRehearsal r = Histories.rehearse("golang-down-only")) {
            assertThat(r.history().versioned()).extracting(m -> m.up().name()).containsExactly("000001_create_users.up.sql",
                    "000002_drop_legacy_index.up.sql (no such file: golang-migrate runs nothing)", "000003_add_email.up.sql");
            roundTrip(r);
            r.migrateTo("2");
            assertThat(r.query("select version from schema_migrations").singleValue()).hasValue(2L);
        }
    }

    @Test
    void golangMigrateRefusesAVersionItCannotRead() {
        assertThatThrownBy(() -> Histories.rehearse("golang-overflow"))
                .hasMessageContaining("18446744073709551616_create_u.up.sql, line 1: version 18446744073709551616 is larger"
                        + " than golang-migrate can read");
    }

    /**
     * dbmate applies every file whose name starts with digits, in file-name order; gaps are fine (its versions are
     * timestamps). Two files with one version: on an empty database dbmate runs the first and then fails recording
     * the second, so Rehearsal refuses the pair up front, naming both.
     */
    @Test
    void dbmateRefusesTwoFilesWithOneVersion() {
        assertThatThrownBy(() -> Histories.rehearse("dbmate-duplicate"))
                .hasMessageContaining("20230101120000_create_b.sql, line 1: version 20230101120000 appears twice:"
                        + " 20230101120000_create_a.sql and 20230101120000_create_b.sql");
    }

    /** Flyway orders versions part by part (1, 1.1, 1.10, 3), accepts gaps, and refuses a version used twice. */
    @Test
    void flywayOrdersDottedVersionsAcceptsGapsAndRefusesDuplicates() {
        try (MigrationRehearsal r = Histories.rehearse("flyway-gaps")) {
            assertThat(r.history().versioned()).extracting(m -> m.version().toString()).containsExactly("1", "1.1", "1.10", "3");
            roundTrip(r);
        }
        assertThatThrownBy(() -> Histories.rehearse("flyway-duplicate"))
                .hasMessageContaining("version 2").hasMessageContaining("V2__create_b.sql").hasMessageContaining("V2__create_c.sql");
    }

    /** dbmate's record of a migration also carries the commit: a deferred foreign key fails there, named as such. */
    @Test
    void dbmateFailureAtCommitIsReportedAndRecordsNothing(@TempDir Path dir) throws Exception {
        writeFiles(dir,
                "20240101000000_parents.sql", "-- migrate:up\n"
                        + "create table parent (id int primary key);\n"
                        + "create table child (id int primary key, parent_id int references parent deferrable initially deferred);\n"
                        + "-- migrate:down\ndrop table child;\ndrop table parent;\n",
                "20240102000000_orphan.sql", "-- migrate:up\n"
                        + "insert into child values (1, 42);\n-- migrate:down\ndelete from child;\n");
        try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("filesystem:" + dir).withFormat("dbmate"))) {
            r.migrateTo("20240101000000");
            assertThatThrownBy(() -> r.migrateTo("20240102000000")).isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("20240102000000_orphan.sql").hasMessageContaining("23503")
                    .hasMessageNotContaining("Batch entry");
            assertThat(r.query("select version from schema_migrations").column("version")).containsExactly("20240101000000");
            assertThat(r.query("select count(*) from child").singleValue()).hasValue(0L);
            r.migrateTo("base");
            assertThat(r.query("select count(*) from schema_migrations").singleValue()).hasValue(0L);
        }
    }

    @Test
    void dbmateSectionsTransactionFalseAndItsTable() {
        try (MigrationRehearsal r = Histories.rehearse("dbmate")) {
            roundTrip(r);
            assertThat(r.query("select version from schema_migrations order by version").column("version"))
                    .containsExactly("20230101120000", "20230102120000", "20230103120000");
            assertThat(r.schema().find(ObjectKind.INDEX, "users_name_idx")).isPresent();
        }
        try (MigrationRehearsal r = Histories.rehearse("dbmate")) {
            r.migrateTo("20230102120000");
            var check = r.migrateTo("20230103120000").locks().statements().stream()
                    .filter(st -> st.sql().contains("CHECK")).findFirst().orElseThrow();
            assertThat(check.where()).startsWith("20230103120000_add_email.sql line 3: ALTER TABLE users ADD CONSTRAINT");
        }
        assertThatThrownBy(() -> Histories.rehearse("dbmate-no-up"))
                .hasMessageContaining("dbmate history at classpath:histories/dbmate-no-up: 20230101120000_create_users.sql,"
                        + " line 1: no '-- migrate:up' line");
    }

    @Test
    void prismaIsUpOnlyUnlessADownIsWritten() {
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings("prisma")
                .withMissingDown(RehearsalSettings.MissingDown.FAIL))) {
            PhaseResult initDown = roundTrip(r).steps().get(0).phase(Phase.DOWN).orElseThrow();
            assertThat(initDown.status()).isEqualTo(Status.SKIPPED);
            assertThat(initDown.message()).contains("Prisma migrations are up-only; write migrations/20230101000000_init/down.sql");
        }
        try (MigrationRehearsal r = Histories.rehearse("prisma")) {
            RoundTripReport report = roundTrip(r);
            assertThat(report.steps().get(0).phase(Phase.RESTORE).orElseThrow().status()).isEqualTo(Status.PASSED);
            assertThat(report.steps().get(0).phase(Phase.UP_AGAIN).orElseThrow().status()).isEqualTo(Status.PASSED);
            assertThat(report.steps().get(1).phase(Phase.DOWN).orElseThrow().status()).isEqualTo(Status.PASSED);
            assertThat(r.query("select migration_name, applied_steps_count, rolled_back_at is not null"
                    + " from _prisma_migrations order by started_at, rolled_back_at nulls last").rows())
                    .contains(List.of("20230102000000_add_email", 1, true))
                    .contains(List.of("20230102000000_add_email", 1, false));
            assertThat(r.query("select length(checksum) from _prisma_migrations limit 1").singleValue()).hasValue(64);
        }
    }

    @Test
    void anotherToolsFolderIsDetectedWithoutReadingTheFlywayConfiguration() {
        // the team's Flyway configuration may start Spring Boot's binder (a fifth of the command line's start); it is
        // read only where no layout knows the file names
        Set<String> asked = ConcurrentHashMap.newKeySet();
        ClassLoader recording = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                return super.loadClass(name, resolve);
            }
        };
        MigrationSource source = MigrationSources.detect(Histories.settings("golang-migrate"), recording);
        assertThat(source.describe()).startsWith("golang-migrate");
        assertThat(asked).noneMatch(n -> n.startsWith("org.springframework"));
    }

    @Test
    void ambiguousUnknownAndOverriddenLayouts() {
        assertThatThrownBy(() -> Histories.rehearse("ambiguous"))
                .hasMessageContaining("fit several layouts: flyway, golang-migrate")
                .hasMessageContaining("@MigrationTest(format = \"flyway\")")
                .hasMessageContaining("000001_create_a.up.sql");
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings("ambiguous").withFormat("golang-migrate"))) {
            assertThat(r.history().versioned()).extracting(m -> m.up().name()).containsExactly("000001_create_a.up.sql");
        }
        assertThatThrownBy(() -> Histories.rehearse(Histories.settings("ambiguous").withFormat("goose")))
                .hasMessageContaining("Unknown migration format \"goose\"; use one of flyway, golang-migrate, dbmate, prisma,"
                        + " alembic, liquibase, atlas, drizzle, sqitch");
        // a format named for a folder that is not in its layout says what is missing
        assertThatThrownBy(() -> Histories.rehearse(Histories.settings("ambiguous").withFormat("sqitch")))
                .hasMessageContaining("No sqitch.plan at classpath:histories/ambiguous");
        assertThatThrownBy(() -> Histories.rehearse(Histories.settings("ambiguous").withFormat("drizzle")))
                .hasMessageContaining("no meta/_journal.json");
        // Liquibase reads one changelog file, not a folder
        assertThatThrownBy(() -> Histories.rehearse(Histories.settings("ambiguous").withFormat("liquibase")))
                .hasMessageContaining("Liquibase reads a changelog file, but classpath:histories/ambiguous names no"
                        + " changelog file");
    }
}
