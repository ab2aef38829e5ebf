package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.RiskFacts;
import dev.rehearsal.core.locks.StatementTrace;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code DROP INDEX} without {@code CONCURRENTLY}: it takes ACCESS EXCLUSIVE on the index's table, so every read and
 * write of a table with rows waits behind it, and behind whatever it waits for.
 */
final class IndexDropRisks {

    private static final Pattern DROP_INDEX = Pattern.compile(
            "^\\s*DROP\\s+INDEX\\s+(CONCURRENTLY\\s+)?(?:IF\\s+EXISTS\\s+)?([^;]+?)(?:\\s+(?:CASCADE|RESTRICT))?\\s*$",
            Pattern.CASE_INSENSITIVE);

    private IndexDropRisks() {
    }

    /** The risks of one statement ({@code sql} without comments). */
    static List<LockRisk> of(RiskFacts facts, StatementTrace s, String sql, Map<String, String> allowed) {
        List<LockRisk> risks = new ArrayList<>();
        Matcher drop = DROP_INDEX.matcher(sql);
        if (!drop.find() || drop.group(1) != null) {
            return risks;
        }
        for (String raw : drop.group(2).split(",")) {
            String name = RiskRules.name(raw.trim());
            Optional<SchemaObject> index = facts.before().objects(ObjectKind.INDEX).stream()
                    .filter(i -> i.name().equals(name) || i.simpleName().equals(name)).findFirst();
            if (index.isEmpty() || index.get().table() == null || !facts.hasRows(index.get().table())) {
                continue;
            }
            String table = index.get().table();
            risks.add(RiskRules.risk(allowed, "non-concurrent-drop-index", s, table, "DROP INDEX " + name
                            + " holds ACCESS EXCLUSIVE on " + table + " (" + facts.rows(table) + ") until it ends:"
                            + " reads and writes of " + table + " wait",
                    "DROP INDEX CONCURRENTLY, outside a transaction"));
        }
        return risks;
    }
}
