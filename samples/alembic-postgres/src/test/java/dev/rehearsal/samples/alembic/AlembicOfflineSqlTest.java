package dev.rehearsal.samples.alembic;

import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * The same history as the SQL Alembic writes offline (src/main/resources/alembic/sql, generated with the commands in
 * alembic.ini): each "-- Running upgrade" step is paired with its "-- Running downgrade" step, and the
 * alembic_version statements Alembic wrote keep its table. Where revision files and offline SQL sit together,
 * the offline SQL is what runs.
 */
@MigrationTest(migrations = "classpath:alembic")
class AlembicOfflineSqlTest {

    @TestFactory
    Stream<DynamicNode> everyStepRoundTrips(Rehearsal rehearsal) {
        return rehearsal.roundTrips();
    }
}
