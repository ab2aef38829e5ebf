package dev.rehearsal.core.internal.checks;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.SchemaCheck;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.data.Invariant;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.internal.queries.RunningApplication;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link PhaseCheck} may read of a round-trip step and the phase that just ran: the migration, the schemas
 * before and after, the data's fingerprints, the lock report, and a store where a check keeps what it read before the
 * up for the phases after it.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface PhaseContext {

    /** A typed key of the step's store; compared by identity, so each check declares its own. */
    final class Key<T> {
        private final String name;

        public Key(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The data's fingerprint after the first up, where the data checks took one: up again must reproduce it, and a
     * failed down that rolled back must have left it.
     */
    Key<DataFingerprint> DATA_AFTER_UP = new Key<>("data after up");

    /**
     * The data's fingerprint once the tables the up created were seeded, where they were: what the down starts from,
     * and what a down that fails and rolls back must leave. Absent when nothing was seeded after the up.
     */
    Key<DataFingerprint> DATA_BEFORE_DOWN = new Key<>("data before down");

    /** The phase that ran, or {@link Phase#UP} before the up in {@link PhaseCheck#beforeUp}. */
    Phase phase();

    /** The migration, or empty for the step that applies the repeatable migrations. */
    Optional<Migration> migration();

    /** {@code V3 add orders status}, or {@code repeatable migrations}. */
    String displayName();

    RehearsalSettings settings();

    /** The data settings of this step's plan (declared lossy versions, data changes, seeding). */
    DataSettings data();

    /** Whether the migration has no down script and is rehearsed by restoring a copy instead. */
    boolean restoring();

    /** Whether this step is the last of its plan. */
    boolean lastStep();

    Dialect dialect();

    /** The schema before the up. */
    SchemaSnapshot beforeUp();

    /** The schema the first up left (null before it). */
    SchemaSnapshot afterUp();

    /** The schema the phase left. */
    SchemaSnapshot after();

    /** The lock report of the phase ({@link LockReport#NONE} when not traced). */
    LockReport locks();

    /** The data's fingerprint before the up; null when data is not checked in this step. */
    DataFingerprint dataBeforeUp();

    /** The data's fingerprint over {@code schema} now. */
    DataFingerprint fingerprint(SchemaSnapshot schema);

    /** Integrity problems of the data now, over {@code schema}. */
    List<DataProblem> integrityProblems(SchemaSnapshot schema);

    /** Runs a {@code SELECT count(*)} query on Rehearsal's own session of the current database. */
    long count(String query);

    /** The user's invariants' results now; a query that cannot run yet maps to null. */
    Map<Invariant, String> evaluateInvariants();

    /** Invariants whose result changed from {@code before}, each naming {@code what} broke it. */
    List<DataProblem> brokenInvariants(Map<Invariant, String> before, String what);

    /** The schema checks added to the rehearsal (golden files). */
    List<SchemaCheck> schemaChecks();

    /**
     * Null when the schema read in full equals {@code patched}, what the patched reads made of it (or every read was a
     * full one), else the message.
     */
    String missedByPatchedReads(SchemaSnapshot patched);

    /**
     * The estimate at production volume the up is judged against, estimated now on copies of the database; null when
     * budgets at production volume are off or the migration names no table with a volume.
     */
    VolumeEstimate estimateAtProductionVolume(Migration migration);

    /**
     * Tops {@code tables} up to the plan's rows per step ({@link DataSettings#roundTripRows()}), noting the rows
     * seeded {@code when} ("before", "after") the up; returns how many rows it added.
     *
     * @throws dev.rehearsal.core.model.RehearsalException when the tables cannot be seeded
     */
    long seed(Collection<String> tables, String when);

    /**
     * The schema now, read again (rows Rehearsal seeded may have fired triggers that changed it); the database's
     * known state from then on.
     */
    SchemaSnapshot schemaNow();

    /**
     * Rehearsal's own session on the database, for checks that run queries of their own; a check leaves it as it
     * found it (auto-commit on, nothing pending).
     */
    Connection connection();

    /** The running application's queries of this rehearsal, and what they did on the last schema. */
    RunningApplication runningApplication();

    /** A note for the step's report. */
    void note(String note);

    /** What a check kept in this step's store. */
    <T> Optional<T> get(Key<T> key);

    /** Keeps {@code value} in this step's store for the phases after this one. */
    <T> void put(Key<T> key, T value);
}
