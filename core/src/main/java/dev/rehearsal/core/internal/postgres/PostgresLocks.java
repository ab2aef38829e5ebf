package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.EngineLocks;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import dev.rehearsal.core.internal.locks.RiskRules;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.RiskRuleSet;
import org.postgresql.PGConnection;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** Locks from {@code pg_locks}, rewrites from {@code pg_class.relfilenode}, probes as plain SQL. */
final class PostgresLocks implements EngineLocks {

    /**
     * PostgreSQL's rules ({@link RiskRules}: CONCURRENTLY, NOT VALID, lock_timeout, rewrites, lock upgrades...), and
     * the scripts' atomicity, naming the statement that cannot run in a transaction.
     */
    @Override
    public RiskRuleSet riskRules() {
        return (facts, allowed) -> {
            List<LockRisk> risks = new ArrayList<>(RiskRules.evaluate(facts, allowed));
            risks.addAll(AtomicityRisks.evaluate(facts, allowed, PostgresDialect::neverInTransaction));
            return risks;
        };
    }

    private static final String USER_RELATION = "n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', '"
            + PostgresDdlLog.SCHEMA + "')"
            + " and n.nspname not like 'pg\\_temp\\_%' and n.nspname not like 'pg\\_toast\\_temp\\_%'";
    private static final String LOCKS = "select l.pid, n.nspname, c.relname, c.relkind::text, l.mode, l.granted"
            + " from pg_locks l join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace"
            + " where l.locktype = 'relation' and " + USER_RELATION;
    private static final String STORAGE = "select n.nspname, c.relname, c.relfilenode from pg_class c"
            + " join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'm', 't') and " + USER_RELATION;

    /** The oids of the tables named in parameter 1 (a text array); names that resolve to nothing are skipped. */
    private static final String WATCHED = "select to_regclass(t) from unnest(?::text[]) t";

    private final PostgresDialect dialect;

