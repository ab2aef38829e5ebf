package dev.rehearsal.core;

import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.util.Optional;

/**
 * The failure messages of a round trip's schema checks: each change named with where it came from (the up, the down
 * itself), the file to fix, and how.
 */
final class RoundTripMessages {

    private RoundTripMessages() {
    }

    /** Why the schema after the down differs from the one before the up, change by change, and which file to fix. */
    static String downLeftTrace(Migration migration, SchemaSnapshot afterUp, SchemaDiff diff) {
        StringBuilder sb = new StringBuilder();
        sb.append("The down script of ").append(migration.displayName()).append(" (")
                .append(migration.down().name()).append(") did not restore the schema as it was before ")
                .append(migration.up().name()).append(" ran:\n");
        for (SchemaChange change : diff.changes()) {
            SchemaObject o = change.object();
            Optional<SchemaObject> afterTheUp = afterUp == null ? Optional.empty() : afterUp.find(o.kind(), o.name());
            String up = migration.up().name();
            String down = migration.down().name();
            sb.append("  ").append(change).append("   <- ").append(switch (change.type()) {
                case ADDED -> afterTheUp.isPresent() ? "created by " + up + "; " + down + " does not drop it"
                        : "created by " + down + " itself";
                case REMOVED -> afterTheUp.isEmpty() ? "dropped by " + up + "; " + down + " does not recreate it"
                        : "existed before and after the up; " + down + " dropped it";
                case CHANGED -> afterTheUp.map(a -> a.equals(change.after())).orElse(false)
                        ? "changed by " + up + "; " + down + " does not change it back"
                        : "differs from before the up: " + down + " changed it";
            }).append('\n');
        }
        sb.append("Fix ").append(migration.down().name()).append(" so that it reverts exactly what ")
                .append(migration.up().name()).append(" does.");
        return sb.toString();
    }

    /** How the second up's schema differs from the first up's, and the usual cause. */
    static String notReproduced(Migration migration, SchemaDiff diff) {
        StringBuilder sb = new StringBuilder();
        sb.append("Applying ").append(migration.displayName()).append(" again after its down script gave a different")
                .append(" schema than the first time:\n");
        for (SchemaChange change : diff.changes()) {
            sb.append("  ").append(change).append("   <- ").append(switch (change.type()) {
                case ADDED -> "only after the second up";
                case REMOVED -> "only after the first up";
                case CHANGED -> "differs between the first and the second up";
            }).append('\n');
        }
        sb.append("Usually the down script left something (a sequence, a default, a type) that changed how ")
                .append(migration.up().name()).append(" ran the second time.");
        return sb.toString();
    }

    /** What a failed up left behind, where the engine or the script did not roll it back. */
    static String partialChanges(SchemaDiff left, String engine) {
        StringBuilder sb = new StringBuilder("It failed half-way and left these changes behind (PARTIAL: " + engine
                + " does not roll them back):");
        for (SchemaChange change : left.changes()) {
            sb.append("\n  ").append(change);
        }
        return sb.append("\nMake the migration safe to re-run (IF NOT EXISTS), or split it so each file does one DDL"
                + " statement.").toString();
    }
}
