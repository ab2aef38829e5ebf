package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.SchemaReader;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Schema reads that cost what the migration changed, not what the schema holds. The first read is a full one; after
 * it, the {@link PostgresDdlLog DDL log} says which catalog rows the commands since then created, changed or dropped.
 * Each is mapped to its scope (the table an index, constraint, trigger, rule, policy or default belongs to; a type,
 * routine, schema or extension itself), as are the objects that depend on it directly ({@code pg_depend}), since a
 * rename shows in their definitions (a foreign key naming a renamed table, a view, a column of a renamed type, a
 * default calling a renamed sequence). Only those scopes are read again and replace their part of the last snapshot.
 * A part-way failure, or a script with a statement the log does not see, makes the next read a full one.
 */
final class PostgresSchemaReader implements SchemaReader {

    /** Statements that change what a snapshot records without firing an event trigger (indisclustered, indisvalid). */
    private static final Pattern UNLOGGED = Pattern.compile("(?i)\\b(CLUSTER|REINDEX)\\b");

    /**
     * Drains the DDL log and, in the same round trip, finds the scopes of the catalog rows it names as created or
     * changed, and of their direct dependents: rows {@code 'L'} are the log's entries (catalog, oid, dropped), rows
     * {@code 'S'} the scopes (kind, oid). The scopes are computed even where the entries will call for a full read
     * instead; that costs less than a second round trip on every patched read. Each catalog row is looked up by its
     * oid, whatever the planner guesses of the log's size: a {@code lateral} subquery alone was pulled up into a join,
     * and with the log's default estimate (2,200 rows) the plan merged the whole of {@code pg_depend}'s index with the
     * log and hashed all of {@code pg_constraint}, {@code pg_trigger} and {@code pg_attrdef}: a cost that grows with
     * the schema. {@code offset 0} keeps each subquery a lookup per logged row, so no join can read a catalog whole;
     * running it through {@link ServerPrepared#lookups} keeps each lookup on its index, which
     * the plan the session keeps, made while the catalogs were a few pages, did not.
     */
    private static final String DRAIN_WITH_SCOPES = """
            with drained as (delete from %s.log returning classid, objid, dropped),
            touched as (select distinct classid, objid from drained where not dropped and classid <> 0 and objid <> 0),
            objs as (
              select classid, objid from touched
              union
              select d.classid, d.objid from touched t
                cross join lateral (select classid, objid from pg_depend d where d.refclassid = t.classid and d.refobjid = t.objid offset 0) d
            ),
            scopes(kind, oid) as (
              select 'c', case when c.relkind in ('i', 'I') then i.indrelid else c.oid end
                from objs o cross join lateral (select c.oid, c.relkind from pg_class c where c.oid = o.objid offset 0) c
                left join lateral (select i.indrelid from pg_index i where i.indexrelid = c.oid offset 0) i on true
                where o.classid = 'pg_class'::regclass and c.relkind <> 'c'
              union select 't', c.reltype from objs o cross join lateral (select c.reltype, c.relkind from pg_class c where c.oid = o.objid offset 0) c
                where o.classid = 'pg_class'::regclass and c.relkind = 'c'
              union select 'c', a.adrelid from objs o cross join lateral (select a.adrelid from pg_attrdef a where a.oid = o.objid offset 0) a
                where o.classid = 'pg_attrdef'::regclass
              union select case when con.conrelid <> 0 then 'c' else 't' end,
                  case when con.conrelid <> 0 then con.conrelid else con.contypid end
                from objs o cross join lateral (select con.conrelid, con.contypid from pg_constraint con where con.oid = o.objid offset 0) con
                where o.classid = 'pg_constraint'::regclass
              union select 'c', t.tgrelid from objs o cross join lateral (select t.tgrelid from pg_trigger t where t.oid = o.objid offset 0) t
                where o.classid = 'pg_trigger'::regclass
              union select 'c', p.polrelid from objs o cross join lateral (select p.polrelid from pg_policy p where p.oid = o.objid offset 0) p
                where o.classid = 'pg_policy'::regclass
              union select 'c', r.ev_class from objs o cross join lateral (select r.ev_class from pg_rewrite r where r.oid = o.objid offset 0) r
                where o.classid = 'pg_rewrite'::regclass
              union select case when ty.typrelid <> 0 and rc.relkind <> 'c' then 'c' else 't' end,
                  case when ty.typrelid <> 0 and rc.relkind <> 'c' then ty.typrelid
                       when ty.typcategory = 'A' and ty.typelem <> 0 then ty.typelem else ty.oid end
                from objs o cross join lateral (select ty.oid, ty.typrelid, ty.typcategory, ty.typelem from pg_type ty where ty.oid = o.objid offset 0) ty
                left join lateral (select rc.relkind from pg_class rc where rc.oid = ty.typrelid offset 0) rc on true
                where o.classid = 'pg_type'::regclass
              union select 'p', o.objid from objs o where o.classid = 'pg_proc'::regclass
              union select 'n', o.objid from objs o where o.classid = 'pg_namespace'::regclass
              union select 'e', o.objid from objs o where o.classid = 'pg_extension'::regclass
            )
            select 'L', classid::regclass::text, objid::bigint, dropped from drained
            union all
            select 'S', kind, oid::bigint, null from scopes""".formatted(PostgresDdlLog.SCHEMA);

