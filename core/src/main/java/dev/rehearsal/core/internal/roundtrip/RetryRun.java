package dev.rehearsal.core.internal.roundtrip;

/**
 * One rehearsal of a retry phase, from the state before the up and back there: a point where the migration is stopped
 * ({@link PointRehearsal}), or the migration applied again over itself ({@link AgainRehearsal}).
 */
interface RetryRun {

    /** Runs it; the database is back before the up afterwards, or marked to be rebuilt ({@code lost}). */
    PointRehearsal.Outcome run();

    /** Whether the phase's copy of the state before the up was used (restored). */
    boolean fallbackUsed();
}
