package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.internal.sql.CatalogRows;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaFacts;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link SchemaSnapshot} from {@code pg_catalog}. Objects that belong to extensions, system schemas,
 * owners and privileges are left out; so are the excluded tables (the migration tool's history) and everything
 * that hangs off them.
 */
final class PostgresCatalogReader {

    private final Connection connection;
    private final CatalogRows rows;
    private final Set<String> excludedTables;
    private final Map<Character, Set<Long>> only;
    private final ScopedObjects objects = new ScopedObjects();
    private final List<CatalogRows.Query> pending = new ArrayList<>();

    /** Reads the whole schema. */
    PostgresCatalogReader(Connection connection, Set<String> excludedTables) {
        this(connection, excludedTables, null);
    }

    /**
     * Reads only the scopes in {@code only} (oids by scope kind, see {@link ScopedObjects}), or everything when it is
     * null.
     */
    PostgresCatalogReader(Connection connection, Set<String> excludedTables, Map<Character, Set<Long>> only) {
        this.connection = connection;
        // a scoped read looks its rows up by oid; a full read scans the catalogs, as it should
        this.rows = only == null ? new CatalogRows(connection, ServerPrepared::statement)
                : new CatalogRows(connection, ServerPrepared::lookups, ServerPrepared.LOOKUP_RESULTS);
        this.excludedTables = excludedTables;
        this.only = only;
    }

    SchemaSnapshot read() throws SQLException {
        return readScoped().snapshot();
    }

    /** The objects read, filed by scope. */
    ScopedObjects readScoped() throws SQLException {
        schemas();
        extensions();
        types();
        relations();
        columns();
        constraints();
        indexes();
        new PostgresCodeReader(this).read();
        rows.queryAll(pending);
        return objects;
    }

    /**
     * Runs a catalog query over the objects of one kind of scope: all of them, or only the scopes asked for (when
     * none of that kind was asked for, the query does not run). {@code scopeColumn} is the oid that names the scope.
     */
    void query(char scopeKind, String scopeColumn, String sql, String orderBy, CatalogRows.RowHandler handler)
            throws SQLException {
        if (only == null) {
            rows.query(sql + (orderBy == null ? "" : " " + orderBy), handler);
            return;
        }
        Set<Long> oids = only.get(scopeKind);
        if (oids == null || oids.isEmpty()) {
            return;
        }
        // one text for any set of scopes, so that the server plans each query once per connection, not per read;
        // all of a read's scoped queries go to the server together, in one round trip
        pending.add(new CatalogRows.Query(sql + " and " + scopeColumn + " = any(?::oid[])"
                + (orderBy == null ? "" : " " + orderBy), connection.createArrayOf("int8", oids.toArray()), handler));
    }

    /** Records one object under its scope; {@code member} is the catalog row it comes from, or null. */
    void add(String scope, String member, ObjectKind kind, String name, String table, String summary,
             SchemaFacts facts) {
        objects.add(scope, new SchemaObject(kind, name, table, summary, facts.asMap()));
        if (member != null) {
            objects.member(member, scope);
        }
    }

    /** {@code CREATE UNIQUE INDEX x ...} as {@code unique index x ...}, {@code CREATE INDEX x} as {@code index x}. */
    private static String lowerCaseIndex(String def) {
        String s = def.startsWith("CREATE ") ? def.substring("CREATE ".length()) : def;
        return s.startsWith("UNIQUE INDEX") ? "unique index" + s.substring("UNIQUE INDEX".length())
                : s.startsWith("INDEX") ? "index" + s.substring("INDEX".length()) : s;
    }

    private boolean excluded(String table) {
        return excludedTables.contains(table);
    }

    /**
     * Whether a table is the migration tool's own: named alone ({@code flyway_schema_history}, in any schema) or with
     * its schema ({@code sqitch.changes}, where a bare name would hide the team's own {@code changes} table).
     */
    boolean excluded(String schema, String table) {
        return excludedTables.contains(table) || excludedTables.contains(schema + "." + table);
    }

    private static final String SCHEMAS = "select n.oid, n.nspname, " + CatalogSql.comment("n.oid", "pg_namespace", "0") + " as comment"
                + " from pg_namespace n where " + CatalogSql.USER_SCHEMA.formatted("n") + " and "
                + CatalogSql.NOT_EXTENSION_MEMBER.formatted("pg_namespace", "n.oid");

    private void schemas() throws SQLException {
        query(ScopedObjects.NAMESPACE, "n.oid", SCHEMAS, null, rs -> {
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.COMMENT, rs.getString("comment"));
            add(ScopedObjects.scope(ScopedObjects.NAMESPACE, rs.getLong("oid")), null, ObjectKind.SCHEMA, rs.getString("nspname"), null, "schema " + rs.getString("nspname"), a);
        });
    }

    private static final String EXTENSIONS = "select e.oid, e.extname, n.nspname, e.extversion from pg_extension e"
                + " join pg_namespace n on n.oid = e.extnamespace where e.extname <> 'plpgsql'";

    private void extensions() throws SQLException {
        query(ScopedObjects.EXTENSION, "e.oid", EXTENSIONS, null, rs -> {
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.SCHEMA, rs.getString("nspname"));
            a.put(SchemaFact.VERSION, rs.getString("extversion"));
            add(ScopedObjects.scope(ScopedObjects.EXTENSION, rs.getLong("oid")), null, ObjectKind.EXTENSION, rs.getString("extname"), null, "extension " + rs.getString("extname"), a);
        });
    }

    private static final String TYPES = """
                select t.oid, t.typrelid, n.nspname, t.typname, t.typtype, %s as comment,
                  (select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder)
                     from pg_enum e where e.enumtypid = t.oid) as labels,
                  (select string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
                     from pg_attribute a where t.typtype = 'c' and a.attrelid = t.typrelid and a.attnum > 0
                     and not a.attisdropped) as attrs,
                  case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as base,
                  t.typnotnull, t.typdefault,
                  (select string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid, true), '; ' order by c.conname)
                     from pg_constraint c where c.contypid = t.oid) as checks,
                  (select format_type(r.rngsubtype, null) from pg_range r where r.rngtypid = t.oid) as subtype
                from pg_type t join pg_namespace n on n.oid = t.typnamespace
                where (t.typtype in ('e', 'd', 'r')
                       or (t.typtype = 'c' and (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c'))
                  and""".formatted(CatalogSql.comment("t.oid", "pg_type", "0")) + " " + CatalogSql.USER_SCHEMA.formatted("n") + " and "
                + CatalogSql.NOT_EXTENSION_MEMBER.formatted("pg_type", "t.oid");

    private void types() throws SQLException {
        query(ScopedObjects.TYPE, "t.oid", TYPES,
                null, rs -> {
            String name = CatalogSql.qualify(rs.getString("nspname"), rs.getString("typname"));
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.COMMENT, rs.getString("comment"));
            String summary;
            switch (rs.getString("typtype")) {
                case "e" -> {
                    a.put(SchemaFact.KIND, "enum");
                    a.put(SchemaFact.LABELS, rs.getString("labels"));
                    summary = "enum type " + name + " (" + rs.getString("labels") + ")";
                }
                case "c" -> {
                    a.put(SchemaFact.KIND, "composite");
                    a.put(SchemaFact.ATTRIBUTES, rs.getString("attrs"));
                    summary = "composite type " + name + " (" + rs.getString("attrs") + ")";
                }
                case "d" -> {
                    a.put(SchemaFact.KIND, "domain");
                    a.put(SchemaFact.BASE, rs.getString("base"));
                    a.put(SchemaFact.NOT_NULL, String.valueOf(rs.getBoolean("typnotnull")));
                    a.put(SchemaFact.DEFAULT, rs.getString("typdefault"));
                    a.put(SchemaFact.CHECKS, rs.getString("checks"));
                    summary = "domain " + name + " " + rs.getString("base");
                }
                default -> {
                    a.put(SchemaFact.KIND, "range");
                    a.put(SchemaFact.SUBTYPE, rs.getString("subtype"));
                    summary = "range type " + name + " of " + rs.getString("subtype");
                }
            }
            long relation = rs.getLong("typrelid");
            add(ScopedObjects.scope(ScopedObjects.TYPE, rs.getLong("oid")),
                    relation == 0 ? null : ScopedObjects.member("pg_class", relation), ObjectKind.TYPE, name, null, summary, a);
        });
    }

    private static final String RELATIONS = """
                select c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity,
                  %s as comment, array_to_string(c.reloptions, ', ') as options,
                  case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid, true) end as viewdef,
                  case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partkey,
                  case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as partbound,
                  (select string_agg(pn.nspname || '.' || pc.relname, ', ' order by i.inhseqno) from pg_inherits i
                     join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
                     where i.inhrelid = c.oid) as parents,
                  (select array_agg(i.inhparent) from pg_inherits i where i.inhrelid = c.oid) as parent_oids,
                  format_type(s.seqtypid, null) as seqtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                  s.seqcache, s.seqcycle,
                  (select ot.relname || '.' || oa.attname from pg_depend d
                     join pg_class ot on ot.oid = d.refobjid
                     join pg_attribute oa on oa.attrelid = d.refobjid and oa.attnum = d.refobjsubid
                     where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.refobjsubid > 0
                       and d.deptype in ('a', 'i') limit 1) as owned_by,
                  (select ot.relname from pg_depend d join pg_class ot on ot.oid = d.refobjid
                     where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.refobjsubid > 0
                       and d.deptype in ('a', 'i') limit 1) as owner_table
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                left join pg_sequence s on s.seqrelid = c.oid
                where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and""".formatted(CatalogSql.comment("c.oid", "pg_class", "0"))
                + " " + CatalogSql.USER_SCHEMA.formatted("n")
                + " and " + CatalogSql.NOT_EXTENSION_MEMBER.formatted("pg_class", "c.oid");

    private void relations() throws SQLException {
        query(ScopedObjects.RELATION, "c.oid", RELATIONS, null, rs -> {
            String relname = rs.getString("relname");
            String scope = ScopedObjects.scope(ScopedObjects.RELATION, rs.getLong("oid"));
            Array parentOids = rs.getArray("parent_oids");
            if (parentOids != null) {
                for (Object parent : (Object[]) parentOids.getArray()) {
                    objects.link(scope, ScopedObjects.scope(ScopedObjects.RELATION, ((Number) parent).longValue()));
                }
            }
            String ownerTable = rs.getString("owner_table");
            String schema = rs.getString("nspname");
            if (excluded(schema, relname) || (ownerTable != null && excluded(schema, ownerTable))) {
                return;
            }
            String name = CatalogSql.qualify(rs.getString("nspname"), relname);
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.COMMENT, rs.getString("comment"));
            a.put(SchemaFact.OPTIONS, CatalogRows.emptyToNull(rs.getString("options")));
            String kind = rs.getString("relkind");
            switch (kind) {
                case "v" -> {
                    a.put(SchemaFact.DEFINITION, rs.getString("viewdef"));
                    add(scope, null, ObjectKind.VIEW, name, null, "view " + name, a);
                }
                case "m" -> {
                    a.put(SchemaFact.DEFINITION, rs.getString("viewdef"));
                    add(scope, null, ObjectKind.MATERIALIZED_VIEW, name, null, "materialized view " + name, a);
                }
                case "S" -> {
                    a.put(SchemaFact.TYPE, rs.getString("seqtype"));
                    a.put(SchemaFact.START, rs.getString("seqstart"));
                    a.put(SchemaFact.INCREMENT, rs.getString("seqincrement"));
                    a.put(SchemaFact.MIN, rs.getString("seqmin"));
                    a.put(SchemaFact.MAX, rs.getString("seqmax"));
                    a.put(SchemaFact.CACHE, rs.getString("seqcache"));
                    a.put(SchemaFact.CYCLE, String.valueOf(rs.getBoolean("seqcycle")));
                    a.put(SchemaFact.OWNED_BY, rs.getString("owned_by"));
                    a.put(SchemaFact.UNLOGGED, "u".equals(rs.getString("relpersistence")) ? "true" : null);
                    add(scope, null, ObjectKind.SEQUENCE, name, null, "sequence " + name, a);
                }
                default -> {
                    a.put(SchemaFact.KIND, switch (kind) {
                        case "p" -> "partitioned table";
                        case "f" -> "foreign table";
                        default -> "table";
                    });
                    a.put(SchemaFact.PERSISTENCE, switch (rs.getString("relpersistence")) {
                        case "u" -> "unlogged";
                        case "t" -> "temporary";
                        default -> "permanent";
                    });
                    a.put(SchemaFact.ROW_SECURITY, rs.getBoolean("relrowsecurity")
                            ? (rs.getBoolean("relforcerowsecurity") ? "forced" : "enabled") : null);
                    a.put(SchemaFact.PARTITION_KEY, rs.getString("partkey"));
                    a.put(SchemaFact.PARTITION_OF, rs.getString("partbound") == null ? null
                            : rs.getString("parents") + " " + rs.getString("partbound"));
                    a.put(SchemaFact.INHERITS, rs.getString("partbound") == null ? rs.getString("parents") : null);
                    add(scope, null, ObjectKind.TABLE, name, null, "table " + name, a);
                }
            }
        });
    }

    private static final String COLUMNS = """
                select c.oid, d.oid as default_oid, n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull,
                  pg_get_expr(d.adbin, d.adrelid) as def, a.attidentity, a.attgenerated,
                  case when a.attcollation <> t.typcollation then co.collname end as collation,
                  %s as comment
                from pg_attribute a
                join pg_class c on c.oid = a.attrelid
                join pg_namespace n on n.oid = c.relnamespace
                join pg_type t on t.oid = a.atttypid
                left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                left join pg_collation co on co.oid = a.attcollation
                where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'f') and"""
                .formatted(CatalogSql.comment("c.oid", "pg_class", "a.attnum")) + " " + CatalogSql.USER_SCHEMA.formatted("n") + " and " + CatalogSql.NOT_EXTENSION_MEMBER.formatted("pg_class", "c.oid");

    private void columns() throws SQLException {
        Map<String, Integer> positions = new HashMap<>();
        query(ScopedObjects.RELATION, "c.oid", COLUMNS,
                "order by n.nspname, c.relname, a.attnum", rs -> {
            if (excluded(rs.getString("nspname"), rs.getString("relname"))) {
                return;
            }
            String table = CatalogSql.qualify(rs.getString("nspname"), rs.getString("relname"));
            String column = rs.getString("attname");
            int position = positions.merge(table, 1, Integer::sum);
            String type = rs.getString("type");
            boolean notNull = rs.getBoolean("attnotnull");
            String generated = rs.getString("attgenerated");
            String identity = rs.getString("attidentity");
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.TYPE, type);
            a.put(SchemaFact.NULLABLE, notNull ? "NO" : "YES");
            a.put(SchemaFact.POSITION, String.valueOf(position));
            a.put(SchemaFact.COLLATION, rs.getString("collation"));
            a.put(SchemaFact.COMMENT, rs.getString("comment"));
            String def = rs.getString("def");
            StringBuilder summary = new StringBuilder("column " + table + "." + column + " " + type);
            if (notNull) {
                summary.append(" not null");
            }
            if (generated != null && !generated.isEmpty()) {
                String g = "ALWAYS AS (" + def + ")" + ("s".equals(generated) ? " STORED" : " VIRTUAL");
                a.put(SchemaFact.GENERATED, g);
                summary.append(" generated ").append(g);
            } else if (def != null) {
                a.put(SchemaFact.DEFAULT, def);
                summary.append(" default ").append(def);
            }
            if (identity != null && !identity.isEmpty()) {
                String id = "a".equals(identity) ? "ALWAYS" : "BY DEFAULT";
                a.put(SchemaFact.IDENTITY, id);
                summary.append(" generated ").append(id).append(" as identity");
            }
            long defaultOid = rs.getLong("default_oid");
            add(ScopedObjects.scope(ScopedObjects.RELATION, rs.getLong("oid")),
                    defaultOid == 0 ? null : ScopedObjects.member("pg_attrdef", defaultOid), ObjectKind.COLUMN, table + "." + column, table, summary.toString(), a);
        });
    }

    private static final String CONSTRAINTS = """
                select c.oid, con.oid as constraint_oid, n.nspname, c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid, true) as def,
                  con.convalidated, con.condeferrable, con.condeferred, %s as comment,
                  (select string_agg(a.attname, ', ' order by k.ord) from unnest(con.conkey) with ordinality k(num, ord)
                     join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num) as cols,
                  (select string_agg(a.attname, ', ' order by k.ord) from unnest(con.confkey) with ordinality k(num, ord)
                     join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num) as refcols,
                  (select rn.nspname from pg_class r join pg_namespace rn on rn.oid = r.relnamespace
                     where r.oid = con.confrelid) as refschema,
                  (select r.relname from pg_class r where r.oid = con.confrelid) as reftable
                from pg_constraint con
                join pg_class c on c.oid = con.conrelid
                join pg_namespace n on n.oid = c.relnamespace
                where con.contype <> 'n' and""".formatted(CatalogSql.comment("con.oid", "pg_constraint", "0"))
                + " " + CatalogSql.USER_SCHEMA.formatted("n")
                + " and " + CatalogSql.NOT_EXTENSION_MEMBER.formatted("pg_class", "c.oid");

    private void constraints() throws SQLException {
        query(ScopedObjects.RELATION, "c.oid", CONSTRAINTS, null, rs -> {
            if (excluded(rs.getString("nspname"), rs.getString("relname"))) {
                return;
            }
            String table = CatalogSql.qualify(rs.getString("nspname"), rs.getString("relname"));
            String name = rs.getString("conname");
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.TYPE, switch (rs.getString("contype")) {
                case "p" -> "primary key";
                case "u" -> "unique";
                case "f" -> "foreign key";
                case "c" -> "check";
                case "x" -> "exclusion";
                case "t" -> "trigger";
                default -> rs.getString("contype");
            });
            a.put(SchemaFact.DEFINITION, rs.getString("def"));
            a.put(SchemaFact.VALIDATED, String.valueOf(rs.getBoolean("convalidated")));
            a.put(SchemaFact.DEFERRABLE, rs.getBoolean("condeferrable")
                    ? (rs.getBoolean("condeferred") ? "initially deferred" : "initially immediate") : null);
            a.put(SchemaFact.COMMENT, rs.getString("comment"));
            a.put(SchemaFact.COLUMNS, rs.getString("cols"));
            a.put(SchemaFact.REFERENCED_TABLE, rs.getString("reftable") == null ? null
                    : CatalogSql.qualify(rs.getString("refschema"), rs.getString("reftable")));
            a.put(SchemaFact.REFERENCED_COLUMNS, rs.getString("refcols"));
            String summary = "constraint " + name + " ON " + table + ": " + rs.getString("def")
                    + (rs.getBoolean("convalidated") ? "" : " (not validated)");
            add(ScopedObjects.scope(ScopedObjects.RELATION, rs.getLong("oid")),
                    ScopedObjects.member("pg_constraint", rs.getLong("constraint_oid")), ObjectKind.CONSTRAINT, table + "." + name, table, summary, a);
        });
    }

    private static final String INDEXES = """
                select tc.oid, i.indexrelid, n.nspname, ic.relname as index_name, tn.nspname as table_schema, tc.relname as table_name,
                  pg_get_indexdef(i.indexrelid) as def, i.indisvalid, i.indisready, i.indisclustered,
                  %s as comment,
                  case when i.indisunique and i.indpred is null and not (0 = any (i.indkey::int2[])) then
                    (select string_agg(a.attname, ', ' order by k.ord) from unnest(i.indkey::int2[]) with ordinality k(num, ord)
                       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.num where k.ord <= i.indnkeyatts)
                  end as unique_cols
                from pg_index i
                join pg_class ic on ic.oid = i.indexrelid
                join pg_namespace n on n.oid = ic.relnamespace
                join pg_class tc on tc.oid = i.indrelid
                join pg_namespace tn on tn.oid = tc.relnamespace
                where""".formatted(CatalogSql.comment("ic.oid", "pg_class", "0")) + " " + CatalogSql.USER_SCHEMA.formatted("tn") + " and "
                + CatalogSql.NOT_EXTENSION_MEMBER.formatted("pg_class", "tc.oid");

    private void indexes() throws SQLException {
        query(ScopedObjects.RELATION, "tc.oid", INDEXES,
                null, rs -> {
            if (excluded(rs.getString("table_schema"), rs.getString("table_name"))) {
                return;
            }
            String table = CatalogSql.qualify(rs.getString("table_schema"), rs.getString("table_name"));
            String name = CatalogSql.qualify(rs.getString("nspname"), rs.getString("index_name"));
            String def = rs.getString("def");
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.DEFINITION, def);
            a.put(SchemaFact.VALID, String.valueOf(rs.getBoolean("indisvalid") && rs.getBoolean("indisready")));
            a.put(SchemaFact.CLUSTERED, rs.getBoolean("indisclustered") ? "true" : null);
            a.put(SchemaFact.UNIQUE_COLUMNS, rs.getString("unique_cols"));
            a.put(SchemaFact.COMMENT, rs.getString("comment"));
            String summary = lowerCaseIndex(def)
                    .replace(" ON ONLY public.", " ON ONLY ").replace(" ON public.", " ON ").replace(" USING btree", "");
            if (!rs.getBoolean("indisvalid")) {
                summary += " (invalid)";
            }
            add(ScopedObjects.scope(ScopedObjects.RELATION, rs.getLong("oid")),
                    ScopedObjects.member("pg_class", rs.getLong("indexrelid")), ObjectKind.INDEX, name, table, summary, a);
        });
    }
}