    private static final Map<String, Character> SCOPE_CATALOGS = Map.of("pg_class", ScopedObjects.RELATION,
            "pg_type", ScopedObjects.TYPE, "pg_proc", ScopedObjects.ROUTINE, "pg_namespace", ScopedObjects.NAMESPACE,
            "pg_extension", ScopedObjects.EXTENSION);

    /** The catalog of the row that is each kind of scope itself. */
    private static final Map<Character, String> SCOPE_ROOTS = SCOPE_CATALOGS.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    private final Connection connection;
    private final Set<String> excludedTables;
    private final String fullReadsOnly;
    private ScopedObjects last;
    private SchemaSnapshot lastSnapshot;

    PostgresSchemaReader(Connection connection, Set<String> excludedTables) throws SQLException {
        this.connection = connection;
        this.excludedTables = excludedTables;
        this.fullReadsOnly = PostgresDdlLog.install(connection);
        genericPlans(connection);
    }

    /**
     * Makes the reader's own session plan its parameterized catalog queries once: with PostgreSQL's default
     * ({@code plan_cache_mode = auto}) the trigger and rule queries of every scoped read were planned again for the
     * oids bound (0.32 ms each in the server's statement log, 0.04-0.05 ms with their generic plan), and a generic plan
     * over a handful of oids is the same index lookups. The session only reads the catalog. Before PostgreSQL 12
     * there is no such setting, and the default stays.
     */
    private static void genericPlans(Connection connection) throws SQLException {
        if (connection.getMetaData().getDatabaseMajorVersion() >= 12) {
            try (Statement st = connection.createStatement()) {
                st.execute("set plan_cache_mode = force_generic_plan");
            }
        }
    }

    /*
     * A template copy keeps the catalog's OIDs and the DDL log's rows as they were, so the log entries since the last
     * read describe the copy's changes as well as the original's.
     */
    @Override
    public SchemaReader resumeOn(Connection other) throws SQLException {
        PostgresSchemaReader resumed = new PostgresSchemaReader(other, excludedTables);
        if (resumed.fullReadsOnly == null && last != null) {
            resumed.last = last.copy();
            resumed.lastSnapshot = lastSnapshot;
        }
        return resumed;
    }

    @Override
    public SchemaSnapshot read() throws SQLException {
        if (fullReadsOnly != null || last == null) {
            return readFull();
        }
        try {
            Set<String> scopes;
            List<PostgresDdlLog.Entry> entries = new ArrayList<>();
            try (ComponentTiming ignored = ComponentTiming.time("schema.log")) {
                Set<String> changed = drainWithScopes(entries);
                if (entries.isEmpty()) {
                    return lastSnapshot;
                }
                scopes = scopes(entries, changed);
            }
            if (scopes == null) {
                return readFull();
            }
            try (ComponentTiming ignored = ComponentTiming.time("schema.catalog")) {
                Set<String> gone = gone(scopes, entries);
                Map<Character, Set<Long>> only = new HashMap<>();
                for (String scope : scopes) {
                    if (!gone.contains(scope)) {
                        only.computeIfAbsent(scope.charAt(0), k -> new LinkedHashSet<>()).add(Long.parseLong(scope.substring(2)));
                    }
                }
                ScopedObjects fresh = only.isEmpty() ? new ScopedObjects()
                        : new PostgresCatalogReader(connection, excludedTables, only).readScoped();
                last.replace(scopes, fresh);
                lastSnapshot = last.snapshot();
                return lastSnapshot;
            }
        } catch (SQLException | RuntimeException e) {
            forget();
            throw e;
        }
    }

