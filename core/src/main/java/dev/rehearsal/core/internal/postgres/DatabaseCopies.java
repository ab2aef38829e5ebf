package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.model.RehearsalException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Copies a throwaway database with {@code CREATE DATABASE copy TEMPLATE source}: the server copies it, schema and
 * data, in milliseconds, but only while nobody is connected to the source. A connection closed just before may
 * still have its backend on the way out; the server would then wait and retry in 100 ms steps, so this waits for
 * those backends in 1 ms steps first.
 */
final class DatabaseCopies {

    private static final int WAIT_STEPS = 2000;
    /**
     * Copies the source's files after a checkpoint (PostgreSQL 15 and later; the only way before 15), instead of
     * writing every page of it through the write-ahead log (the default from 15): on a server without fsync, as the
     * embedded one and Testcontainers' run by default, a clone of the empty template costs the server about a seventh
     * of the time (10 against 70 ms on a slow 2-core machine). Only on a server Rehearsal owns whole: the checkpoints
     * it forces (each writes every changed page of the server) are paid by everyone on the server.
     */
    static final String FILE_COPY = " strategy file_copy";

    private DatabaseCopies() {
    }

    /**
     * Makes {@code target} from {@code source} over {@code admin}, a connection to another database of the server,
     * with the server's own way of copying.
     */
    static void copy(Connection admin, String source, String target, String server) {
        copy(admin, source, target, server, "");
    }

    /**
     * Makes {@code target} from {@code source} as {@link #copy(Connection, String, String, String)} does, the
     * statement ending with {@code clause} ({@link #FILE_COPY}, or empty for the server's default).
     */
    static void copy(Connection admin, String source, String target, String server, String clause) {
        try {
            awaitNoSessions(admin, source);
            try (Statement st = admin.createStatement()) {
                st.execute("create database " + target + " template " + source + clause);
            }
        } catch (SQLException e) {
            String others = "55006".equals(e.getSQLState())
                    ? " Another session is still connected to " + source + "; close every connection a test opened"
                    + " on it (DataSource from the rehearsal) before its migration runs." : "";
            throw new RehearsalException("Could not copy throwaway database " + source + " on " + server
                    + " to keep the state before a migration: " + e.getMessage() + " (SQLState " + e.getSQLState()
                    + ")." + others, e);
        }
    }

    /*
     * An autovacuum worker on the source would make CREATE DATABASE stop it and sleep 100 ms; stopping it here, where
     * the account may (a superuser, or pg_signal_autovacuum_worker), lets the copy start as soon as it is gone.
     */
    private static final String SESSIONS = "select count(*) from pg_stat_activity where datname = ?"
            + " and pid <> pg_backend_pid()";
    private static final String SESSIONS_STOPPING_AUTOVACUUM = "select count(*), count(*) filter (where backend_type"
            + " = 'autovacuum worker' and pg_terminate_backend(pid)) from pg_stat_activity where datname = ?"
            + " and pid <> pg_backend_pid()";

    static void awaitNoSessions(Connection admin, String database) throws SQLException {
        String query = SESSIONS_STOPPING_AUTOVACUUM;
        for (int i = 0; i < WAIT_STEPS; i++) {
            try (PreparedStatement ps = admin.prepareStatement(query)) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
            } catch (SQLException notAllowed) {
                if (query.equals(SESSIONS)) {
                    throw notAllowed;
                }
                query = SESSIONS; // may not stop autovacuum workers: CREATE DATABASE stops them, a little later
                continue;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // still busy after about two seconds: CREATE DATABASE waits five more and names the problem
    }
}
