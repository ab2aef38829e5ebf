package dev.rehearsal.core.data;

import org.apiguardian.api.API;

/**
 * A fact about the data that a migration step got wrong, found by Rehearsal's integrity checks.
 *
 * @param kind    what kind of problem
 * @param table   the table concerned, or null for one that spans tables
 * @param column  the column concerned, or null
 * @param message what happened, with counts, and what to do
 */
@API(status = API.Status.STABLE, since = "0.1")
public record DataProblem(Kind kind, String table, String column, String message) {

    /** The kinds of data problems the round trip reports. */
    public enum Kind {
        /** Data of a table or column the migration does not mention changed. */
        UNTOUCHED_DATA_CHANGED,
        /** A table the migration touched gained or lost rows, and the migration does not declare it changes data. */
        ROW_COUNT_CHANGED,
        /** A column the migration added was filled for some rows only. */
        PARTIAL_BACKFILL,
        /** The down script could not restore values the up had (rows or non-null values lost). */
        LOSSY_DOWN,
        /** The down script restored the columns but not their values. */
        DOWN_CHANGED_DATA,
        /** Applying the migration again gave different data than the first time. */
        NOT_REPRODUCED,
        /** An index is left invalid (a failed CREATE INDEX CONCURRENTLY). */
        INVALID_INDEX,
        /** A NOT VALID constraint that existing rows violate: validating it will fail. */
        CONSTRAINT_VIOLATED,
        /** Rows whose foreign key points at no parent row. */
        FOREIGN_KEY_ORPHANS,
        /** A sequence that would hand out values the column already holds. */
        SEQUENCE_BEHIND,
        /** A user invariant gave a different result after the step. */
        INVARIANT_BROKEN
    }

    @Override
    public String toString() {
        return message;
    }
}
