package dev.rehearsal.core;

import org.apiguardian.api.API;

/**
 * How a migration tool runs the statements of one migration's up, for rehearsing a failure part-way through it:
 * where the tool's transaction model lets some statements commit before a later one fails, a retry meets what they
 * left.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum UpTransaction {
    /** All in one transaction: only what the engine commits by itself (MariaDB's DDL) outlives a failure. */
    ONE,
    /** Each statement commits as it runs (a statement that cannot run in a transaction, the tool told not to open one). */
    EACH_STATEMENT,
    /**
     * As a SQL client runs the script (Sqitch through psql): its own {@code BEGIN} and {@code COMMIT} make its
     * transactions, and every statement outside them commits as it runs.
     */
    AS_WRITTEN,
    /**
     * The migration's own code decides (an Alembic {@code autocommit_block}, Django's {@code atomic = False}, Knex's
     * {@code transaction: false}), and the tool's helper reports, for each statement it runs, whether it runs inside
     * a transaction: where the migration can stop part-way is found from its up as it ran.
     */
    AS_REPORTED,
    /**
     * The tool runs the statements where Rehearsal cannot make one fail (a process of its own that connects by
     * itself), so failures part-way are not rehearsed.
     */
    OUT_OF_REACH
}
