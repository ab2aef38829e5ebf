package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The application's own statements a migration's traffic plays: given the tables it touches and the database as it is
 * before it, those that name one of them and run there, each with values for its parameters.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface ApplicationStatements {

    /**
     * The statements to play on {@code tables}, checked and given values on a session {@code connection} gives when
     * one is needed (the database before the migration, which they must leave as it is); empty when none names those
     * tables, or when they cannot be prepared (this says why, for the step's notes: traffic never fails a migration).
     * {@code reverting}: the migration runs down, under the application version it ships with.
     */
    List<TrafficStatement> on(Set<String> tables, SchemaSnapshot before, Supplier<Connection> connection,
                              boolean reverting);

    /** Says why the statements {@link #on} gave were not played in a phase, for the step's notes. */
    void unplayed(String why);
}
