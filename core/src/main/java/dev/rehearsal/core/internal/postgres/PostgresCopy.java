package dev.rehearsal.core.internal.postgres;

import org.apiguardian.api.API;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * {@code COPY ... FROM stdin} with its inline data, as {@code psql} runs the data blocks of a script. Only
 * PostgreSQL's splitter cuts such blocks, so only PostgreSQL scripts reach it; it is not part of the engine-neutral
 * data access.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PostgresCopy {

    private PostgresCopy() {
    }

    /** Sends {@code data} to {@code copyStatement} over the connection's COPY protocol. */
    public static void copyIn(Connection connection, String copyStatement, String data) throws SQLException {
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copyStatement, new StringReader(data));
        } catch (IOException e) {
            throw new SQLException("could not send the COPY data: " + e.getMessage(), "08006", e);
        }
    }
}
