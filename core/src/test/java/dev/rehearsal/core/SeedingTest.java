package dev.rehearsal.core;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.SeedException;
import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.data.TableSeed;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seeder on a schema with every shape it must handle, on the embedded PostgreSQL. */
class SeedingTest {

    private static MigrationRehearsal atV1() {
        return atV1(DataSettings.DEFAULTS);
    }

    private static MigrationRehearsal atV1(DataSettings data) {
        MigrationRehearsal rehearsal = Histories.rehearse(Histories.settings("data-types").withData(data));
        rehearsal.migrateTo("1");
        return rehearsal;
    }

    private static long count(MigrationRehearsal r, String sql) {
        return ((Number) r.query(sql).singleValue().orElseThrow()).longValue();
    }

    @Test
    void seedsEveryTableWithinItsConstraints() {
        try (MigrationRehearsal r = atV1()) {
            SeedResult result = r.seed(500);
            assertThat(result.rowsAdded()).containsOnlyKeys("departments", "employees", "badges_issued", "projects", "assignments");
            assertThat(result.rowsAdded("employees")).isEqualTo(500);
            assertThat(result.rowsAdded("departments")).isEqualTo(500);
            assertThat(result.rowsAdded("projects")).isEqualTo(500);
            assertThat(result.rowsAdded("assignments")).isEqualTo(500);
            // one-to-one: every employee can have at most one badge, and there are 500 employees
            assertThat(result.rowsAdded("badges_issued")).isEqualTo(500);
            // parents first: the table load order respects every non-deferred foreign key
            assertThat(List.copyOf(result.rowsAdded().keySet()))
                    .containsSubsequence("departments", "employees", "badges_issued")
                    .containsSubsequence("projects", "assignments");
            assertThat(r.integrityProblems()).isEmpty();
            // the self-reference and the cycle were linked after loading, with some NULLs
            assertThat(count(r, "select count(*) from employees where manager_id is not null")).isBetween(300L, 499L);
            assertThat(count(r, "select count(*) from departments where head_id is not null")).isBetween(300L, 499L);
            assertThat(result.notes()).anyMatch(n -> n.contains("employees(manager_id) -> employees(id)"));
            // nullable columns get some NULLs, NOT NULL ones none
            assertThat(count(r, "select count(*) from employees where phone is null")).isBetween(10L, 120L);
            // a type without a generator stays NULL when the column allows it, and the result says so
            assertThat(count(r, "select count(*) from employees where search is not null")).isZero();
            assertThat(result.notes()).anyMatch(n -> n.contains("search (tsvector)"));
            // identity, serial and generated columns are the database's
            assertThat(count(r, "select count(*) from employees where full_name = first_name || ' ' || last_name")).isEqualTo(500);
            assertThat(count(r, "select max(id) from employees")).isEqualTo(500);
        }
    }

    @Test
    void valuesLookRealAndFollowChecksEnumsAndTypes() {
        try (MigrationRehearsal r = atV1()) {
            r.seed(300);
            assertThat(r.query("select email from employees").column("email"))
                    .allSatisfy(e -> assertThat((String) e).matches("[a-z.]+\\d*@[a-z0-9.-]+\\.[a-z]+"));
            assertThat(r.query("select distinct mood::text from employees order by 1").column("mood"))
                    .isSubsetOf("happy", "sad", "neutral").hasSizeGreaterThan(1);
            assertThat(r.query("select distinct status from projects").column("status"))
                    .isSubsetOf("draft", "active", "done");
            assertThat(r.query("select code from projects").column("code"))
                    .allSatisfy(c -> assertThat((String) c).matches("[A-Z]{3}-[0-9]{4}"));
            assertThat(count(r, "select count(*) from employees where salary < 1000 or salary > 20000")).isZero();
            assertThat(count(r, "select count(distinct first_name) from employees")).isGreaterThan(50);
            assertThat(count(r, "select count(*) from employees where length(country_code) <> 2")).isZero();
            assertThat(count(r, "select count(*) from employees where settings is not null and settings ? 'tag'"))
                    .isGreaterThan(200);
            // besides the boundary values (2038-01-18), timestamps lie before 2026
            assertThat(count(r, "select count(*) from employees where created_at > timestamptz '2026-01-01'"
                    + " and created_at < timestamptz '2038-01-01'")).isZero();
        }
    }

    @Test
    void sameSeedSameRowsOtherSeedOtherRows() {
        DataFingerprint first;
        DataFingerprint second;
        DataFingerprint other;
        try (MigrationRehearsal r = atV1()) {
            r.seed(200);
            first = r.fingerprint();
        }
        try (MigrationRehearsal r = atV1()) {
            r.seed(200);
            second = r.fingerprint();
        }
        try (MigrationRehearsal r = atV1(DataSettings.DEFAULTS.withRandomSeed(7))) {
            r.seed(200);
            other = r.fingerprint();
        }
        assertThat(second).isEqualTo(first);
        assertThat(first.differences(other)).isNotEmpty();
    }

