package dev.rehearsal.core.schema;

import org.apiguardian.api.API;

/**
 * The facts a catalog snapshot records about an object, by name, with the form of each value. Both engines' catalog
 * readers write them through {@link SchemaFacts}; {@link SchemaObject} reads them back typed ({@link
 * SchemaObject#fact}, {@link SchemaObject#flag}, {@link SchemaObject#list}). The key is the word diffs and golden
 * text show ({@code referenced table}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum SchemaFact {
    // every kind
    COMMENT("comment", Form.TEXT),
    DEFINITION("definition", Form.TEXT),
    KIND("kind", Form.TEXT),
    // extensions
    SCHEMA("schema", Form.TEXT),
    VERSION("version", Form.TEXT),
    // types
    LABELS("labels", Form.LIST),
    ATTRIBUTES("attributes", Form.TEXT),
    BASE("base", Form.TEXT),
    NOT_NULL("not null", Form.FLAG),
    CHECKS("checks", Form.TEXT),
    SUBTYPE("subtype", Form.TEXT),
    // tables, views, sequences
    ENGINE("engine", Form.TEXT),
    OPTIONS("options", Form.TEXT),
    START("start", Form.TEXT),
    INCREMENT("increment", Form.TEXT),
    MIN("min", Form.TEXT),
    MAX("max", Form.TEXT),
    CACHE("cache", Form.TEXT),
    CYCLE("cycle", Form.FLAG),
    OWNED_BY("owned by", Form.TEXT),
    UNLOGGED("unlogged", Form.FLAG),
    PERSISTENCE("persistence", Form.TEXT),
    ROW_SECURITY("row security", Form.TEXT),
    PARTITION_KEY("partition key", Form.TEXT),
    PARTITION_OF("partition of", Form.TEXT),
    INHERITS("inherits", Form.TEXT),
    // columns (and the sequence's and constraint's type)
    TYPE("type", Form.TEXT),
    NULLABLE("nullable", Form.YES_NO),
    POSITION("position", Form.NUMBER),
    COLLATION("collation", Form.TEXT),
    GENERATED("generated", Form.TEXT),
    DEFAULT("default", Form.TEXT),
    IDENTITY("identity", Form.TEXT),
    ON_UPDATE("on update", Form.TEXT),
    // constraints and indexes
    VALIDATED("validated", Form.FLAG),
    DEFERRABLE("deferrable", Form.TEXT),
    COLUMNS("columns", Form.LIST),
    REFERENCED_TABLE("referenced table", Form.TEXT),
    REFERENCED_COLUMNS("referenced columns", Form.LIST),
    VALID("valid", Form.FLAG),
    CLUSTERED("clustered", Form.FLAG),
    UNIQUE_COLUMNS("unique columns", Form.LIST),
    // functions, triggers, policies
    RETURNS("returns", Form.TEXT),
    AGGREGATE("aggregate", Form.TEXT),
    ENABLED("enabled", Form.TEXT),
    COMMAND("command", Form.TEXT),
    PERMISSIVE("permissive", Form.FLAG),
    USING("using", Form.TEXT),
    WITH_CHECK("with check", Form.TEXT),
    ROLES("roles", Form.TEXT);

    /** How a fact's value is written as text. */
    public enum Form {
        /** Any text. */
        TEXT,
        /** {@code true} or {@code false}. */
        FLAG,
        /** {@code YES} or {@code NO}, as {@code information_schema} writes nullability. */
        YES_NO,
        /** Items joined with {@code ", "}. */
        LIST,
        /** A whole number. */
        NUMBER
    }

    private final String key;
    private final Form form;

    SchemaFact(String key, Form form) {
        this.key = key;
        this.form = form;
    }

    /** The word diffs and snapshots show: {@code referenced table}. */
    public String key() {
        return key;
    }

    public Form form() {
        return form;
    }
}
