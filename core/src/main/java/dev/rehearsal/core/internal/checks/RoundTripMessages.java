package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.schema.SchemaChange;
import dev.rehearsal.core.schema.SchemaDiff;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Optional;

/**
 * The failure messages of a round trip's schema checks: each change named with where it came from (the up, the down
 * itself), the file to fix, and how.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RoundTripMessages {

    private RoundTripMessages() {
    }

    /** Why the schema after the down differs from the one before the up, change by change, and which file to fix. */
    public static String downLeftTrace(Migration migration, SchemaSnapshot afterUp, SchemaDiff diff) {
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
                case CHANGED -> afterTheUp.map(a -> SchemaDiff.sameAsCompared(a, change.after())).orElse(false)
                        ? "changed by " + up + "; " + down + " does not change it back"
                        : "differs from before the up: " + down + " changed it";
            }).append('\n');
        }
        sb.append("Fix ").append(migration.down().name()).append(" so that it reverts exactly what ")
                .append(migration.up().name()).append(" does.");
        return sb.toString();
    }

    /** How the second up's schema differs from the first up's, and the usual cause. */
    public static String notReproduced(Migration migration, SchemaDiff diff) {
        return notReproduced(migration, diff, false);
    }

    /**
     * As {@link #notReproduced(Migration, SchemaDiff)}; {@code restored} when the second up ran on a copy of the state
     * the first one started from, so that only the migration itself can be the cause.
     */
    public static String notReproduced(Migration migration, SchemaDiff diff, boolean restored) {
        StringBuilder sb = new StringBuilder();
        sb.append("Applying ").append(migration.displayName()).append(restored
                ? " again to the database as it was before its first up gave a different" : " again after its down script gave a different")
                .append(" schema than the first time:\n");
        for (SchemaChange change : diff.changes()) {
            sb.append("  ").append(change).append("   <- ").append(switch (change.type()) {
                case ADDED -> "only after the second up";
                case REMOVED -> "only after the first up";
                case CHANGED -> "differs between the first and the second up";
            }).append('\n');
        }
        if (restored) {
            sb.append(migration.up().name()).append(" ran twice on the same schema and data, so it is not deterministic:")
                    .append(" it depends on the clock, on randomness, on the server's settings or on something outside")
                    .append(" the database. A deploy that retries it, or a second environment, gets another schema.");
        } else {
            sb.append("Usually the down script left something (a sequence, a default, a type) that changed how ")
                    .append(migration.up().name()).append(" ran the second time.");
        }
        return sb.toString();
    }

    /**
     * A failure forced at the end of {@code migration} was raised, and code around the migration caught it instead of
     * letting the tool see it: a real failure there would be hidden the same way, the deploy reporting success.
     *
     * @param recorded whether the tool's history now says the migration is applied
     */
    public static String swallowedFailure(Migration migration, String tool, String around, boolean recorded) {
        return migration.displayName() + " (" + migration.up().name() + "): the failure Rehearsal forced at its end"
                + " was raised, but code around the migration (" + around + ") caught it instead of letting " + tool
                + " see it" + (recorded ? ", and the migration was recorded as applied" : "") + ". In production a"
                + " migration that fails there is hidden the same way: the deploy reports success while the migration"
                + (recorded ? " is committed half done and recorded as applied, and the next deploy skips it."
                : " did not apply (or applied half, where the transaction still commits).")
                + "\nLet exceptions from the migrations propagate to " + tool + " (no try/except or catch around"
                + " running them), so a failure rolls the transaction back and fails the deploy.";
    }

    /**
     * What a failure forced at the very end of {@code migration} left behind, why, and what to do: the migration is not
     * atomic, so a real failure there (its last statement, a lost connection, a killed deploy) leaves it half done.
     */
    public static String notAtomic(Migration migration, SchemaDiff left, List<String> dataLeft, Dialect dialect) {
        StringBuilder sb = new StringBuilder(migration.displayName()).append(" is not atomic: Rehearsal made it fail at")
                .append(" its very end, after its last statement and before the tool recorded it, as a failing last")
                .append(" statement, a lost connection or a killed deploy would; the tool rolled back, and these changes")
                .append(" stayed behind (PARTIAL):");
        left.changes().forEach(change -> sb.append("\n  ").append(change));
        dataLeft.forEach(line -> sb.append("\n  ").append(line));
        return sb.append(cause(List.of(migration.up()), dialect)).toString();
    }

    /**
     * What a failed up left behind, why the engine or the script did not roll it back, and what to do about it: the
     * script's own COMMIT (or BEGIN) at its line, a statement that cannot run in a transaction, else the engine's
     * reason.
     */
    public static String partialChanges(SchemaDiff left, List<MigrationScript> scripts, Dialect dialect) {
        StringBuilder sb = new StringBuilder("It failed half-way and left these changes behind (PARTIAL):");
        for (SchemaChange change : left.changes()) {
            sb.append("\n  ").append(change);
        }
        return sb.append(cause(scripts, dialect)).toString();
    }

    /** Why changes stayed after a failure, and what to do, as lines that follow a list of the changes. */
    private static String cause(List<MigrationScript> scripts, Dialect dialect) {
        StringBuilder sb = new StringBuilder();
        for (MigrationScript script : scripts) {
            List<SqlStatement> statements = dialect.split(script.sql());
            if (statements.size() < 2) {
                continue;
            }
            for (SqlStatement st : statements) {
                if (AtomicityRisks.controlsTransaction(st.sql())) {
                    return sb.append("\nThey stayed because ").append(script.name()).append(" line ").append(st.line())
                            .append(" (").append(firstLine(st.sql())).append(") controls the transaction itself: the")
                            .append(" migration tool already runs the script in one transaction, which the script's own")
                            .append(" COMMIT ends (a BEGIN inside it only draws a warning), so what ran before was")
                            .append(" committed and the tool's rollback undid only the rest.")
                            .append("\nRemove BEGIN, COMMIT and ROLLBACK from ").append(script.name())
                            .append("; if two parts must commit separately, make them two migrations.").toString();
                }
            }
            for (SqlStatement st : statements) {
                if (dialect.mustRunOutsideTransaction(st.sql())) {
                    return sb.append("\nThey stayed because ").append(script.name()).append(" line ").append(st.line())
                            .append(" (").append(firstLine(st.sql())).append(") cannot run inside a transaction, so the")
                            .append(" tool ran all ").append(statements.size()).append(" statements without one, each")
                            .append(" committed on its own.\nMove that statement into a migration of its own, or make")
                            .append(" every statement safe to re-run (IF NOT EXISTS).").toString();
                }
            }
        }
        return sb.append("\nThey stayed because ").append(dialect.whyFailedMigrationsKeepChanges()).append('.')
                .append("\nMake the migration safe to re-run (IF NOT EXISTS), or split it so each file does one DDL")
                .append(" statement.").toString();
    }

    private static String firstLine(String sql) {
        String line = sql.strip().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("--"))
                .findFirst().orElse("");
        return line.length() > 80 ? line.substring(0, 77) + "..." : line;
    }
}
