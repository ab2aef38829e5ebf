package dev.rehearsal.core;

import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Migration;

import dev.rehearsal.core.locks.LockReport;
import org.apiguardian.api.API;

import java.time.Duration;
import java.util.List;

/**
 * What one call to migrate did: the migrations applied or reverted, in the order they ran, and how long it took.
 *
 * @param direction  up or down
 * @param migrations the migrations run, in order; empty when the database was already there
 * @param from       the version before, null for an empty database
 * @param to         the version after, null when everything was reverted
 * @param duration   wall-clock time of the migration tool's work
 * @param locks      what the migration did to locks and what the probe traffic felt ({@link LockReport#NONE}
 *                   when tracing is off)
 */
@API(status = API.Status.STABLE, since = "0.1")
public record MigrationRun(Direction direction, List<Migration> migrations, MigrationVersion from, MigrationVersion to,
                           Duration duration, LockReport locks) {

    /** Whether migrations were applied or reverted. */
    public enum Direction { UP, DOWN }

    public MigrationRun {
        migrations = List.copyOf(migrations);
    }
}
