package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.StatementInterruption;
import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cancels a {@code CREATE INDEX CONCURRENTLY} after it has entered the index in the catalog and before it has built
 * it, as a {@code lock_timeout}, a {@code statement_timeout} or a cancelled deploy does in production: the server then
 * keeps the index, marked INVALID. A session of Rehearsal's holds {@code ROW EXCLUSIVE} on the table (as any writing
 * transaction does), which the build waits for after its first transaction; once it waits there, it is cancelled.
 */
final class ConcurrentIndexInterruption implements StatementInterruption {

    private static final Pattern CONCURRENT_INDEX = Pattern.compile(
            "^(?:\\s*(?:--[^\\n]*\\n|/\\*.*?\\*/))*\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\b.*?\\bON\\s+(?:ONLY\\s+)?"
                    + "((?:\"[^\"]+\"|[\\w$]+)(?:\\s*\\.\\s*(?:\"[^\"]+\"|[\\w$]+))?)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** How long the build may take to reach its wait before the interruption gives up and lets it finish. */
    private static final long REACH_MILLIS = 20_000;

    private static final String SEARCH_PATH = "SHOW search_path";

    private final String table;

    private ConcurrentIndexInterruption(String table) {
        this.table = table;
    }

    static Optional<StatementInterruption> of(String statement) {
        Matcher m = CONCURRENT_INDEX.matcher(statement);
        return m.find() ? Optional.of(new ConcurrentIndexInterruption(m.group(1))) : Optional.empty();
    }

    @Override
    public Running start(Connection migration, DataSource admin) throws SQLException {
        return start(backend(migration), searchPath(migration), admin);
    }

    @Override
    public String contextQuery() {
        return SEARCH_PATH;
    }

    @Override
    public Running start(int backend, String searchPath, DataSource admin) throws SQLException {
        Connection holder = admin.getConnection();
        try {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                // the table as the migration's session names it; never waiting long on someone else's lock
                st.execute("SELECT set_config('search_path', " + literal(searchPath == null ? "\"$user\", public" : searchPath) + ", true),"
                        + " set_config('lock_timeout', '5s', true)");
                st.execute("LOCK TABLE " + table + " IN ROW EXCLUSIVE MODE");
            }
            Watch watch = new Watch(backend, admin, holder);
            Thread thread = new Thread(watch, "rehearsal-index-interruption");
            thread.setDaemon(true);
            thread.start();
            return watch;
        } catch (SQLException | RuntimeException e) {
            holder.close();
            return new Refused("the table " + table + " could not be held for the build to wait on: "
                    + (e instanceof SQLException sql ? sql.getSQLState() + " " : "") + e.getMessage());
        }
    }

    private static String searchPath(Connection migration) throws SQLException {
        try (Statement st = migration.createStatement(); ResultSet rs = st.executeQuery(SEARCH_PATH)) {
            return rs.next() ? rs.getString(1) : "\"$user\", public";
        }
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static int backend(Connection migration) throws SQLException {
        if (migration.isWrapperFor(PGConnection.class)) {
            return migration.unwrap(PGConnection.class).getBackendPID();
        }
        try (Statement st = migration.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The build could not be made to wait: it runs through. */
    private record Refused(String whyNot) implements Running {
        @Override
        public boolean cancelled() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    /** Waits for the build to wait on the held table, cancels it, then lets the holder go. */
    private static final class Watch implements Running, Runnable {
        private final int backend;
        private final DataSource admin;
        private final Connection holder;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile boolean ended;
        private volatile boolean cancelled;
        private volatile String whyNot;

        Watch(int backend, DataSource admin, Connection holder) {
            this.backend = backend;
            this.admin = admin;
            this.holder = holder;
        }

        @Override
        public void run() {
            try (Connection c = admin.getConnection();
                 PreparedStatement waiting = c.prepareStatement("SELECT wait_event_type = 'Lock'"
                         + " AND wait_event = 'virtualxid' FROM pg_stat_activity WHERE pid = ?");
                 PreparedStatement cancel = c.prepareStatement("SELECT pg_cancel_backend(?)")) {
                waiting.setInt(1, backend);
                cancel.setInt(1, backend);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REACH_MILLIS);
                while (!ended && System.nanoTime() < deadline) {
                    boolean waits;
                    try (ResultSet rs = waiting.executeQuery()) {
                        waits = rs.next() && rs.getBoolean(1);
                    }
                    if (waits) {
                        try (ResultSet rs = cancel.executeQuery()) {
                            cancelled = rs.next() && rs.getBoolean(1);
                        }
                        return;
                    }
                    Thread.sleep(5);
                }
                whyNot = ended ? "the build ended before it waited" : "the build did not reach its wait within "
                        + REACH_MILLIS / 1000 + " s";
            } catch (SQLException e) {
                whyNot = "the build could not be watched: " + e.getSQLState() + " " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                whyNot = "interrupted";
            } finally {
                release();
                done.countDown();
            }
        }

        /** Ends the holder's transaction; twice is harmless (a closed connection refuses, and holds nothing). */
        private void release() {
            try (holder) {
                holder.rollback();
            } catch (SQLException e) {
                // the holder's session ends with its connection: nothing it held outlives the close
            }
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        @Override
        public String whyNot() {
            return cancelled ? null : whyNot == null ? "the build was not cancelled" : whyNot;
        }

        @Override
        public void close() {
            ended = true;
            try {
                if (!done.await(REACH_MILLIS, TimeUnit.MILLISECONDS)) {
                    release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                release();
            }
        }
    }
}
