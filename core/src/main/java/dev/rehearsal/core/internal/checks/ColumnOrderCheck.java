package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * With {@code rehearsal.schema.column-order=true}: after a down, every column is where it was before the up, and after
 * up again where the first up put it. Schema comparisons otherwise leave positions out (PostgreSQL can only append a
 * column, so a down that re-adds a dropped one puts it last); teams whose application depends on the order
 * ({@code SELECT *} read by position, {@code INSERT} without a column list, {@code COPY}) turn this on.
 */
final class ColumnOrderCheck implements PhaseCheck {

    @Override
    public boolean appliesTo(PhaseContext context) {
        return context.settings().columnOrder() && (context.phase() == Phase.DOWN || context.phase() == Phase.UP_AGAIN);
    }

    @Override
    public void check(PhaseContext context, Findings findings) {
        boolean down = context.phase() == Phase.DOWN;
        SchemaSnapshot expected = down ? context.beforeUp() : context.afterUp();
        List<String> moved = new ArrayList<>();
        for (SchemaObject column : expected.objects(ObjectKind.COLUMN)) {
            String was = column.fact(SchemaFact.POSITION).orElse(null);
            String now = context.after().find(ObjectKind.COLUMN, column.name())
                    .flatMap(c -> c.fact(SchemaFact.POSITION)).orElse(null);
            if (was != null && now != null && !was.equals(now)) {
                moved.add(column.name() + " is column " + now + " where it was column " + was);
            }
        }
        if (moved.isEmpty()) {
            return;
        }
        findings.fail((down ? "The down of " + context.displayName() + " put columns back at other positions than"
                + " before the up" : "Up again of " + context.displayName() + " put columns at other positions than"
                + " the first up") + " (rehearsal.schema.column-order=true):\n  " + String.join("\n  ", moved)
                + "\nA column re-added by ALTER TABLE goes last; to restore the order, recreate the table (CREATE TABLE"
                + " with the columns in order, copy the rows, swap the names), or turn rehearsal.schema.column-order"
                + " off if nothing in the application depends on the position of columns.");
    }
}