    PostgresLocks(PostgresDialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public int backendId(Connection connection) throws SQLException {
        return connection.unwrap(PGConnection.class).getBackendPID();
    }

    @Override
    public List<ObservedLock> locksOf(Connection observer, Collection<Integer> backends) throws SQLException {
        if (backends.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = ServerPrepared.statement(observer, LOCKS + " and l.pid = any(?)")) {
            Array pids = observer.createArrayOf("int4", backends.toArray());
            ps.setArray(1, pids);
            try (ResultSet rs = ps.executeQuery()) {
                return locks(rs);
            }
        }
    }

    private static List<ObservedLock> locks(ResultSet rs) throws SQLException {
        List<ObservedLock> locks = new ArrayList<>();
        while (rs.next()) {
            String mode = rs.getString(5);
            if (!mode.endsWith("Lock") || mode.equals("SIReadLock")) {
                continue;
            }
            locks.add(new ObservedLock(rs.getInt(1), name(rs.getString(2), rs.getString(3)), kind(rs.getString(4)),
                    LockMode.fromPgName(mode), rs.getBoolean(6)));
        }
        return locks;
    }

    /**
     * One round trip: locks ('L'), the storage file of each watched table ('S', by its position in the list), the
     * lock timeout and the write-ahead log position ('T'). It runs inside the migration's transaction after each
     * of its statements, so it must not fail (missing tables resolve to NULL through {@code to_regclass}) and it
     * must be cheap: the storage part asks {@code pg_relation_filenode} per name rather than joining the catalog,
     * which saves about a quarter of the query's server time (measured with a table created before each call).
     */
    private static final String SESSION_STATE = "select 'L', l.pid, n.nspname, c.relname, c.relkind::text, l.mode,"
            + " l.granted, null::bigint"
            + " from pg_locks l join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace"
            + " where l.locktype = 'relation' and l.pid = pg_backend_pid() and l.relation >= 16384 and " + USER_RELATION
            + " union all select 'S', w.i::int, null, null, null, null, null, pg_relation_filenode(to_regclass(w.t))::bigint"
            + " from unnest(?::text[]) with ordinality w(t, i)"
            + " union all select 'T', null, null, null, null, current_setting('lock_timeout'), null,"
            + " (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint";

    @Override
    public String lockTimeoutQuery() {
        return "select current_setting('lock_timeout')";
    }

    @Override
    public SessionState sessionState(Connection connection, Collection<String> watched) throws SQLException {
        List<ObservedLock> locks = new ArrayList<>();
        Map<String, Long> storage = new HashMap<>();
        List<String> names = List.copyOf(watched);
        String timeout = null;
        OptionalLong wal = OptionalLong.empty();
        try (PreparedStatement st = ServerPrepared.statement(connection, SESSION_STATE)) {
            st.setArray(1, connection.createArrayOf("text", names.stream().map(dialect::quote).toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    switch (rs.getString(1)) {
                        case "L" -> {
                            String mode = rs.getString(6);
                            if (mode.endsWith("Lock") && !mode.equals("SIReadLock")) {
                                locks.add(new ObservedLock(rs.getInt(2), name(rs.getString(3), rs.getString(4)),
                                        kind(rs.getString(5)), LockMode.fromPgName(mode), rs.getBoolean(7)));
                            }
                        }
                        case "S" -> {
                            long file = rs.getLong(8);
                            if (!rs.wasNull()) {
                                storage.put(names.get(rs.getInt(2) - 1), file);
                            }
                        }
                        default -> {
                            timeout = rs.getString(6);
                            wal = OptionalLong.of(rs.getLong(8));
                        }
                    }
                }
            }
        }
        return new SessionState(locks, storage, timeout, wal);
    }

    /**
     * One round trip on the observer, which holds no locks: each watched table's storage file and whether it holds no
     * rows for certain ('S', by position: an ordinary or partitioned table for which
     * {@link PostgresFingerprints#MAY_HOLD_ROWS} is false), and the write-ahead log position ('T').
     */
    private static final String STARTING_POINT = "select 'S', w.i::int, pg_relation_filenode(r.oid)::bigint,"
            + " r.relkind in ('r', 'p') and not " + PostgresFingerprints.MAY_HOLD_ROWS.formatted("r.oid")
            + " from unnest(?::text[]) with ordinality w(t, i) left join pg_class r on r.oid = to_regclass(w.t)"
            + " union all select 'T', null, (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint, null";

    @Override
    public StartingPoint startingPoint(Connection observer, Collection<String> watched) throws SQLException {
        Map<String, Long> storage = new HashMap<>();
        Set<String> withoutRows = new HashSet<>();
        OptionalLong wal = OptionalLong.empty();
        List<String> names = List.copyOf(watched);
        try (PreparedStatement st = ServerPrepared.lookups(observer, STARTING_POINT)) {
            st.setArray(1, observer.createArrayOf("text", names.stream().map(dialect::quote).toArray()));
            try (ResultSet rs = ServerPrepared.rows(st)) {
                while (rs.next()) {
                    if ("T".equals(rs.getString(1))) {
                        wal = OptionalLong.of(rs.getLong(3));
                        continue;
                    }
                    String name = names.get(rs.getInt(2) - 1);
                    long file = rs.getLong(3);
                    if (!rs.wasNull()) {
                        storage.put(name, file);
                    }
                    if (rs.getBoolean(4)) {
                        withoutRows.add(name);
                    }
                }
            }
        }
        return new StartingPoint(storage, wal, withoutRows);
    }

    @Override
    public Map<String, Long> storage(Connection connection, Collection<String> watched) throws SQLException {
        Map<String, Long> storage = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(STORAGE + " and c.oid in (" + WATCHED + ")")) {
            ps.setArray(1, connection.createArrayOf("text", watched.stream().map(dialect::quote).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    storage.put(name(rs.getString(1), rs.getString(2)), rs.getLong(3));
                }
            }
        }
        return storage;
    }

