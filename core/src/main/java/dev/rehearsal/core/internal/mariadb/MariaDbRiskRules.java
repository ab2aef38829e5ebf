package dev.rehearsal.core.internal.mariadb;

import dev.rehearsal.core.locks.RiskFacts;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import dev.rehearsal.core.internal.locks.DeadlockRisks;
import dev.rehearsal.core.locks.RiskRuleSet;
import dev.rehearsal.core.internal.locks.RiskRules;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.StatementTrace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * MariaDB's risk rules, on what the run showed: a table rebuilt by {@code ALTER} (a new InnoDB table id) while
 * writes waited, a write-blocking metadata lock on a table with rows, and DDL that may queue for its metadata lock
 * with no short {@code lock_wait_timeout} (the queue that stalls every query on the table behind one long
 * transaction). Plus the rules about the application still running, shared with every engine.
 */
final class MariaDbRiskRules implements RiskRuleSet {

    private static final Pattern TYPE_CHANGE = Pattern.compile("\\b(MODIFY|CHANGE)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern ONLINE = Pattern.compile("\\bLOCK\\s*=?\\s*NONE\\b|\\bALGORITHM\\s*=?\\s*INSTANT\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern WAIT = Pattern.compile("\\b(WAIT\\s+\\d+|NOWAIT)\\b", Pattern.CASE_INSENSITIVE);

    @Override
    public List<LockRisk> evaluate(RiskFacts facts, Map<String, String> allowed) {
        List<LockRisk> risks = new ArrayList<>();
        for (StatementTrace s : facts.statements()) {
            if (s.failed()) {
                continue;
            }
            String sql = s.sql();
            Optional<HeldLock> strongest = facts.locks().stream()
                    .filter(l -> l.statement() == s.index() && l.existing() && l.mode().blocksWrites()
                            && (!facts.reverting() || facts.after().table(l.relation()).isPresent()))
                    .max(Comparator.comparing(HeldLock::mode));
            boolean rebuilt = false;
            for (String table : s.rewritten()) {
                if (hasRows(facts, table)) {
                    rebuilt = true;
                    boolean type = TYPE_CHANGE.matcher(sql).find();
                    risks.add(risk(allowed, type ? "column-type-rewrite" : "table-rewrite", s, table, "the ALTER rebuilt "
                                    + table + " (" + facts.rows(table) + ")"
                                    + (type ? " to change a column's type" : "") + "; a copying ALTER blocks writes until"
                                    + " it ends",
                            "ask for ALGORITHM=INSTANT or LOCK=NONE, so that MariaDB refuses instead of copying; when the"
                                    + " change cannot be done online, use an online schema change tool (gh-ost,"
                                    + " pt-online-schema-change) or a maintenance window"));
                }
            }
            strongest.ifPresent(lock -> {
                if (lock.mode().compareTo(LockMode.SHARE) >= 0 && lock.mode() != LockMode.ACCESS_EXCLUSIVE
                        && !s.rewritten().contains(lock.relation()) && hasRows(facts, lock.relation())
                        && !ONLINE.matcher(sql).find()) {
                    risks.add(risk(allowed, "writes-blocked", s, lock.relation(), "the statement held a metadata lock"
                                    + " that blocks writes to " + lock.relation() + " (" + facts.rows(lock.relation())
                                    + ") for " + lock.held().toMillis() + " ms",
                            "add LOCK=NONE (and ALGORITHM=INPLACE) so that writes go on, or MariaDB says why it cannot"));
                }
                if (s.noLockTimeout() && !WAIT.matcher(sql).find()) {
                    risks.add(risk(allowed, "no-lock-timeout", s, lock.relation(), "the statement needs an exclusive"
                                    + " metadata lock on " + lock.relation() + " with lock_wait_timeout at its default of a"
                                    + " day: behind one long transaction it would wait, and every query on "
                                    + lock.relation() + " would queue behind it",
                            "SET SESSION lock_wait_timeout = 2 before it, or ALTER TABLE ... WAIT 2 (and retry the"
                                    + " migration when it gives up)"));
                }
            });
            risks.addAll(RiskRules.compatibilityRisks(facts, s, allowed));
        }
        risks.addAll(DeadlockRisks.evaluate(facts, allowed));
        risks.addAll(AtomicityRisks.evaluate(facts, allowed, sql -> false));
        return risks;
    }

    private static boolean hasRows(RiskFacts facts, String table) {
        return facts.hasRows(table);
    }

    private static LockRisk risk(Map<String, String> allowed, String rule, StatementTrace s, String table, String reason,
                                 String alternative) {
        return new LockRisk(rule, s.where(), table, reason, alternative, allowed.get(rule));
    }
}
