package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.model.RehearsalException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The counters a rollback does not take back (sequences), read before a failure Rehearsal forces at a migration's
 * end and set back after it, so that the failure leaves the database as it found it.
 */
record SequenceCounters(Map<String, String> values) {

    static SequenceCounters read(EphemeralDatabase database) {
        try (Connection c = database.dataSource().getConnection()) {
            return new SequenceCounters(database.dialect().data(c).counters());
        } catch (SQLException e) {
            throw new RehearsalException("Could not read the sequences of " + database.name() + ": "
                    + e.getMessage(), e);
        }
    }

    void restoreOn(EphemeralDatabase database) {
        try (Connection c = database.dataSource().getConnection()) {
            database.dialect().data(c).restoreCounters(values);
        } catch (SQLException e) {
            throw new RehearsalException("Could not set the sequences of " + database.name() + " back: "
                    + e.getMessage(), e);
        }
    }
}
