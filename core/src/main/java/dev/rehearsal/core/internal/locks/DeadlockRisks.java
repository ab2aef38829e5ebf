package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.ProbeCollision;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.RiskFacts;
import dev.rehearsal.core.locks.StatementTrace;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The deadlock with application writers: a transaction that writes rows of a table and later asks for a lock that
 * conflicts with those writers (ACCESS EXCLUSIVE) on it. Judged from the trace, so it is found whether or not
 * a probe happened to collide, and confirmed by the probes the watcher cancelled. Shared by every engine's rules.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DeadlockRisks {

    private DeadlockRisks() {
    }

    private static final Pattern ROW_WRITE = Pattern.compile(
            "^\\s*(?:UPDATE|DELETE|MERGE|SELECT\\b.*\\bFOR\\s+(?:NO\\s+KEY\\s+)?(?:UPDATE|SHARE)\\b|WITH\\b.*\\b(?:UPDATE|DELETE)\\b)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern BLOCK_ROW_WRITE = Pattern.compile("^\\s*(?:DO|CALL)\\b.*\\b(?:UPDATE|DELETE)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /**
     * Deadlocks with the application, the same on every engine. From the trace: a transaction that locks rows of a
     * table (UPDATE, DELETE, MERGE, SELECT ... FOR UPDATE) and later asks for ACCESS EXCLUSIVE on it (a lock
     * upgrade) deadlocks with any writer that reaches one of those rows in between: the writer waits for the row, its
     * ROW EXCLUSIVE blocks the upgrade. From the probes: any probe the watcher cancelled while it was in a wait cycle
     * with the migration. Quiet in down scripts only for tables the down drops.
     */
    public static List<LockRisk> evaluate(RiskFacts facts, Map<String, String> allowed) {
        List<LockRisk> risks = new ArrayList<>();
        List<ProbeCollision> cycles = facts.collisions().stream().filter(ProbeCollision::cycle).toList();
        List<ProbeCollision> explained = new ArrayList<>();
        for (HeldLock exclusive : facts.locks()) {
            StatementTrace upgrade = facts.statements().get(exclusive.statement());
            Long tx = facts.transactions().get(upgrade.index());
            if (exclusive.mode() != LockMode.ACCESS_EXCLUSIVE || exclusive.kind() != HeldLock.RelationKind.TABLE
                    || !exclusive.existing() || upgrade.failed() || !upgrade.inTransaction() || tx == null
                    || !RiskRules.hasRows(facts, exclusive.relation())
                    || facts.reverting() && facts.after().table(exclusive.relation()).isEmpty()) {
                continue;
            }
            String table = exclusive.relation();
            Optional<StatementTrace> writer = facts.locks().stream()
                    .filter(l -> l.relation().equals(table) && l.statement() < upgrade.index()
                            && l.mode() == LockMode.ROW_EXCLUSIVE || l.relation().equals(table)
                            && l.statement() < upgrade.index() && l.mode() == LockMode.ROW_SHARE)
                    .map(l -> facts.statements().get(l.statement()))
                    .filter(w -> tx.equals(facts.transactions().get(w.index())) && locksRows(w.sql()))
                    .findFirst();
            if (writer.isEmpty()) {
                continue;
            }
            List<ProbeCollision> seen = cycles.stream().filter(c -> c.statement() == upgrade.index()
                    && c.table().equals(table)).toList();
            explained.addAll(seen);
            StatementTrace w = writer.get();
            risks.add(RiskRules.risk(allowed, "deadlock-with-writers", upgrade, table, "an application writer updating a "
                            + table + " row while this migration runs deadlocks with it: " + RiskRules.at(w) + " ("
                            + w.summary() + ") holds row locks the writer waits for, then " + RiskRules.at(upgrade) + " asks for"
                            + " ACCESS EXCLUSIVE on " + table + ", which the waiting writer's ROW EXCLUSIVE blocks; the"
                            + " server then kills one of the two" + observed(seen),
                    "commit the row changes before the ALTER (separate transactions, the backfill in batches); for"
                            + " NOT NULL: ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then"
                            + " SET NOT NULL; or take the strongest lock first (LOCK TABLE " + table
                            + " IN ACCESS EXCLUSIVE MODE, with a lock_timeout)"));
        }
        for (ProbeCollision c : cycles) {
            if (explained.contains(c) || c.statement() >= facts.statements().size()) {
                continue;
            }
            StatementTrace s = facts.statements().get(c.statement());
            boolean reader = c.kind() == ProbeResult.Kind.READ;
            risks.add(RiskRules.risk(allowed, reader ? "deadlock-with-readers" : "deadlock-with-writers", s, c.table(),
                    "an application session doing " + c.kind().label() + " on " + c.table() + " deadlocked with "
                            + RiskRules.at(s) + ": it waited for a lock the migration held while the migration waited for it;"
                            + " the server would kill one of the two" + observed(List.of(c)),
                    "take the strongest lock the migration needs first (LOCK TABLE ... with a lock_timeout), or split"
                            + " the transaction so that it holds no row locks when it asks for a stronger table lock"));
        }
        return risks;
    }

    private static boolean locksRows(String sql) {
        String text = RiskRules.stripComments(sql);
        return ROW_WRITE.matcher(text).find() || BLOCK_ROW_WRITE.matcher(text).find();
    }

    private static String observed(List<ProbeCollision> seen) {
        if (seen.isEmpty()) {
            return "";
        }
        int times = seen.stream().mapToInt(ProbeCollision::count).sum();
        ProbeCollision c = seen.get(0);
        return " (it happened in this rehearsal: Rehearsal's " + c.kind().label() + " probe on " + c.table()
                + " was caught in that cycle and cancelled " + (times == 1 ? "once" : times + " times")
                + " so that the migration could go on)";
    }
}
