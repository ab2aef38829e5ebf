package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The integrity checks of one database, counting again only what can have changed since the last check: a foreign
 * key or {@code NOT VALID} check gains or loses violations only where its table's rows or definition changed, or, for
 * a foreign key, its parent table's rows. What changed is told by the row-version markers of the data fingerprint
 * taken of the same state ({@link DataAccess.MarkedFingerprint#rowVersions()}) and by each table's columns and
 * constraints. Each check after a phase counted every foreign key of the schema; on a history of a hundred tables that
 * was the larger part of a phase's checks, though a phase writes to one or two tables.
 */
final class IntegrityMemo {

    /** The problems a recount of the constraints decides; the others are checked every time. */
    private static final Set<DataProblem.Kind> COUNTED = EnumSet.of(DataProblem.Kind.FOREIGN_KEY_ORPHANS,
            DataProblem.Kind.CONSTRAINT_VIOLATED);

    private String database;
    private Map<String, String> rowVersions;
    private SchemaSnapshot schema;
    private List<DataProblem> problems;

    /**
     * The integrity problems now. {@code marked} is a fingerprint of this very state (no write since it was taken),
     * or null when there is none: then every constraint is counted.
     */
    List<DataProblem> problems(DataAccess access, String database, SchemaSnapshot now,
                               DataAccess.MarkedFingerprint marked) throws SQLException {
        boolean comparable = marked != null && problems != null && database.equals(this.database);
        List<DataProblem> found;
        if (!comparable) {
            found = access.integrityProblems(now);
        } else {
            Set<String> recount = recounted(now, marked.rowVersions());
            List<DataProblem> fresh = access.integrityProblems(now, c -> recount.contains(c.table()));
            found = new ArrayList<>(fresh);
            problems.stream().filter(p -> COUNTED.contains(p.kind()) && !recount.contains(p.table()))
                    .forEach(found::add);
        }
        this.database = database;
        this.rowVersions = marked == null ? null : marked.rowVersions();
        this.schema = now;
        this.problems = marked == null ? null : List.copyOf(found);
        return found;
    }

    /**
     * The tables whose constraints are counted again: those whose rows, columns or constraints changed since the last
     * check, and those with a foreign key to such a table.
     */
    private Set<String> recounted(SchemaSnapshot now, Map<String, String> versions) {
        Set<String> changed = new HashSet<>();
        Set<String> tables = new HashSet<>(versions.keySet());
        tables.addAll(rowVersions.keySet());
        for (String t : tables) {
            if (!Objects.equals(versions.get(t), rowVersions.get(t))) {
                changed.add(t);
            }
        }
        Map<String, List<SchemaObject>> defined = definitions(now);
        Map<String, List<SchemaObject>> before = definitions(schema);
        Set<String> all = new HashSet<>(defined.keySet());
        all.addAll(before.keySet());
        for (String t : all) {
            if (!Objects.equals(defined.get(t), before.get(t))) {
                changed.add(t);
            }
        }
        Set<String> recount = new HashSet<>(changed);
        for (SchemaObject c : now.objects(ObjectKind.CONSTRAINT)) {
            if (c.fact(SchemaFact.REFERENCED_TABLE).map(changed::contains).orElse(false)) {
                recount.add(c.table());
            }
        }
        return recount;
    }

    /** Each table's columns and constraints. */
    private static Map<String, List<SchemaObject>> definitions(SchemaSnapshot snapshot) {
        Map<String, List<SchemaObject>> byTable = new HashMap<>();
        for (ObjectKind kind : List.of(ObjectKind.COLUMN, ObjectKind.CONSTRAINT)) {
            for (SchemaObject o : snapshot.objects(kind)) {
                byTable.computeIfAbsent(o.table(), t -> new ArrayList<>()).add(o);
            }
        }
        return byTable;
    }
}
