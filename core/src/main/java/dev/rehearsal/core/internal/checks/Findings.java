package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.locks.LockRisk;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the checks after one phase found: failure messages, data problems (those not declared fail the phase; all
 * are kept in its result), and notes for the report. A check that finds the database not where the phase should have
 * left it marks it {@link #leftDatabaseUnknown() unknown}, so the next step starts on a rebuilt one, and stops the
 * checks after it ({@link #stopsLaterChecks()}).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Findings {

    private final List<String> failures = new ArrayList<>();
    private final List<DataProblem> problems = new ArrayList<>();
    private final List<DataProblem> failingProblems = new ArrayList<>();
    private final List<LockRisk> risks = new ArrayList<>();
    private final Map<String, String> settled = new LinkedHashMap<>();
    private final List<String> notes;
    private String unknownState;

    /** Findings whose notes go to {@code notes}, the step's. */
    public Findings(List<String> notes) {
        this.notes = notes;
    }

    /** A failure of the phase, with the message that explains it and what to do. */
    public void fail(String message) {
        failures.add(message);
    }

    /**
     * A failure after which the database is not in a known state (why, for the rebuild's note): the next step starts
     * on a rebuilt database, and no later check runs after this phase.
     */
    public void failLeavingDatabaseUnknown(String message, String why) {
        failures.add(message);
        unknownState = why;
    }

    /** Data problems: each fails the phase, unless its kind is in {@code declarable} and the migration declares it. */
    public void problems(List<DataProblem> found, Set<DataProblem.Kind> declarable, boolean declared,
                         String declaration) {
        for (DataProblem p : found) {
            problems.add(p);
            if (declared && declarable.contains(p.kind())) {
                notes.add(declaration + ": " + p.message());
            } else {
                failingProblems.add(p);
            }
        }
    }

    /** Data problems that fail the phase. */
    public void problems(List<DataProblem> found) {
        problems(found, Set.of(), false, "");
    }

    /** A data problem that fails the phase but is not kept in its result (a seeding that failed). */
    public void failingProblem(DataProblem problem) {
        failingProblems.add(problem);
    }

    /**
     * A risk found by a check rather than by the lock trace: kept with the phase's lock report, and judged as every
     * risk is (failing for a new migration unless allowed).
     */
    public void risk(LockRisk risk) {
        risks.add(risk);
    }

    /**
     * Adds {@code risk}, or, where a risk of the same rule on the same script is there already, adds its reason to
     * that one's: one finding per rule and migration, however many checks saw it.
     */
    public void riskOrMore(LockRisk risk) {
        for (int i = 0; i < risks.size(); i++) {
            LockRisk r = risks.get(i);
            if (r.rule().equals(risk.rule()) && r.statement().equals(risk.statement())) {
                Set<String> tables = new LinkedHashSet<>();
                for (String t : new String[] {r.table(), risk.table()}) {
                    if (t != null && !t.isBlank()) {
                        tables.addAll(List.of(t.split(", ")));
                    }
                }
                String alternative = r.alternative() == null || r.alternative().isBlank() ? risk.alternative()
                        : r.alternative();
                risks.set(i, new LockRisk(r.rule(), r.statement(), String.join(", ", tables),
                        r.reason() + "; " + risk.reason(), alternative, r.suppressed()));
                return;
            }
        }
        risks.add(risk);
    }

    /**
     * Rules that guess from a statement's text what a check has now answered from what really happened (the running
     * application's queries were run): their open risks in this phase are kept in the report, marked with {@code why}.
     */
    public void settle(Set<String> rules, String why) {
        rules.forEach(rule -> settled.put(rule, why));
    }

    /** The rules a check answered in this phase, each with why. */
    public Map<String, String> settled() {
        return Map.copyOf(settled);
    }

    /** The risks the checks found. */
    public List<LockRisk> risks() {
        return List.copyOf(risks);
    }

    /** A note for the report. */
    public void note(String note) {
        notes.add(note);
    }

    public boolean stopsLaterChecks() {
        return unknownState != null;
    }

    /** Why the database is not in a known state, or null. */
    public String leftDatabaseUnknown() {
        return unknownState;
    }

    public boolean failed() {
        return !failures.isEmpty() || !failingProblems.isEmpty();
    }

    /** Failure messages other than data problems, in the order of the checks. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Every data problem found, declared ones included. */
    public List<DataProblem> problems() {
        return List.copyOf(problems);
    }

    /** The data problems that fail the phase. */
    public List<DataProblem> failingProblems() {
        return List.copyOf(failingProblems);
    }
}
