package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.internal.locks.RiskRules;
import dev.rehearsal.core.internal.queries.AffectedQueries;
import dev.rehearsal.core.internal.queries.ApplicationProbe;
import dev.rehearsal.core.internal.queries.QueryBreaks;
import dev.rehearsal.core.internal.queries.QueryCorpus;
import dev.rehearsal.core.internal.queries.RunningApplication;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.model.Migration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The running application's queries still work after the migration: after the up, those of the version running
 * before it (a rolling deploy runs it on the new schema); after the down, those of the version the migration ships
 * with (a rollback runs it on the old schema). A query that worked before the phase and fails after it, or a read
 * that lost a column, is a {@value #RULE} risk of the migration, judged as every risk is: failing for a new migration
 * unless allowed. Queries that did not work before are reported once as not checkable.
 */
final class RunningApplicationCheck implements PhaseCheck {

    /** The risk rule's id, for {@code allow-risks} and {@code -- rehearsal:allow}. */
    static final String RULE = LockRisk.BREAKS_RUNNING_APP;

    /**
     * The rules that guess from a statement's text that the running application reads what the statement removes or
     * renames; with the application's queries run, what they guessed is known.
     */
    private static final Set<String> GUESSES = Set.of("rename", "drop-column", "drop-table");

    private static final PhaseContext.Key<RunningApplication.Observation> BEFORE_UP =
            new PhaseContext.Key<>("the running application's queries before the up");
    private static final PhaseContext.Key<RunningApplication.Observation> NEW_AFTER_UP =
            new PhaseContext.Key<>("the new application's queries after the up");

    @Override
    public boolean appliesTo(PhaseContext context) {
        RunningApplication app = context.runningApplication();
        // the repeatable migrations' step only closes the account: the queries that never worked
        return context.phase() == Phase.UP && app.checksUps()
                || context.migration().isPresent() && context.phase() == Phase.DOWN && app.checksDowns();
    }

    @Override
    public void beforeUp(PhaseContext context) {
        RunningApplication app = context.runningApplication();
        if (context.migration().isPresent() && app.checksUps()) {
            try (ComponentTiming ignored = ComponentTiming.time("checks.queries");
                 ComponentTiming before = ComponentTiming.time("queries.before")) {
                context.put(BEFORE_UP, app.observeBefore(app.before(context.dialect()), context.connection(),
                        context.dialect(), context.beforeUp(), context.dataBeforeUp()));
            }
        }
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        try (ComponentTiming ignored = ComponentTiming.time("checks.queries")) {
            RunningApplication app = context.runningApplication();
            if (context.migration().isEmpty()) {
                if (context.lastStep()) {
                    notCheckable(context, findings, List.of(), "the running application");
                }
                return;
            }
            if (context.phase() == Phase.UP) {
                if (app.checksUps()) {
                    context.get(BEFORE_UP).ifPresent(before -> {
                        RunningApplication.Observation after = observe(context, app.before(context.dialect()), before);
                        // the next step starts from here when its up again leaves this schema and data
                        app.keep(new RunningApplication.Observation(after.schema(),
                                context.get(DataAfterUpCheck.DATA_AFTER_UP).orElse(null), after.outcomes()));
                        judge(context, findings, app.before(context.dialect()), before, after,
                                "the running application", "before the up");
                    });
                }
                if (app.checksDowns()) {
                    context.put(NEW_AFTER_UP, observe(context, app.after(context.dialect()), null));
                }
            } else {
                context.get(NEW_AFTER_UP).ifPresent(afterUp -> judge(context, findings, app.after(context.dialect()),
                        afterUp, observe(context, app.after(context.dialect()), afterUp),
                        "the new application after a rollback", "after the up"));
            }
        }
    }

    /**
     * Notes, once per rehearsal, the corpus lines that are no query, and after the last step the queries that worked
     * on no version rehearsed.
     */
    private static void notCheckable(PhaseContext context, Findings findings, List<String> unreadable, String whose) {
        RunningApplication app = context.runningApplication();
        List<String> unjudged = new ArrayList<>(app.once(unreadable));
        if (context.lastStep()) {
            unjudged.addAll(app.once(app.neverWorked()));
        }
        if (!unjudged.isEmpty()) {
            findings.note(unjudged.size() + " of " + whose + "'s statements could not be checked: "
                    + String.join("; ", unjudged));
        }
    }

    private static RunningApplication.Observation observe(PhaseContext context, QueryCorpus corpus,
                                                          RunningApplication.Observation earlier) {
        if (earlier == null) {
            return new RunningApplication.Observation(context.after(), null, new ApplicationProbe(context.connection(),
                    context.dialect()).observe(corpus, context.after(), Map.of()));
        }
        // only the queries that name what the phase changed can do otherwise than before it
        Predicate<QueryCorpus.CorpusQuery> affected;
        try (ComponentTiming ignored = ComponentTiming.time("queries.affected")) {
            affected = AffectedQueries.by(earlier.schema(), context.after());
        }
        return new RunningApplication.Observation(context.after(), null, new ApplicationProbe(context.connection(),
                context.dialect()).observe(corpus, context.after(), earlier.outcomes(), affected));
    }

    private static void judge(PhaseContext context, Findings findings, QueryCorpus corpus,
                              RunningApplication.Observation before, RunningApplication.Observation after, String whose,
                              String when) {
        Migration migration = context.migration().orElseThrow();
        QueryBreaks breaks;
        RunningApplication app = context.runningApplication();
        try (ComponentTiming ignored = ComponentTiming.time("queries.compare")) {
            breaks = QueryBreaks.compare(before.outcomes(), after.outcomes(), before.schema(), after.schema());
            app.record(before.outcomes());
            app.record(after.outcomes());
        }
        notCheckable(context, findings, corpus.unreadable(), whose);
        if (!breaks.widened().isEmpty()) {
            findings.note(breaks.widened().size() + " of " + whose + "'s reads return more columns after the "
                    + context.phase().label() + ": " + String.join("; ", breaks.widened()));
        }
        if (!breaks.retyped().isEmpty()) {
            findings.note(breaks.retyped().size() + " of " + whose + "'s reads return a column of another type after"
                    + " the " + context.phase().label() + ", as the same kind of value: "
                    + String.join("; ", breaks.retyped()));
        }
        int judged = breaks.checked() - breaks.notCheckable().size();
        if (judged > 0) {
            findings.settle(GUESSES, breaks.breaks() ? "the running application's queries were run: see " + RULE
                    : "none of " + whose + "'s " + judged + " queries breaks");
        }
        if (!breaks.breaks()) {
            if (judged > 0) {
                findings.note(judged + " of " + whose + "'s queries still work after the " + context.phase().label());
            }
            return;
        }
        Map<String, String> allowed = new HashMap<>(context.settings().locks().allowedFor(migration.version()));
        allowed.putAll(RiskRules.allowedIn(migration.up().sql()));
        String reason = "breaks " + breaks.broken().size() + " of " + judged + " " + (judged == 1
                ? "query" : "queries") + " of " + whose + " that worked " + when + ": "
                + String.join("; ", breaks.broken());
        String script = context.phase() == Phase.DOWN ? migration.downScript().map(s -> s.name())
                .orElse(migration.up().name()) : migration.up().name();
        findings.risk(new LockRisk(RULE, script, String.join(", ", breaks.tables()), reason,
                String.join("; ", breaks.saferWays()), allowed.get(RULE)));
    }
}
