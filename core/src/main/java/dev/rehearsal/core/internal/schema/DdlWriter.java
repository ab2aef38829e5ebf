package dev.rehearsal.core.internal.schema;

import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaDdl;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a {@link SchemaSnapshot} as normalised DDL ({@link SchemaDdl}). The order and the completeness live here;
 * each engine's subclass writes the statements. Completeness is enforced rather than hoped for: a statement reads an
 * object's facts through {@link Facts}, and every fact it did not use is written under the statement as a
 * {@code --   fact: value} line, so a fact the DDL does not express still shows in the text and in its diffs.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public abstract class DdlWriter {

    private static final Pattern TRAILING_BLANKS = Pattern.compile("[ \\t]+$", Pattern.MULTILINE);

    /** Kinds written inside their table's entry (columns), never as entries of their own. */
    private static final Set<ObjectKind> INSIDE_TABLE = EnumSet.of(ObjectKind.COLUMN);
    private static final List<ObjectKind> ON_TABLE = List.of(ObjectKind.CONSTRAINT, ObjectKind.INDEX, ObjectKind.TRIGGER,
            ObjectKind.RULE, ObjectKind.POLICY);
    private static final List<ObjectKind> BEFORE_TABLES = List.of(ObjectKind.SCHEMA, ObjectKind.EXTENSION, ObjectKind.TYPE,
            ObjectKind.SEQUENCE);
    private static final List<ObjectKind> AFTER_TABLES = List.of(ObjectKind.FUNCTION, ObjectKind.PROCEDURE,
            ObjectKind.AGGREGATE, ObjectKind.VIEW, ObjectKind.MATERIALIZED_VIEW);

    protected final SchemaSnapshot snapshot;
    private final String engine;

    protected DdlWriter(SchemaSnapshot snapshot, String engine) {
        this.snapshot = snapshot;
        this.engine = engine;
    }

    /** The whole schema, in the order {@link SchemaDdl} describes. */
    public SchemaDdl write() {
        List<SchemaDdl.Entry> entries = new ArrayList<>();
        for (ObjectKind kind : BEFORE_TABLES) {
            snapshot.objects(kind).forEach(o -> entries.add(entry(o)));
        }
        for (SchemaObject table : snapshot.objects(ObjectKind.TABLE)) {
            entries.add(entry(table));
            for (ObjectKind kind : ON_TABLE) {
                snapshot.on(table.name(), kind).forEach(o -> entries.add(entry(o)));
            }
        }
        for (ObjectKind kind : AFTER_TABLES) {
            for (SchemaObject o : snapshot.objects(kind)) {
                entries.add(entry(o));
                for (ObjectKind on : ON_TABLE) {
                    snapshot.on(o.name(), on).forEach(x -> entries.add(entry(x)));
                }
            }
        }
        // anything not reached above (an object on a table the snapshot does not hold): still written, never lost
        Set<String> written = new HashSet<>(entries.stream().map(SchemaDdl.Entry::key).toList());
        snapshot.objects().stream()
                .filter(o -> !INSIDE_TABLE.contains(o.kind()) && !written.contains(o.key()))
                .forEach(o -> entries.add(entry(o)));
        return new SchemaDdl(engine, entries);
    }

    private SchemaDdl.Entry entry(SchemaObject o) {
        Facts facts = new Facts(o);
        StringBuilder sb = new StringBuilder();
        List<String> statements = statements(o, facts);
        for (String statement : statements) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(statement.strip()).append(';');
        }
        List<String> comments = new ArrayList<>();
        for (var e : o.attributes().entrySet()) {
            if (!facts.used.contains(e.getKey())) {
                comments.add("--   " + e.getKey() + ": " + e.getValue().replace("\n", "\n--     "));
            }
        }
        if (o.kind() != ObjectKind.TABLE) { // a view's columns follow from its query; their facts still show
            for (SchemaObject column : columns(o)) {
                facts.close(facts.nested(column));
            }
        }
        comments.addAll(facts.trailing);
        for (String line : comments) {
            sb.append(sb.isEmpty() ? "" : "\n").append(line);
        }
        return new SchemaDdl.Entry(o.kind(), o.name(), TRAILING_BLANKS.matcher(sb.toString()).replaceAll(""));
    }

    /**
     * The statements that create {@code o} as it is, without their semicolons; read its facts through {@code facts} so
     * that the ones not expressed are written as comments.
     */
    protected abstract List<String> statements(SchemaObject o, Facts facts);

    /** The columns of a table in their order, for the table's statement. */
    protected List<SchemaObject> columns(SchemaObject table) {
        List<SchemaObject> columns = new ArrayList<>(snapshot.columns(table.name()));
        columns.sort(Comparator.comparingInt(c -> Integer.parseInt(c.fact(SchemaFact.POSITION).orElse("0"))));
        return columns;
    }

    /** A quoted string literal. */
    protected static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** The stored definition without a trailing semicolon. */
    protected static String body(String definition) {
        return definition.strip().replaceFirst(";\\s*$", "");
    }

    /**
     * An object's facts as a statement reads them: each one read (or declared implied by the statement) is marked
     * used; the rest end up as comment lines. Facts of objects written inside another entry (a table's columns) get
     * their leftover lines through {@link #nested}.
     */
    public static final class Facts {
        private final SchemaObject object;
        private final Set<String> used = new HashSet<>();
        private final List<String> trailing = new ArrayList<>();

        Facts(SchemaObject object) {
            this.object = object;
            used.add(SchemaFact.POSITION.key()); // the order of the columns in the table's statement says it
        }

        /** A fact, marked used. */
        public Optional<String> get(SchemaFact fact) {
            used.add(fact.key());
            return object.fact(fact);
        }

        /** A flag fact, marked used. */
        public boolean flag(SchemaFact fact, boolean whenAbsent) {
            used.add(fact.key());
            return object.flag(fact, whenAbsent);
        }

        /** A fact that must be there, marked used. */
        public String require(SchemaFact fact) {
            used.add(fact.key());
            return object.requireFact(fact);
        }

        /** Facts the statement says without reading them (a constraint's columns are in its definition). */
        public void implied(SchemaFact... facts) {
            for (SchemaFact f : facts) {
                used.add(f.key());
            }
        }

        /**
         * The facts of an object written inside this entry ({@code column}): read through the returned facts; call
         * {@link #close} on them to add the lines for what the statement left unsaid, under this entry.
         */
        public Facts nested(SchemaObject column) {
            return new Facts(column);
        }

        /** Adds the unused facts of a nested object as comment lines naming it. */
        public void close(Facts nested) {
            for (var e : nested.object.attributes().entrySet()) {
                if (!nested.used.contains(e.getKey())) {
                    trailing.add("--   " + nested.object.simpleName() + " " + e.getKey() + ": "
                            + e.getValue().replace("\n", "\n--     "));
                }
            }
        }
    }
}