    @Override
    public void cancel(Connection observer, int backend) throws SQLException {
        try (PreparedStatement ps = observer.prepareStatement("select pg_cancel_backend(?)")) {
            ps.setInt(1, backend);
            ps.execute();
        }
    }

    /** {@code pg_blocking_pids} covers relation, tuple and transaction locks, and the lock queue order. */
    @Override
    public List<Wait> waitsAmong(Connection observer, Collection<Integer> sessions) throws SQLException {
        if (sessions.size() < 2) {
            return List.of();
        }
        try (PreparedStatement ps = observer.prepareStatement("select w, h from unnest(?::int4[]) w,"
                + " unnest(pg_blocking_pids(w)) h where h = any(?::int4[])")) {
            Array ids = observer.createArrayOf("int4", sessions.toArray());
            ps.setArray(1, ids);
            ps.setArray(2, ids);
            List<Wait> waits = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    waits.add(new Wait(rs.getInt(1), rs.getInt(2)));
                }
            }
            return waits;
        }
    }

    @Override
    public String blockers(Connection observer, int backend) throws SQLException {
        try (PreparedStatement ps = observer.prepareStatement("select b.pid, b.application_name, b.state,"
                + " left(b.query, 80) from pg_stat_activity b where b.pid = any(pg_blocking_pids(?))")) {
            ps.setInt(1, backend);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> who = new ArrayList<>();
                while (rs.next()) {
                    who.add("pid " + rs.getInt(1) + (rs.getString(2).isEmpty() ? "" : " (" + rs.getString(2) + ")")
                            + " " + rs.getString(3) + ": " + rs.getString(4));
                }
                return String.join("; ", who);
            }
        }
    }

    /**
     * Probes lose deadlocks: their short {@code deadlock_timeout} makes them, not the migration, detect and abort. The
     * same sessions observe the migration, and they plan their parameterized queries once
     * ({@code plan_cache_mode = force_generic_plan}, PostgreSQL 12 on): with the default, the starting point of each
     * trace ({@link #STARTING_POINT}) was planned again for every list of table names, at each phase. Its generic plan looks each name up by oid
     * ({@link ServerPrepared#lookups}): left to itself, the planner hashed the whole of {@code pg_class} for it. The
     * probes' statements carry no parameters, so their plans do not change.
     */
    @Override
    public List<String> probeSession(long statementTimeoutMillis) {
        return List.of("set application_name = 'rehearsal-probe'", "set lock_timeout = 0",
                "set statement_timeout = " + statementTimeoutMillis,
                "do $$ begin"
                        + " begin set deadlock_timeout = '20ms'; exception when insufficient_privilege then null; end;"
                        + " begin set plan_cache_mode = force_generic_plan; exception when undefined_object then null; end;"
                        + " end $$");
    }

    @Override
    public String readProbe(String table) {
        return "select * from " + dialect.quote(table) + " limit 1";
    }

    @Override
    public String writeProbe(String table, String column) {
        String t = dialect.quote(table);
        String c = dialect.quote(column);
        return "update " + t + " set " + c + " = " + c + " where ctid = (select ctid from " + t + " limit 1)";
    }

    @Override
    public String lockingReadProbe(String table) {
        return "select 1 from " + dialect.quote(table) + " limit 1 for update";
    }

    private static String name(String schema, String relation) {
        return "public".equals(schema) ? relation : schema + "." + relation;
    }

    private static HeldLock.RelationKind kind(String relkind) {
        return switch (relkind) {
            case "r", "p", "t", "f" -> HeldLock.RelationKind.TABLE;
            case "i", "I" -> HeldLock.RelationKind.INDEX;
            case "S" -> HeldLock.RelationKind.SEQUENCE;
            case "v" -> HeldLock.RelationKind.VIEW;
            case "m" -> HeldLock.RelationKind.MATERIALIZED_VIEW;
            default -> HeldLock.RelationKind.OTHER;
        };
    }

    @Override
    public OptionalLong walPosition(Connection observer) throws SQLException {
        return dialect.writeAheadLogPosition(observer);
    }
}
