package dev.rehearsal.core.internal.mariadb;

import dev.rehearsal.core.db.EngineLocks;
import dev.rehearsal.core.locks.RiskRuleSet;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * MariaDB's locks are metadata locks (MDL), read from {@code performance_schema.metadata_locks}, which needs the
 * server started with {@code --performance-schema=ON} and the {@code wait/lock/metadata/sql/mdl} instrument on
 * (the container Rehearsal starts has both). Without them the probes and budgets still work; only the lock modes
 * are not traced. Rewrites show as a new InnoDB table id. Each MDL type is reported as the PostgreSQL mode that
 * blocks the same traffic:
 * <ul>
 *   <li>{@code SHARED_READ} (a read): ACCESS SHARE; {@code SHARED_WRITE} (a write): ROW EXCLUSIVE;</li>
 *   <li>{@code SHARED_UPGRADABLE} (online DDL while it copies nothing: reads and writes go on): SHARE UPDATE EXCLUSIVE;</li>
 *   <li>{@code SHARED_NO_WRITE} ({@code ALGORITHM=COPY}, {@code LOCK=SHARED}: reads go on, writes wait): SHARE;</li>
 *   <li>{@code SHARED_NO_READ_WRITE} and {@code EXCLUSIVE} (everything waits): ACCESS EXCLUSIVE.</li>
 * </ul>
 * A copying {@code ALTER} holds only {@code SHARED_UPGRADABLE}, as online DDL does, but writes wait while it copies
 * rows; the thread's state says when it copies, and the lock is then reported as SHARE.
 */
final class MariaDbLocks implements EngineLocks {

    /** A {@code lock_wait_timeout} this long or longer (the default is a day) protects no traffic: reported as none. */
    static final long NO_TIMEOUT_SECONDS = 3600;

    /**
     * Metadata locks. A copying {@code ALTER} holds only {@code SHARED_UPGRADABLE}, as an online one does, yet
     * writes wait for it while it copies rows: the thread's state ({@code copy to tmp table}) tells, and such a lock is
     * reported as {@code COPYING}. {@code %s} is the condition on the thread's connection id.
     */
    private static final String LOCKS = "select t.processlist_id, m.object_name, case when m.lock_type = 'SHARED_UPGRADABLE'"
            + " and t.processlist_state like 'copy to tmp table%%' then 'COPYING' else m.lock_type end, m.lock_status"
            + " from performance_schema.metadata_locks m join performance_schema.threads t on t.thread_id = m.owner_thread_id"
            + " where m.object_type = 'TABLE' and m.object_schema = database() and t.processlist_id %s";

    private static final MariaDbRiskRules RULES = new MariaDbRiskRules();

    private final MariaDbDialect dialect;
    private final boolean metadataLocks;

    /** @param metadataLocks whether the server records metadata locks in the performance schema */
    MariaDbLocks(MariaDbDialect dialect, boolean metadataLocks) {
        this.dialect = dialect;
        this.metadataLocks = metadataLocks;
    }

    /** Whether lock modes are traced on this server (the performance schema records metadata locks). */
    boolean tracesLockModes() {
        return metadataLocks;
    }

    /** MariaDB's own rules ({@link MariaDbRiskRules}). */
    @Override
    public RiskRuleSet riskRules() {
        return RULES;
    }

