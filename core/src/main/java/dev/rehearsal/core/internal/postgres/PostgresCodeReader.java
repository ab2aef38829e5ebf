package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaFacts;

import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * The procedural part of a PostgreSQL catalog snapshot: functions, procedures and aggregates with their bodies,
 * triggers, rules and row-level security policies. Objects of the excluded tables and of extensions are left out.
 */
final class PostgresCodeReader {

    private final PostgresCatalogReader rows;

    PostgresCodeReader(PostgresCatalogReader rows) {
        this.rows = rows;
    }

    void read() throws SQLException {
        routines();
        triggers();
        rules();
        policies();
    }

    /** The head of {@code pg_get_triggerdef}'s text, which the summary leaves out: the trigger's name stands before it. */
    private static final Pattern TRIGGER_HEAD = Pattern.compile(
            "^CREATE (CONSTRAINT )?TRIGGER \\S+ ");

    private static final String ROUTINES = """
                select p.oid, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) as args, p.prokind,
                  case when p.prokind in ('f', 'p', 'w') then pg_get_functiondef(p.oid) end as def,
                  pg_get_function_result(p.oid) as result, %s as comment,
                  (select ag.aggtransfn::regproc::text || ' ' || format_type(ag.aggtranstype, null) || ' '
                          || coalesce(ag.aggfinalfn::regproc::text, '-') || ' ' || coalesce(ag.agginitval, '-')
                     from pg_aggregate ag where ag.aggfnoid = p.oid) as agg
                from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where""".formatted(CatalogSql.comment("p.oid", "pg_proc", "0")) + " "
                + CatalogSql.USER_SCHEMA.formatted("n") + " and "
                + CatalogSql.NOT_EXTENSION_MEMBER.formatted("pg_proc", "p.oid");

    private void routines() throws SQLException {
        rows.query(ScopedObjects.ROUTINE, "p.oid", ROUTINES, null, rs -> {
            String name = CatalogSql.qualify(rs.getString("nspname"), rs.getString("proname")) + "(" + rs.getString("args") + ")";
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.RETURNS, rs.getString("result"));
            a.put(SchemaFact.DEFINITION, rs.getString("def"));
            a.put(SchemaFact.AGGREGATE, rs.getString("agg"));
            a.put(SchemaFact.COMMENT, rs.getString("comment"));
            ObjectKind kind = switch (rs.getString("prokind")) {
                case "p" -> ObjectKind.PROCEDURE;
                case "a" -> ObjectKind.AGGREGATE;
                default -> ObjectKind.FUNCTION;
            };
            String summary = kind.label() + " " + name
                    + (rs.getString("result") == null ? "" : " returns " + rs.getString("result"));
            rows.add(ScopedObjects.scope(ScopedObjects.ROUTINE, rs.getLong("oid")), null, kind, name, null, summary, a);
        });
    }

    private static final String TRIGGERS = """
                select c.oid, t.oid as trigger_oid, n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid, true) as def, t.tgenabled,
                  %s as comment
                from pg_trigger t
                join pg_class c on c.oid = t.tgrelid
                join pg_namespace n on n.oid = c.relnamespace
                where not t.tgisinternal and""".formatted(CatalogSql.comment("t.oid", "pg_trigger", "0"))
                + " " + CatalogSql.USER_SCHEMA.formatted("n");

    private void triggers() throws SQLException {
        rows.query(ScopedObjects.RELATION, "c.oid", TRIGGERS, null, rs -> {
            if (rows.excluded(rs.getString("nspname"), rs.getString("relname"))) {
                return;
            }
            String table = CatalogSql.qualify(rs.getString("nspname"), rs.getString("relname"));
            String name = rs.getString("tgname");
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.DEFINITION, rs.getString("def"));
            a.put(SchemaFact.ENABLED, switch (rs.getString("tgenabled")) {
                case "D" -> "disabled";
                case "R" -> "replica";
                case "A" -> "always";
                default -> "origin";
            });
            a.put(SchemaFact.COMMENT, rs.getString("comment"));
            String def = TRIGGER_HEAD.matcher(rs.getString("def")).replaceFirst("")
                    .replace(" ON public.", " ON ");
            rows.add(ScopedObjects.scope(ScopedObjects.RELATION, rs.getLong("oid")),
                    ScopedObjects.member("pg_trigger", rs.getLong("trigger_oid")), ObjectKind.TRIGGER, table + "." + name, table, "trigger " + name + " " + def, a);
        });
    }

    private static final String RULES = """
                select c.oid, r.oid as rule_oid, n.nspname, c.relname, r.rulename, pg_get_ruledef(r.oid, true) as def
                from pg_rewrite r join pg_class c on c.oid = r.ev_class join pg_namespace n on n.oid = c.relnamespace
                where r.rulename <> '_RETURN' and""" + " " + CatalogSql.USER_SCHEMA.formatted("n");

    private void rules() throws SQLException {
        rows.query(ScopedObjects.RELATION, "c.oid", RULES, null, rs -> {
            String table = CatalogSql.qualify(rs.getString("nspname"), rs.getString("relname"));
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.DEFINITION, rs.getString("def"));
            rows.add(ScopedObjects.scope(ScopedObjects.RELATION, rs.getLong("oid")),
                    ScopedObjects.member("pg_rewrite", rs.getLong("rule_oid")), ObjectKind.RULE, table + "." + rs.getString("rulename"), table,
                    "rule " + rs.getString("rulename") + " ON " + table, a);
        });
    }

    private static final String POLICIES = """
                select c.oid, p.oid as policy_oid, n.nspname, c.relname, p.polname, p.polcmd, p.polpermissive,
                  pg_get_expr(p.polqual, p.polrelid) as qual, pg_get_expr(p.polwithcheck, p.polrelid) as withcheck,
                  (select string_agg(case when r = 0 then 'public' else pg_get_userbyid(r) end, ', ' order by 1)
                     from unnest(p.polroles) r) as roles
                from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
                where""" + " " + CatalogSql.USER_SCHEMA.formatted("n");

    private void policies() throws SQLException {
        rows.query(ScopedObjects.RELATION, "c.oid", POLICIES, null, rs -> {
            String table = CatalogSql.qualify(rs.getString("nspname"), rs.getString("relname"));
            SchemaFacts a = new SchemaFacts();
            a.put(SchemaFact.COMMAND, rs.getString("polcmd"));
            a.put(SchemaFact.PERMISSIVE, String.valueOf(rs.getBoolean("polpermissive")));
            a.put(SchemaFact.USING, rs.getString("qual"));
            a.put(SchemaFact.WITH_CHECK, rs.getString("withcheck"));
            a.put(SchemaFact.ROLES, rs.getString("roles"));
            rows.add(ScopedObjects.scope(ScopedObjects.RELATION, rs.getLong("oid")),
                    ScopedObjects.member("pg_policy", rs.getLong("policy_oid")), ObjectKind.POLICY, table + "." + rs.getString("polname"), table,
                    "policy " + rs.getString("polname") + " ON " + table, a);
        });
    }
}
