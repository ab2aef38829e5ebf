package dev.rehearsal.core.schema;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A schema written as normalised DDL, one entry per object in a stable order (schemas, extensions, types and
 * sequences; each table with its columns, then its constraints, indexes, triggers, rules and policies; views and
 * routines), without owners, privileges, object ids or the server's version. The text a golden file keeps and a pull
 * request shows: two databases with the same schema give the same text, whatever order it was built in. Every fact a
 * {@link SchemaSnapshot} compares appears in it, as DDL or, where DDL cannot say it, as a {@code --   fact: value}
 * comment line under its object.
 *
 * @param engine  the engine the DDL is written for ({@code PostgreSQL}, {@code MariaDB})
 * @param entries the objects, in order
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record SchemaDdl(String engine, List<Entry> entries) {

    public SchemaDdl {
        Objects.requireNonNull(engine, "engine");
        entries = List.copyOf(entries);
    }

    /**
     * One object's DDL.
     *
     * @param kind what kind of object
     * @param name its name within the kind, as in {@link SchemaObject#name()}
     * @param sql  one or more statements, each ending with {@code ;}, lines without trailing blanks
     */
    public record Entry(ObjectKind kind, String name, String sql) {

        public Entry {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sql, "sql");
        }

        /** The line that introduces the entry in a golden file: {@code -- table orders}. */
        public String title() {
            return "-- " + kind.label() + " " + name;
        }

        /** Kind and name, as {@link SchemaObject#key()} has them. */
        public String key() {
            return kind.name() + ":" + name;
        }
    }

    /** The entry for an object, if the schema has it. */
    public Optional<Entry> find(ObjectKind kind, String name) {
        return entries.stream().filter(e -> e.kind() == kind && e.name().equals(name)).findFirst();
    }

    /** Every entry under its title, separated by blank lines. */
    public String toText() {
        return entries.stream().map(e -> e.title() + "\n" + e.sql()).collect(Collectors.joining("\n\n"));
    }

    @Override
    public String toString() {
        return "SchemaDdl[" + engine + ", " + entries.size() + " objects]";
    }
}
