package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.db.GeneratedUndo;
import dev.rehearsal.core.internal.sql.ScriptRunner;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Back before a migration's up from wherever a retry phase left the database: from a copy where one was kept; else by
 * the down script, else by an undo derived from the catalog, each checked against the state before the up (schema,
 * data, the tool's version, its record of a failure cleared); else the database is marked to be rebuilt before the
 * next step, and the step's up again is not run.
 */
final class WayBack {

    private final StepContext step;
    private final SchemaSnapshot start;
    private final DataFingerprint startData;
    private long sqlNanos;

    /** {@code start}, {@code startData}: the schema and data before the up (the data null where it is not checked). */
    WayBack(StepContext step, SchemaSnapshot start, DataFingerprint startData) {
        this.step = step;
        this.start = start;
        this.startData = startData;
    }

    /** Whether the database is back before the up: restored from {@code copy} where not null, else undone. */
    boolean leave(DatabaseSession.RestorePoint copy, String why) {
        if (copy != null) {
            step.engine.restore(copy);
            return true;
        }
        if (undo()) {
            return true;
        }
        lost(why);
        return false;
    }

    /**
     * Whether the down script, else an undo derived from the catalog, brought the database back before the up, as
     * checked against the state there; nothing is marked where neither did.
     */
    boolean undo() {
        long t0 = System.nanoTime();
        try {
            return undone(() -> step.engine.tool().down(step.migration)) || undone(this::generatedUndo);
        } finally {
            sqlNanos += System.nanoTime() - t0;
        }
    }

    /** Marks the database to be rebuilt before the next step; the step's up again does not run. */
    void lost(String why) {
        step.engine.state().markDirty(why);
        step.backBeforeUp(null);
    }

    /** The time the way back spent running SQL. */
    long sqlNanos() {
        return sqlNanos;
    }

    /** Whether {@code undo}, after the tool's record of a failure is cleared, brings back the state before the up. */
    private boolean undone(Runnable undo) {
        RehearsalEngine engine = step.engine;
        Migration migration = step.migration;
        try {
            undo.run();
            Optional<MigrationVersion> previous = engine.history().previous(migration).map(Migration::version);
            engine.tool().clearFailedUp(migration); // the failure the retry recorded (Flyway's failed row, a dirty version)
            SchemaSnapshot now = engine.fullSchema();
            return start.diff(now).isEmpty()
                    && (startData == null || startData.differences(engine.checkedFingerprint(now)).isEmpty())
                    && engine.session().currentVersion().equals(previous);
        } catch (RuntimeException e) {
            return false; // not back this way: the next one, or a rebuild
        }
    }

    /** Runs the undo the dialect derives from the catalog now and before the up; throws where there is none. */
    private void generatedUndo() {
        GeneratedUndo undo = step.dialect().undo(start, step.engine.fullSchema());
        if (!undo.unsupported().isEmpty()) {
            throw new RehearsalException(String.join("; ", undo.unsupported()));
        }
        try (Connection c = step.engine.session().connections().getConnection()) {
            ScriptRunner.run(c, step.dialect(), "generated undo", step.migration, "the undo of what the retry left",
                    undo.sql(), conn -> { });
        } catch (SQLException e) {
            throw new RehearsalException("Could not connect: " + e.getMessage(), e);
        }
    }
}
