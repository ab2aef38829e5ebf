package dev.rehearsal.core.internal.checks;

import org.apiguardian.api.API;

import java.util.List;

/**
 * Every check that runs after a round-trip phase, in the order they run: the schema first (a wrong schema stops the
 * checks after it), then the data and invariants, then what the phase leaves for the next migrations, the user's
 * schema checks, and the lock budget when nothing else failed.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PhaseChecks {

    /** The checks, in order. A new check is a new class and a line here. */
    public static final List<PhaseCheck> ALL = List.of(
            new SchemaRestoredCheck(),
            new SchemaReproducedCheck(),
            new ColumnOrderCheck(),
            new PatchedReadsCheck(),
            new DataAfterUpCheck(),
            new DataAfterDownCheck(),
            new DataAfterUpAgainCheck(),
            new InvariantsCheck(),
            new SeedCreatedTablesCheck(),
            new SchemaChecksCheck(),
            new RunningApplicationCheck(),
            new ApplicationTrafficCheck(),
            new LockBudgetCheck(),
            new QueryWaitBudgetCheck());

    private PhaseChecks() {
    }

    /** Runs the checks that apply after the phase {@code context} describes, until one leaves the database unknown. */
    public static Findings after(PhaseContext context, List<String> notes) {
        Findings findings = new Findings(notes);
        for (PhaseCheck check : ALL) {
            if (check.appliesTo(context)) {
                check.check(context, findings);
                if (findings.stopsLaterChecks()) {
                    break;
                }
            }
        }
        return findings;
    }

    /** Lets every check read what it needs before the up of a step. */
    public static void beforeUp(PhaseContext context) {
        for (PhaseCheck check : ALL) {
            check.beforeUp(context);
        }
    }
}
