package dev.rehearsal.core;

import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.model.Migration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Constraints PostgreSQL builds under ACCESS EXCLUSIVE, each beside its safer twin, on tables a released migration
 * created and no rows seeded (production's tables are judged as production has them): an exclusion constraint, a
 * primary key added USING INDEX over a nullable column, a foreign key whose only index is partial.
 */
class ConstraintBuildRisksTest {

    private static final Map<String, List<LockRisk>> RISKS = new LinkedHashMap<>();

    @BeforeAll
    static void migrateOneByOne() {
        try (MigrationRehearsal r = Histories.rehearse("constraint-builds")) {
            r.migrateTo("1");
            for (Migration m : r.history().versioned().subList(1, r.history().versioned().size())) {
                RISKS.put(m.version().toString(), r.migrateTo(m.version().toString(), Traffic.none()).locks().risks());
            }
        }
    }

    private static List<String> rules(String version) {
        return RISKS.get(version).stream().map(LockRisk::rule).filter(r -> !r.equals("no-lock-timeout")).toList();
    }

    private static LockRisk risk(String version, String rule) {
        return RISKS.get(version).stream().filter(r -> r.rule().equals(rule)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + rule + " for V" + version + ": " + RISKS.get(version)));
    }

    @Test
    void anExclusionConstraintIsBuiltUnderAccessExclusive() {
        assertThat(rules("2")).containsExactly("exclusion-under-exclusive");
        assertThat(risk("2", "exclusion-under-exclusive").reason()).contains("rooms").contains("ACCESS EXCLUSIVE")
                .contains("a production table");
    }

    @Test
    void aPrimaryKeyUsingAnIndexOverANullableColumnScansForNulls() {
        assertThat(rules("3")).isEmpty();
        assertThat(rules("4")).containsExactly("primary-key-sets-not-null");
        assertThat(risk("4", "primary-key-sets-not-null").reason()).contains("makes id NOT NULL")
                .contains("scans every row of accounts");
        // the safer twin: a validated CHECK (id IS NOT NULL) first
        assertThat(rules("5")).isEmpty();
        assertThat(rules("7")).isEmpty();
        assertThat(rules("8")).doesNotContain("primary-key-sets-not-null");
    }

    @Test
    void aForeignKeyWhoseOnlyIndexIsPartialHasNoCoveringIndex() {
        assertThat(rules("10")).containsExactly("fk-without-index");
        assertThat(risk("10", "fk-without-index").reason()).contains("orders (customer_id) that covers every row");
        assertThat(rules("12")).isEmpty();
    }
}
