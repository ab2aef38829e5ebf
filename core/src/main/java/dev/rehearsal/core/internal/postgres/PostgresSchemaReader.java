package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.internal.timing.Timings;
import dev.rehearsal.core.db.SchemaReader;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Array;
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

    /** The scopes of the catalog rows in parameters 1 and 2 (catalog names, oids), and of their direct dependents. */
    private static final String SCOPES = """
            with touched(classid, objid) as (select c::regclass::oid, o from unnest(?::text[], ?::int8[]) as t(c, o)),
            objs as (
              select classid, objid from touched
              union
              select d.classid, d.objid from pg_depend d join touched t on d.refclassid = t.classid and d.refobjid = t.objid
            )
            select 'c', case when c.relkind in ('i', 'I') then i.indrelid else c.oid end
              from objs o join pg_class c on o.classid = 'pg_class'::regclass and c.oid = o.objid
              left join pg_index i on i.indexrelid = c.oid where c.relkind <> 'c'
            union select 't', c.reltype from objs o join pg_class c on o.classid = 'pg_class'::regclass and c.oid = o.objid
              where c.relkind = 'c'
            union select 'c', a.adrelid from objs o join pg_attrdef a on o.classid = 'pg_attrdef'::regclass and a.oid = o.objid
            union select case when con.conrelid <> 0 then 'c' else 't' end,
                case when con.conrelid <> 0 then con.conrelid else con.contypid end
              from objs o join pg_constraint con on o.classid = 'pg_constraint'::regclass and con.oid = o.objid
            union select 'c', t.tgrelid from objs o join pg_trigger t on o.classid = 'pg_trigger'::regclass and t.oid = o.objid
            union select 'c', p.polrelid from objs o join pg_policy p on o.classid = 'pg_policy'::regclass and p.oid = o.objid
            union select 'c', r.ev_class from objs o join pg_rewrite r on o.classid = 'pg_rewrite'::regclass and r.oid = o.objid
            union select case when ty.typrelid <> 0 and rc.relkind <> 'c' then 'c' else 't' end,
                case when ty.typrelid <> 0 and rc.relkind <> 'c' then ty.typrelid
                     when ty.typcategory = 'A' and ty.typelem <> 0 then ty.typelem else ty.oid end
              from objs o join pg_type ty on o.classid = 'pg_type'::regclass and ty.oid = o.objid
              left join pg_class rc on rc.oid = ty.typrelid
            union select 'p', o.objid from objs o where o.classid = 'pg_proc'::regclass
            union select 'n', o.objid from objs o where o.classid = 'pg_namespace'::regclass
            union select 'e', o.objid from objs o where o.classid = 'pg_extension'::regclass""";

    private static final Map<String, Character> SCOPE_CATALOGS = Map.of("pg_class", ScopedObjects.RELATION,
            "pg_type", ScopedObjects.TYPE, "pg_proc", ScopedObjects.ROUTINE, "pg_namespace", ScopedObjects.NAMESPACE,
            "pg_extension", ScopedObjects.EXTENSION);

    /** The catalog of the row that is each kind of scope itself. */
    private static final Map<Character, String> SCOPE_ROOTS = SCOPE_CATALOGS.entrySet().stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

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
            List<PostgresDdlLog.Entry> entries;
            try (Timings.Timer ignored = Timings.time("schema.log")) {
                entries = PostgresDdlLog.drain(connection);
                if (entries.isEmpty()) {
                    return lastSnapshot;
                }
                scopes = scopes(entries);
            }
            if (scopes == null) {
                return readFull();
            }
            try (Timings.Timer ignored = Timings.time("schema.catalog")) {
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
        try (Timings.Timer ignored = Timings.time("schema.full")) {
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
    private Set<String> scopes(List<PostgresDdlLog.Entry> entries) throws SQLException {
        Set<String> scopes = new LinkedHashSet<>();
        List<String> catalogs = new ArrayList<>();
        List<Long> oids = new ArrayList<>();
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
            } else if (e.oid() != 0) {
                catalogs.add(e.catalog());
                oids.add(e.oid());
            }
        }
        if (!oids.isEmpty()) {
            try (PreparedStatement ps = connection.prepareStatement(SCOPES)) {
                Array c = connection.createArrayOf("text", catalogs.toArray());
                Array o = connection.createArrayOf("int8", oids.toArray());
                ps.setArray(1, c);
                ps.setArray(2, o);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        scopes.add(ScopedObjects.scope(rs.getString(1).charAt(0), rs.getLong(2)));
                    }
                }
            }
        }
        Set<String> linked = new LinkedHashSet<>();
        scopes.forEach(scope -> linked.addAll(last.linked(scope)));
        scopes.addAll(linked);
        return scopes;
    }
}
