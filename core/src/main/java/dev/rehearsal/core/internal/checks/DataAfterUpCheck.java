package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.internal.data.ForeignKeyOrphans;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.schema.SchemaObject;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * After an up over rows: tables the migration does not name keep their data, touched tables keep their row count,
 * new columns are filled for every row, and no new integrity problem appears (invalid indexes, violated NOT VALID
 * constraints, foreign-key orphans, sequences behind). A migration may declare that it changes data
 * ({@code dataChanges}). Orphans of a foreign key the migration adds over values the rows held before it (seeded
 * into a column that had no key yet) are reported, not counted against the migration.
 */
final class DataAfterUpCheck implements PhaseCheck {

    /** The fingerprint after the first up, which up again must reproduce. */
    static final PhaseContext.Key<DataFingerprint> DATA_AFTER_UP = PhaseContext.DATA_AFTER_UP;
    private static final PhaseContext.Key<List<DataProblem>> INTEGRITY_BEFORE = new PhaseContext.Key<>("integrity before up");
    private static final Set<DataProblem.Kind> DATA_CHANGES = EnumSet.of(DataProblem.Kind.ROW_COUNT_CHANGED,
            DataProblem.Kind.UNTOUCHED_DATA_CHANGED, DataProblem.Kind.PARTIAL_BACKFILL);

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.phase() == Phase.UP && context.dataBeforeUp() != null;
    }

    @Override
    public void beforeUp(PhaseContext context) {
        if (context.dataBeforeUp() != null && context.dataBeforeUp().hasData()) {
            context.put(INTEGRITY_BEFORE, context.integrityProblems(context.beforeUp()));
        }
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        Migration migration = context.migration().orElseThrow();
        DataFingerprint before = context.dataBeforeUp();
        DataFingerprint after = context.fingerprint(context.after());
        context.put(DATA_AFTER_UP, after);
        if (before.hasData() || after.hasData()) {
            List<DataProblem> problems = new ArrayList<>(DataChecks.afterUp(migration, context.after(),
                    context.beforeUp().diff(context.after()), before, after, new DataChecks.RowCounter() {
                        @Override
                        public String quote(String name) {
                            return context.dialect().quote(name);
                        }

                        @Override
                        public long count(String query) {
                            return context.count(query);
                        }
                    }));
            for (DataProblem p : DataChecks.newProblems(context.get(INTEGRITY_BEFORE).orElse(List.of()),
                    context.integrityProblems(context.after()))) {
                Optional<SchemaObject> key = ForeignKeyOrphans.keyOf(p, context.after())
                        .filter(k -> ForeignKeyOrphans.heldBeforeTheKey(k, context.beforeUp(), before, after));
                if (key.isPresent()) {
                    // orphans the rows held before the key existed: reported, not the migration's failure
                    findings.problems(List.of(p), Set.of(DataProblem.Kind.FOREIGN_KEY_ORPHANS), true,
                            "held before " + migration.displayName() + " added the key, not counted against it");
                    findings.note(ForeignKeyOrphans.heldBeforeNote(key.get(), migration.displayName(),
                            context.dialect()::quote));
                } else {
                    problems.add(p);
                }
            }
            findings.problems(problems, DATA_CHANGES, context.data().dataChanges().contains(migration.version()),
                    "declared dataChanges");
        }
    }
}
