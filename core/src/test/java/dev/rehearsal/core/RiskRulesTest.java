package dev.rehearsal.core;

import dev.rehearsal.core.model.Migration;

import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.LockSettings;
import dev.rehearsal.core.locks.Traffic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each migration of histories/risks does one risky thing to a table with rows; the rules must name it, and stay
 * quiet where the facts say there is no risk: a table the migration creates, CONCURRENTLY, a lock timeout set.
 */
class RiskRulesTest {

    private static final Map<String, List<LockRisk>> RISKS = new LinkedHashMap<>();

    @BeforeAll
    static void migrateOneByOne() throws Exception {
        RehearsalSettings settings = RehearsalSettings.of("classpath:histories/locks-base,classpath:histories/risks")
                .withLocks(LockSettings.DEFAULTS.allowRisk("14", "column-type-rewrite", "done in the maintenance window"));
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            r.migrateTo("1");
            try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("insert into accounts (email, score, status, created_at) select 'u' || i || '@example.com', i,"
                        + " 'active', timestamptz '2025-01-01' from generate_series(1, 2000) i");
            }
            for (Migration m : r.history().versioned().subList(1, r.history().versioned().size())) {
                RISKS.put(m.version().toString(), r.migrateTo(m.version().toString(), Traffic.none()).locks().risks());
            }
        }
    }

    private static List<String> rules(String version) {
        return RISKS.get(version).stream().map(LockRisk::rule).toList();
    }

    private static LockRisk risk(String version, String rule) {
        return RISKS.get(version).stream().filter(r -> r.rule().equals(rule)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + rule + " for V" + version + ": " + RISKS.get(version)));
    }

    @Test
    void nonConcurrentIndexAndNoLockTimeout() {
        assertThat(rules("2")).containsExactlyInAnyOrder("non-concurrent-index", "no-lock-timeout");
        LockRisk index = risk("2", "non-concurrent-index");
        assertThat(index.statement()).isEqualTo("V2__index_status.sql line 1: CREATE INDEX accounts_status_idx ON accounts (status)");
        assertThat(index.table()).isEqualTo("accounts");
        assertThat(index.reason()).contains("holds SHARE on accounts (2000 rows rehearsed)").contains("every write");
        assertThat(index.alternative()).contains("CREATE INDEX CONCURRENTLY");
        assertThat(risk("2", "no-lock-timeout").alternative()).contains("SET lock_timeout");
    }

    @Test
    void constraintWithoutNotValid() {
        assertThat(rules("3")).containsExactlyInAnyOrder("constraint-not-valid", "no-lock-timeout");
        assertThat(risk("3", "constraint-not-valid").alternative()).contains("NOT VALID").contains("VALIDATE CONSTRAINT");
    }

    @Test
    void setNotNullWithoutAValidatedCheck() {
        // the UPDATE before it in the same transaction also makes it a lock upgrade: writers deadlock with it
        assertThat(rules("5")).containsExactlyInAnyOrder("set-not-null", "deadlock-with-writers");
        assertThat(risk("5", "set-not-null").reason()).contains("scans every row of accounts");
    }

    @Test
    void rewritesAreNamedByWhatCausedThem() {
        assertThat(rules("6")).containsExactly("volatile-default-rewrite");
        assertThat(rules("14")).containsExactly("column-type-rewrite");
        assertThat(risk("14", "column-type-rewrite").isSuppressed()).isTrue();
        assertThat(risk("14", "column-type-rewrite").suppressed()).isEqualTo("done in the maintenance window");
        assertThat(rules("4")).as("ADD COLUMN without default rewrites nothing, but takes ACCESS EXCLUSIVE")
                .containsExactly("no-lock-timeout");
    }

    @Test
    void uniqueRenameDropAndExclusiveHeldAcrossStatements() {
        assertThat(rules("7")).containsExactly("unique-under-exclusive");
        assertThat(rules("8")).containsExactly("rename");
        assertThat(rules("9")).containsExactly("drop-column");
        assertThat(rules("10")).containsExactly("exclusive-held-across-statements");
        assertThat(risk("10", "exclusive-held-across-statements").reason())
                .contains("stays held while 1 later statement of the same transaction run")
                .contains("UPDATE accounts SET flag = true");
    }

    @Test
    void newTablesAreNoRiskButAForeignKeyWithoutIndexOnAFullOneIs() {
        // the new table's own index and foreign key are no risk; its REFERENCES locks the existing accounts
        assertThat(rules("11")).containsExactly("no-lock-timeout");
        assertThat(risk("11", "no-lock-timeout").reason()).startsWith("SHARE ROW EXCLUSIVE on accounts");
        assertThat(rules("12")).containsExactly("fk-without-index");
        assertThat(risk("12", "fk-without-index").alternative()).isEqualTo("CREATE INDEX CONCURRENTLY ON accounts (referrer_id)");
    }

    @Test
    void suppressedInTheScriptAndConcurrentIndexes() {
        assertThat(rules("13")).containsExactly("non-concurrent-index");
        assertThat(risk("13", "non-concurrent-index").suppressed()).isEqualTo("accounts stays small in production");
        assertThat(rules("15")).isEmpty();
    }
}