    @Override
    public SchemaSnapshot readFull() throws SQLException {
        try (ComponentTiming ignored = ComponentTiming.time("schema.full")) {
            return readAll();
        }
    }

    private SchemaSnapshot readAll() throws SQLException {
        last = null;
        if (fullReadsOnly == null) {
            PostgresDdlLog.drain(connection);
        }
        ScopedObjects all = new PostgresCatalogReader(connection, excludedTables, null).readScoped();
        lastSnapshot = all.snapshot();
        last = fullReadsOnly == null ? all : null;
        return lastSnapshot;
    }

    @Override
    public void ran(List<String> scripts) {
        if (scripts.stream().anyMatch(s -> UNLOGGED.matcher(s).find())) {
            forget();
        }
    }

    @Override
    public void forget() {
        last = null;
        lastSnapshot = null;
    }

    @Override
    public String fullReadsOnly() {
        return fullReadsOnly;
    }

    @Override
    public String fallback() {
        return fullReadsOnly;
    }

    /**
     * The scopes whose own catalog row (the table's {@code pg_class} row, the type's, the routine's, the schema's or the
     * extension's) the log says was dropped: everything filed under them went with it, and the server does not hand
     * out a dropped oid again, so they are known to be empty without a query. A down script that drops what its up
     * created then costs no catalog read at all; a drop that reaches into another scope (a foreign key, a view, a
     * default that went with {@code CASCADE}) still has that scope read again.
     */
    private static Set<String> gone(Set<String> scopes, List<PostgresDdlLog.Entry> entries) {
        Set<String> droppedRows = new HashSet<>();
        for (PostgresDdlLog.Entry e : entries) {
            if (e.dropped()) {
                droppedRows.add(ScopedObjects.member(e.catalog(), e.oid()));
            }
        }
        Set<String> gone = new HashSet<>();
        for (String scope : scopes) {
            String catalog = SCOPE_ROOTS.get(scope.charAt(0));
            if (catalog != null && droppedRows.contains(ScopedObjects.member(catalog, Long.parseLong(scope.substring(2))))) {
                gone.add(scope);
            }
        }
        return gone;
    }

    /**
     * The scopes to read again: those of the dropped rows (from the last read), of the others and their dependents,
     * and the partitions and children the last read linked to any of them (a detached partition no longer depends
     * on its parent, but its definition changed). Null when the log holds a change it could not describe.
     */
    /**
     * Drains the DDL log into {@code entries}, in one round trip with the scopes of what they name as created or
     * changed, and their direct dependents' (returned).
     */
    private Set<String> drainWithScopes(List<PostgresDdlLog.Entry> entries) throws SQLException {
        Set<String> changed = new LinkedHashSet<>();
        // prepared, so that the server plans it once per session, not on every read
        try (PreparedStatement st = ServerPrepared.lookups(connection, DRAIN_WITH_SCOPES);
             ResultSet rs = ServerPrepared.rows(st)) {
            while (rs.next()) {
                if ("L".equals(rs.getString(1))) {
                    entries.add(new PostgresDdlLog.Entry(rs.getString(2), rs.getLong(3), rs.getBoolean(4)));
                } else {
                    changed.add(ScopedObjects.scope(rs.getString(2).charAt(0), rs.getLong(3)));
                }
            }
        }
        return changed;
    }

    /**
     * The scopes a patched read must read again: {@code changed} (what the log names as created or changed, and their
     * dependents), those of dropped rows, and the scopes linked to any of them; null when only a full read will do.
     */
    private Set<String> scopes(List<PostgresDdlLog.Entry> entries, Set<String> changed) {
        Set<String> scopes = new LinkedHashSet<>();
        for (PostgresDdlLog.Entry e : entries) {
            if (e.unknown() || !e.dropped() && "pg_namespace".equals(e.catalog())) {
                // a renamed schema changes the definitions of objects two steps away (a view on a table in it)
                return null;
            }
            if (e.dropped()) {
                String known = last.scopeOfMember(ScopedObjects.member(e.catalog(), e.oid()));
                Character kind = SCOPE_CATALOGS.get(e.catalog());
                if (known != null) {
                    scopes.add(known);
                } else if (kind != null) {
                    scopes.add(ScopedObjects.scope(kind, e.oid()));
                }
            }
        }
        scopes.addAll(changed);
        Set<String> linked = new LinkedHashSet<>();
        scopes.forEach(scope -> linked.addAll(last.linked(scope)));
        scopes.addAll(linked);
        return scopes;
    }
}
