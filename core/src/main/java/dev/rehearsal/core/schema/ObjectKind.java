package dev.rehearsal.core.schema;

import org.apiguardian.api.API;

import java.util.Locale;

/** The kinds of database object a {@link SchemaSnapshot} records, in the order diffs list them. */
@API(status = API.Status.STABLE, since = "0.1")
public enum ObjectKind {
    SCHEMA, EXTENSION, TYPE, SEQUENCE, TABLE, COLUMN, CONSTRAINT, INDEX, VIEW, MATERIALIZED_VIEW,
    FUNCTION, PROCEDURE, AGGREGATE, TRIGGER, RULE, POLICY;

    /** The lower-case words used in diffs and messages ({@code materialized view}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