    @Test
    void overridesSetRowsFunctionsConstantsOptionsNullsAndDuplicates() {
        try (MigrationRehearsal r = atV1()) {
            SeedResult result = r.seed(TableSeed.table("employees").rows(400)
                    .column("city", f -> "Lyon")
                    .oneOf("country_code", "FR", "DE")
                    .constant("phone", "+33 1 23 45 67 89")
                    .nulls("last_ip", 1.0));
            assertThat(result.rowsAdded("employees")).isEqualTo(400);
            // the empty parent was seeded so that the NOT NULL foreign key could be filled
            assertThat(result.rowsAdded("departments")).isEqualTo(TableSeed.DEFAULT_ROWS);
            assertThat(result.notes()).anyMatch(n -> n.startsWith("departments: seeded 100 rows because employees references it"));
            assertThat(r.query("select distinct city from employees").column("city")).containsExactly("Lyon");
            assertThat(r.query("select distinct country_code from employees order by 1").column("country_code"))
                    .containsExactly("DE", "FR");
            assertThat(count(r, "select count(*) from employees where last_ip is not null")).isZero();

            r.seed(TableSeed.table("projects").rows(500).duplicates("title", 0.3));
            assertThat(count(r, "select count(*) - count(distinct title) from projects")).isGreaterThan(100);
        }
    }

    @Test
    void topsUpAndAddsToExistingRowsWithoutBreakingKeys() {
        try (MigrationRehearsal r = atV1()) {
            r.seed(100);
            r.seed(100);
            assertThat(count(r, "select count(*) from employees")).isEqualTo(200);
            assertThat(count(r, "select count(*) from badges_issued")).isEqualTo(200);
            assertThat(r.integrityProblems()).isEmpty();
        }
    }

    @Test
    void unknownTableOrColumnIsNamedWithWhatExists() {
        try (MigrationRehearsal r = atV1()) {
            assertThatThrownBy(() -> r.seed(TableSeed.table("employee").rows(5)))
                    .isInstanceOf(SeedException.class)
                    .hasMessageContaining("Cannot seed employee: there is no such table now (did you mean employees?)")
                    .hasMessageContaining("employees");
            assertThatThrownBy(() -> r.seed(TableSeed.table("employees").column("mail", f -> "x")))
                    .isInstanceOf(SeedException.class)
                    .hasMessageContaining("names column mail, which employees does not have (did you mean email?)")
                    .hasMessageContaining("email");
            assertThatThrownBy(() -> r.seed(TableSeed.table("employees").nulls("email", 0.5)))
                    .hasMessageContaining("asks for NULLs in employees.email, which is NOT NULL");
            assertThatThrownBy(() -> r.seed(TableSeed.table("employees").duplicates("email", 0.5)))
                    .hasMessageContaining("asks for duplicates in employees.email, which a unique key already forbids");
            assertThatThrownBy(() -> r.seed(TableSeed.table("employees").constant("id", 1)))
                    .hasMessageContaining("the database makes its values");
        }
    }

    @Test
    void typeWithoutGeneratorIsNamedWithTheOverride() {
        try (MigrationRehearsal r = atV1()) {
            r.query("select 1");
            r.migrateTo("base");
            r.migrateTo("1");
            try (var c = r.dataSource().getConnection(); var st = c.createStatement()) {
                st.execute("create table documents (id serial primary key, body tsvector not null)");
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
            assertThatThrownBy(() -> r.seed(10))
                    .isInstanceOf(SeedException.class)
                    .hasMessageContaining("Cannot seed documents.body: Rehearsal has no generator for its type tsvector")
                    .hasMessageContaining("TableSeed.table(\"documents\").column(\"body\", faker -> ...)");
            r.seed(10, TableSeed.table("documents").column("body", f -> "'" + f.lorem().word() + "'"));
            assertThat(count(r, "select count(*) from documents")).isEqualTo(10);
        }
    }

    @Test
    void unsatisfiableCheckFailsAfterRetriesNamingCheckAndOverride() {
        try (MigrationRehearsal r = atV1()) {
            assertThatThrownBy(() -> r.seed(TableSeed.table("projects").rows(50).column("code", f -> f.lorem().characters(6))))
                    .isInstanceOf(SeedException.class)
                    .hasMessageContaining("Cannot seed projects: 50 rows still missing after 6 batches in a row were all rejected")
                    .hasMessageContaining("CHECK projects_code_check")
                    .hasMessageContaining("Override the column it uses: TableSeed.table(\"projects\").column(\"code\", faker -> ...)");
        }
    }

    @Test
    void failedSeedReportsWhatWasLoadedAndLeavesNothingHalfLoaded() {
        try (MigrationRehearsal r = atV1()) {
            SeedException e = Assertions.assertThrows(SeedException.class, () ->
                    r.seed(50, TableSeed.table("assignments").column("hours", f -> 0)));
            assertThat(e.getMessage())
                    .contains("CHECK assignments_hours_check")
                    .contains("Loaded before the failure, and rolled back:")
                    .contains("employees 50 rows")
                    .contains("projects 50 rows");
            assertThat(e.loadedBeforeFailure()).containsEntry("employees", 50L).containsEntry("projects", 50L);
            assertThat(r.fingerprint().totalRows()).isZero();
        }
    }

    @Test
    void cycleOfNotNullForeignKeysIsExplained() {
        try (MigrationRehearsal r = atV1()) {
            try (var c = r.dataSource().getConnection(); var st = c.createStatement()) {
                st.execute("create table a (id int primary key, b_id int not null)");
                st.execute("create table b (id int primary key, a_id int not null references a)");
                st.execute("alter table a add foreign key (b_id) references b");
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
            assertThatThrownBy(() -> r.seed(TableSeed.table("a").rows(5)))
                    .hasMessageContaining("form a cycle in which every column is NOT NULL");
        }
    }
}
