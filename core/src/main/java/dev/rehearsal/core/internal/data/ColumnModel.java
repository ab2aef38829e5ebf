package dev.rehearsal.core.internal.data;

import org.apiguardian.api.API;

import java.util.List;

/**
 * One column as the seeder sees it.
 *
 * @param table        the table ({@code orders}, {@code audit.log})
 * @param name         the column name
 * @param type         the declared type ({@code character varying(40)}, {@code numeric(10,2)}, {@code mood[]})
 * @param baseType     the type values are made for: the domain's base type, else {@code type}
 * @param nullable     whether NULL is allowed (column and domain)
 * @param databaseMade identity, serial or generated: the database makes the value
 * @param labels       the labels of an enum type (of the element type for an array of enums), else null
 * @param checks       CHECK expressions that constrain this column alone (the column's and its domain's)
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record ColumnModel(String table, String name, String type, String baseType, boolean nullable,
                          boolean databaseMade, List<String> labels, List<String> checks) {

    public ColumnModel {
        labels = labels == null ? null : List.copyOf(labels);
        checks = List.copyOf(checks);
    }

    /** Whether the column holds an array of an enum type's labels. */
    public boolean enumArray() {
        return labels != null && baseType.endsWith("[]");
    }

    /** {@code orders.status}. */
    public String qualified() {
        return table + "." + name;
    }
}
