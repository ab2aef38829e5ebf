package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.RiskFacts;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The constraints PostgreSQL builds while it holds ACCESS EXCLUSIVE, with no concurrent form to point to: an
 * exclusion constraint added to a table (its index is built under the lock), and a primary key added
 * {@code USING INDEX} over nullable columns (which first makes them NOT NULL, scanning every row under the lock).
 */
final class ConstraintBuildRisks {

    private static final String NAME = "(\"[^\"]+\"|[\\w$]+)";
    private static final Pattern ADD_EXCLUDE = Pattern.compile(
            "\\bADD\\s+(?:CONSTRAINT\\s+" + NAME + "\\s+)?EXCLUDE\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern PRIMARY_KEY_USING_INDEX = Pattern.compile(
            "\\bADD\\s+(?:CONSTRAINT\\s+" + NAME + "\\s+)?PRIMARY\\s+KEY\\s+USING\\s+INDEX\\s+" + NAME,
            Pattern.CASE_INSENSITIVE);

    private ConstraintBuildRisks() {
    }

    /** The risks of one ALTER TABLE of {@code table} ({@code sql} without comments). */
    static List<LockRisk> of(RiskFacts facts, StatementTrace s, String table, String sql, Map<String, String> allowed) {
        List<LockRisk> risks = new ArrayList<>();
        if (!facts.hasRows(table)) {
            return risks;
        }
        if (ADD_EXCLUDE.matcher(sql).find()) {
            risks.add(RiskRules.risk(allowed, "exclusion-under-exclusive", s, table, "ADD ... EXCLUDE builds the"
                            + " constraint's index on " + table + " (" + facts.rows(table) + ") while holding ACCESS"
                            + " EXCLUSIVE: reads and writes wait for the whole build, and PostgreSQL has no concurrent form",
                    "add the exclusion constraint when the table is created or while it is small; on a large table, in a"
                            + " maintenance window with lock_timeout set, or enforce the rule in a new table filled in"
                            + " batches and swapped in"));
        }
        Matcher pk = PRIMARY_KEY_USING_INDEX.matcher(sql);
        if (pk.find()) {
            String index = RiskRules.name(pk.group(2));
            List<String> nullable = indexColumns(facts, table, index).stream()
                    .filter(c -> facts.before().column(table, c).map(o -> o.flag(SchemaFact.NULLABLE, true)).orElse(false))
                    .filter(c -> !RiskRules.hasNotNullCheck(facts.before(), table, c))
                    .toList();
            if (!nullable.isEmpty()) {
                String columns = String.join(", ", nullable);
                risks.add(RiskRules.risk(allowed, "primary-key-sets-not-null", s, table, "ADD PRIMARY KEY USING INDEX "
                                + index + " first makes " + columns + " NOT NULL, which scans every row of " + table + " ("
                                + facts.rows(table) + ") while holding ACCESS EXCLUSIVE",
                        "before it: ADD CONSTRAINT ... CHECK (" + nullable.get(0) + " IS NOT NULL) NOT VALID for each"
                                + " column, VALIDATE CONSTRAINT, then SET NOT NULL (which uses the validated CHECK and"
                                + " skips the scan); then ADD PRIMARY KEY USING INDEX takes its lock only briefly"));
            }
        }
        return risks;
    }

    /** The columns of the index {@code name} on {@code table} before the statement, from its definition. */
    private static List<String> indexColumns(RiskFacts facts, String table, String name) {
        Optional<SchemaObject> index = facts.before().on(table, ObjectKind.INDEX).stream()
                .filter(i -> i.simpleName().equals(name) || i.simpleName().equals(name.toLowerCase(Locale.ROOT)))
                .findFirst();
        return index.map(i -> RiskRules.indexColumns(i.fact(SchemaFact.DEFINITION).orElse(""))).orElse(List.of());
    }
}
