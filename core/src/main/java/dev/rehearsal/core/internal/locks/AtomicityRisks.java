package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.RiskFacts;
import dev.rehearsal.core.locks.StatementTrace;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The rule {@code non-atomic-script}, judged on how each script's statements really ran, the same on every engine.
 * A tool that runs a migration in one transaction rolls all of it back when a statement fails, unless the script ends
 * that transaction itself (its own {@code COMMIT}, {@code ROLLBACK} or {@code BEGIN}), or the statements ran outside
 * any transaction (a statement that cannot run inside one, such as {@code CREATE INDEX CONCURRENTLY}, or the tool's
 * {@code transaction:false}). Then a failure half-way leaves the earlier statements applied and the migration half
 * done, and re-running it trips over what the first attempt left.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AtomicityRisks {

    public static final String RULE = "non-atomic-script";

    /** Statements that start or end a transaction (not savepoints, not prepared transactions). */
    private static final Pattern TRANSACTION_CONTROL = Pattern.compile(
            "^(?:BEGIN(?:\\s+(?:WORK|TRANSACTION|ISOLATION|READ|NOT))?\\s*;?\\s*$|BEGIN\\s+(?:WORK|TRANSACTION)\\b"
                    + "|START\\s+TRANSACTION\\b|(?:COMMIT|END|ROLLBACK|ABORT)(?:\\s+(?:WORK|TRANSACTION))?"
                    + "(?:\\s+AND\\s+(?:NO\\s+)?CHAIN)?\\s*;?\\s*$)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern STARTS = Pattern.compile("^(?:BEGIN|START)\\b", Pattern.CASE_INSENSITIVE);
    /** {@code COMMIT AND CHAIN}: the next transaction starts at once ({@code AND NO CHAIN} does not match). */
    public static final Pattern CHAIN = Pattern.compile("\\bAND\\s+CHAIN\\s*;?\\s*$", Pattern.CASE_INSENSITIVE);

    private AtomicityRisks() {
    }

    /** Whether the statement starts or ends a transaction. */
    public static boolean controlsTransaction(String sql) {
        return TRANSACTION_CONTROL.matcher(RiskRules.stripComments(sql)).find();
    }

    /**
     * The risks of the observed scripts; {@code outsideTransaction} tells which statements the engine refuses to run
     * inside a transaction, to name the one that made the tool run a script without one.
     */
    public static List<LockRisk> evaluate(RiskFacts facts, Map<String, String> allowed, Predicate<String> outsideTransaction) {
        Map<String, List<StatementTrace>> byScript = new LinkedHashMap<>();
        for (StatementTrace s : facts.statements()) {
            if (s.script() != null) {
                byScript.computeIfAbsent(s.script(), k -> new ArrayList<>()).add(s);
            }
        }
        List<LockRisk> risks = new ArrayList<>();
        for (List<StatementTrace> statements : byScript.values()) {
            List<StatementTrace> work = statements.stream().filter(s -> !controlsTransaction(s.sql())).toList();
            if (work.size() < 2) {
                continue; // one statement is applied whole or not at all
            }
            ownTransactionControl(statements).ifPresent(s -> risks.add(RiskRules.risk(allowed, RULE, s, null,
                    RiskRules.stripComments(s.sql()).replaceFirst("(?s)\\s*;?\\s*$", "").toUpperCase(Locale.ROOT)
                            + " at " + RiskRules.at(s) + " of " + s.script() + " "
                            + (STARTS.matcher(RiskRules.stripComments(s.sql())).find()
                            ? "starts a transaction inside the one the migration tool opened for the script (the server"
                            + " only warns), and the script's own COMMIT then ends the tool's transaction"
                            : "ends the transaction the migration tool opened for the script")
                            + ": when a later statement fails, what ran before it stays applied and the migration is"
                            + " left half done, with the tool's history saying it never ran",
                    "remove BEGIN, COMMIT and ROLLBACK from the script: the tool already runs each migration in one"
                            + " transaction; if two parts must commit separately, make them two migrations")));
            if (statements.stream().noneMatch(StatementTrace::inTransaction) && units(statements) > 1) {
                StatementTrace cause = work.stream().filter(s -> outsideTransaction.test(RiskRules.stripComments(s.sql())))
                        .findFirst().orElse(null);
                StatementTrace at = cause != null ? cause : work.get(0);
                risks.add(RiskRules.risk(allowed, RULE, at, null, cause != null
                                ? "the statement at " + RiskRules.at(cause) + " cannot run inside a transaction, so the"
                                + " tool ran all " + work.size() + " statements of " + cause.script() + " without one:"
                                + " when a later statement fails, the earlier ones stay applied and re-running the"
                                + " migration trips over them"
                                : "the " + work.size() + " statements of " + at.script() + " ran without a transaction"
                                + " (the tool was told not to open one): when a later statement fails, the earlier"
                                + " ones stay applied and re-running the migration trips over them",
                        cause != null ? "move " + cause.summary() + " into a migration of its own (or make every"
                                + " statement safe to re-run: IF NOT EXISTS, IF EXISTS)"
                                : "let the tool run the script in a transaction, or make every statement safe to"
                                + " re-run (IF NOT EXISTS, IF EXISTS)"));
            }
        }
        return risks;
    }

    /** The script's first own transaction control that ran inside the tool's transaction. */
    private static Optional<StatementTrace> ownTransactionControl(List<StatementTrace> statements) {
        return statements.stream().filter(s -> s.inTransaction() && controlsTransaction(s.sql())).findFirst();
    }

    /**
     * How many separately committed units the statements of a script that ran outside the tool's transaction form:
     * each statement on its own, and the statements between the script's own BEGIN and COMMIT together.
     */
    private static int units(List<StatementTrace> statements) {
        int units = 0;
        boolean open = false;
        boolean counted = false;
        for (StatementTrace s : statements) {
            String sql = RiskRules.stripComments(s.sql());
            if (controlsTransaction(sql)) {
                open = STARTS.matcher(sql).find() || CHAIN.matcher(sql).find(); // COMMIT AND CHAIN opens the next
                counted = false;
            } else if (!open) {
                units++;
            } else if (!counted) {
                units++;
                counted = true;
            }
        }
        return units;
    }
}
