package dev.rehearsal.junit;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.MigrationVersion;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.junit.jupiter.api.DynamicNode;

import javax.sql.DataSource;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The per-test handle of a {@link MigrationTest}: one throwaway database and the project's migration history.
 * Declare it as a test method parameter. Dropped when the test ends.
 */
public interface Rehearsal {

    /** The migrations, in order. */
    MigrationHistory history();

    /** The highest migration applied, empty for a fresh database. */
    Optional<MigrationVersion> currentVersion();

    /**
     * Moves the database to a version: applies the migrations up to it, or reverts those above it with their down
     * scripts. {@code "latest"} also applies repeatable migrations; {@code "base"} reverts everything.
     */
    MigrationRun migrateTo(String version);

    /** Applies the next migration. */
    MigrationRun migrateUp();

    /** Reverts the current migration with its down script. */
    MigrationRun migrateDown();

    /** The schema now, read from the catalog (the migration tool's history table left out). */
    SchemaSnapshot schema();

    /** Connections to the throwaway database. */
    DataSource dataSource();

    /**
     * One container per migration not yet applied, each with the dynamic tests {@code up}, {@code down} and
     * {@code up again}, plus one for the repeatable migrations. Return it from a {@code @TestFactory}.
     * Down must leave the schema exactly as before the up; up again must reproduce the first up's schema.
     * A phase that cannot run (the up failed, the migration is declared irreversible) is reported as aborted.
     */
    Stream<DynamicNode> roundTrips();

    /** What the round trips did so far: per migration, times and results. */
    RoundTripReport report();
}
