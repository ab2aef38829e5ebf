package dev.rehearsal.core.internal.postgres;

/**
 * SQL fragments the catalog readers share: which schemas are the user's, which objects belong to an extension, a
 * catalog row's comment, and an object's name qualified where it is not in {@code public}.
 */
final class CatalogSql {

    private CatalogSql() {
    }

    static final String USER_SCHEMA = "%1$s.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', '"
            + PostgresDdlLog.SCHEMA + "') and %1$s.nspname not like 'pg\\_temp\\_%%'"
            + " and %1$s.nspname not like 'pg\\_toast\\_temp\\_%%'";

    static final String NOT_EXTENSION_MEMBER = """
            not exists (select 1 from pg_depend dep where dep.classid = '%s'::regclass
                        and dep.objid = %s and dep.deptype = 'e')""";

    /**
     * A catalog row's comment, as a subquery of the query that reads the row. {@code obj_description} and
     * {@code col_description} are SQL functions: the server plans their query again at every execution of the query
     * that calls them (a call per row for columns), while a subquery is planned with the query that holds it. {@code subId} is 0 for the object itself, or a column number.
     */
    static String comment(String oid, String catalog, String subId) {
        return "(select ds.description from pg_description ds where ds.objoid = " + oid
                + " and ds.classoid = 'pg_catalog." + catalog + "'::regclass and ds.objsubid = " + subId + ")";
    }

    /** {@code name}, or {@code schema.name} outside {@code public}. */
    static String qualify(String schema, String name) {
        return "public".equals(schema) ? name : schema + "." + name;
    }
}