    @Override
    public int backendId(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("select connection_id()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public List<ObservedLock> locksOf(Connection observer, Collection<Integer> backends) throws SQLException {
        if (backends.isEmpty() || !metadataLocks) {
            return List.of();
        }
        String ids = backends.stream().map(String::valueOf).collect(Collectors.joining(", "));
        try (Statement st = observer.createStatement();
             ResultSet rs = st.executeQuery(String.format(LOCKS, "in (" + ids + ")"))) {
            return locks(rs);
        }
    }

    private static List<ObservedLock> locks(ResultSet rs) throws SQLException {
        List<ObservedLock> locks = new ArrayList<>();
        while (rs.next()) {
            LockMode mode = mode(rs.getString(3));
            if (mode != null) {
                locks.add(new ObservedLock(rs.getInt(1), rs.getString(2), HeldLock.RelationKind.TABLE, mode,
                        "GRANTED".equalsIgnoreCase(rs.getString(4))));
            }
        }
        return locks;
    }

    /** The PostgreSQL mode that blocks what a metadata lock blocks; null for metadata-only locks that block no traffic. */
    static LockMode mode(String mdlType) {
        return switch (mdlType) {
            case "COPYING" -> LockMode.SHARE;
            case "SHARED_READ" -> LockMode.ACCESS_SHARE;
            case "SHARED_WRITE", "SHARED_WRITE_LOW_PRIO" -> LockMode.ROW_EXCLUSIVE;
            case "SHARED_UPGRADABLE" -> LockMode.SHARE_UPDATE_EXCLUSIVE;
            case "SHARED_NO_WRITE" -> LockMode.SHARE;
            case "SHARED_NO_READ_WRITE", "EXCLUSIVE" -> LockMode.ACCESS_EXCLUSIVE;
            default -> null; // SHARED, SHARED_HIGH_PRIO, INTENTION_EXCLUSIVE: metadata only
        };
    }

    @Override
    public String lockTimeoutQuery() {
        return "select case when @@session.lock_wait_timeout >= " + NO_TIMEOUT_SECONDS
                + " then '0' else concat(@@session.lock_wait_timeout, 's') end";
    }

    @Override
    public SessionState sessionState(Connection connection, Collection<String> watched) throws SQLException {
        List<ObservedLock> locks = List.of();
        if (metadataLocks) {
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery(String.format(LOCKS, "= connection_id()"))) {
                locks = locks(rs);
            }
        }
        String timeout;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("select @@session.lock_wait_timeout")) {
            rs.next();
            long seconds = rs.getLong(1);
            timeout = seconds >= NO_TIMEOUT_SECONDS ? "0" : seconds + "s";
        }
        return new SessionState(locks, storage(connection, watched), timeout);
    }

    /** The InnoDB table id of each watched table: a table rebuilt by {@code ALTER} gets a new one. */
    @Override
    public Map<String, Long> storage(Connection connection, Collection<String> watched) throws SQLException {
        Map<String, Long> storage = new HashMap<>();
        if (watched.isEmpty()) {
            return storage;
        }
        try (PreparedStatement ps = connection.prepareStatement("select name, table_id from information_schema.innodb_sys_tables"
                + " where name like concat(database(), '/%')")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1).substring(rs.getString(1).indexOf('/') + 1);
                    if (watched.contains(table)) {
                        storage.put(table, rs.getLong(2));
                    }
                }
            }
        }
        return storage;
    }

    @Override
    public void cancel(Connection observer, int backend) throws SQLException {
        try (Statement st = observer.createStatement()) {
            st.execute("kill query " + backend);
        }
    }

    /**
     * Row-lock waits from InnoDB ({@code information_schema.innodb_lock_waits}); metadata-lock waits from the
     * performance schema when it records them, else every session of the set with an open InnoDB transaction counts
     * as a holder of a session waiting for a metadata lock (the process list says it waits, not for whom).
     */
    @Override
    public List<Wait> waitsAmong(Connection observer, Collection<Integer> sessions) throws SQLException {
        if (sessions.size() < 2) {
            return List.of();
        }
        String ids = sessions.stream().map(String::valueOf).collect(Collectors.joining(", "));
        String rows = "select r.trx_mysql_thread_id, b.trx_mysql_thread_id from information_schema.innodb_lock_waits lw"
                + " join information_schema.innodb_trx r on r.trx_id = lw.requesting_trx_id"
                + " join information_schema.innodb_trx b on b.trx_id = lw.blocking_trx_id"
                + " where r.trx_mysql_thread_id in (" + ids + ") and b.trx_mysql_thread_id in (" + ids + ")";
        String metadata = metadataLocks
                ? "select distinct wt.processlist_id, ht.processlist_id from performance_schema.metadata_locks w"
                + " join performance_schema.threads wt on wt.thread_id = w.owner_thread_id"
                + " join performance_schema.metadata_locks g on g.object_type = w.object_type"
                + " and g.object_schema = w.object_schema and g.object_name = w.object_name"
                + " and g.lock_status = 'GRANTED' and g.owner_thread_id <> w.owner_thread_id"
                + " join performance_schema.threads ht on ht.thread_id = g.owner_thread_id"
                + " where w.lock_status = 'PENDING' and wt.processlist_id in (" + ids + ") and ht.processlist_id in (" + ids + ")"
                : "select p.id, x.trx_mysql_thread_id from information_schema.processlist p"
                + " join information_schema.innodb_trx x on x.trx_mysql_thread_id <> p.id"
                + " where p.state like 'Waiting for table metadata lock%' and p.id in (" + ids + ")"
                + " and x.trx_mysql_thread_id in (" + ids + ")";
        List<Wait> waits = new ArrayList<>();
        try (Statement st = observer.createStatement(); ResultSet rs = st.executeQuery(rows + " union " + metadata)) {
            while (rs.next()) {
                waits.add(new Wait(rs.getInt(1), rs.getInt(2)));
            }
        }
        return waits;
    }

    @Override
    public String blockers(Connection observer, int backend) throws SQLException {
        String sql = metadataLocks
                ? "select distinct h.processlist_id, h.processlist_command, left(coalesce(h.processlist_info, ''), 80)"
                + " from performance_schema.metadata_locks w"
                + " join performance_schema.threads wt on wt.thread_id = w.owner_thread_id"
                + " join performance_schema.metadata_locks g on g.object_type = w.object_type"
                + " and g.object_schema = w.object_schema and g.object_name = w.object_name"
                + " and g.lock_status = 'GRANTED' and g.owner_thread_id <> w.owner_thread_id"
                + " join performance_schema.threads h on h.thread_id = g.owner_thread_id"
                + " where w.lock_status = 'PENDING' and wt.processlist_id = " + backend
                // without the performance schema: every other session with an open transaction may be the one
                : "select p.id, p.command, left(coalesce(p.info, ''), 80) from information_schema.processlist p"
                + " join information_schema.innodb_trx x on x.trx_mysql_thread_id = p.id where p.id <> " + backend;
        List<String> who = new ArrayList<>();
        try (Statement st = observer.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                who.add("connection " + rs.getLong(1) + " " + rs.getString(2) + ": " + rs.getString(3));
            }
        }
        return String.join("; ", who);
    }

    @Override
    public List<String> probeSession(long statementTimeoutMillis) {
        long seconds = Math.max(1, (statementTimeoutMillis + 999) / 1000);
        return List.of("set session lock_wait_timeout = " + seconds, "set session innodb_lock_wait_timeout = " + seconds,
                "set session max_statement_time = " + seconds);
    }

    @Override
    public String readProbe(String table) {
        return "select * from " + dialect.quote(table) + " limit 1";
    }

    @Override
    public String writeProbe(String table, String column) {
        String c = dialect.quote(column);
        return "update " + dialect.quote(table) + " set " + c + " = " + c + " limit 1";
    }

    @Override
    public String lockingReadProbe(String table) {
        return "select 1 from " + dialect.quote(table) + " limit 1 for update";
    }
}
