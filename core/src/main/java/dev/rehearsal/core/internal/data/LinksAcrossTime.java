package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keys for a table that rows seeded earlier already point at. A column seeded before the table its name points at
 * existed ({@code threads.channelid} seeded at version 43, {@code channels} created at 49) holds values no row of that
 * table has: a backfill that joins on it at version 96 would find nothing, and a foreign key added later would fail,
 * though in production both tables grew together. So when the table is seeded, the rows it gets take those values as
 * their key (as many as there are rows), and its sequences move past them.
 *
 * <p>The link is the seeder's one naming rule ({@link SeedHints#linkedTable}): {@code <name>_id}, {@code <name>id} or
 * {@code <name>Id} points at the table {@code <name>}, its plural, or a prefixed {@code <prefix>_<name>(s)}; or a
 * later migration's foreign key says so ({@link SeedHints.References}). The key is the table's single-column unique
 * key, {@code id} first; both must be integers, or the same type.
 */
final class LinksAcrossTime {

    private LinksAcrossTime() {
    }

    /** Gives the rows just seeded into {@code target} the keys other tables' columns already hold; returns a note or null. */
    static String link(TableModel target, Map<String, TableModel> tables, SeedHints hints, DataAccess data,
                       SchemaSnapshot schema) throws SQLException {
        Optional<String> key = target.uniqueKeys().stream().filter(k -> k.size() == 1).map(k -> k.get(0))
                .min(Comparator.comparing(k -> k.equals("id") ? 0 : 1));
        Optional<ColumnModel> keyColumn = key.flatMap(target::column);
        if (keyColumn.isEmpty()) {
            return null;
        }
        Set<Object> have = new HashSet<>();
        for (List<Object> v : data.distinctValues(target.name(), List.of(key.get()))) {
            have.add(RowKeys.normalize(v).get(0));
        }
        // normalized value (for comparing across integer types) to the value as the referencing column holds it
        Map<Object, Object> pending = new LinkedHashMap<>();
        List<String> from = new ArrayList<>();
        for (TableModel other : tables.values()) {
            if (other.name().equals(target.name())) {
                continue;
            }
            Set<String> enforced = new HashSet<>();
            other.foreignKeys().stream().filter(fk -> !fk.name().startsWith("logical link"))
                    .forEach(fk -> enforced.addAll(fk.columns()));
            for (ColumnModel c : other.columns()) {
                if (enforced.contains(c.name()) || !pointsAt(other.name(), c.name(), target.name(), hints)
                        || !Seeder.sameKind(keyColumn.get().baseType(), c.baseType())) {
                    continue;
                }
                int before = pending.size();
                for (List<Object> v : data.distinctValues(other.name(), List.of(c.name()))) {
                    Object value = RowKeys.normalize(v).get(0);
                    if (value != null && !have.contains(value)) {
                        pending.putIfAbsent(value, v.get(0));
                    }
                }
                if (pending.size() > before) {
                    from.add(other.name() + "." + c.name());
                }
            }
        }
        if (pending.isEmpty()) {
            return null;
        }
        List<String> rows = data.rowsAddedInTransaction(target.name());
        List<String> chosen = new ArrayList<>();
        List<Object[]> values = new ArrayList<>();
        Iterator<Object> next = pending.values().iterator();
        for (String row : rows) {
            if (!next.hasNext()) {
                break;
            }
            chosen.add(row);
            values.add(new Object[]{next.next()});
        }
        data.updateRows(target.name(), chosen, List.of(key.get()), values);
        data.advanceOwnedSequences(schema);
        return target.name() + "." + key.get() + ": " + chosen.size() + " of its new rows take keys that "
                + String.join(", ", from) + " already held" + (pending.size() > chosen.size() ? " (" + (pending.size()
                - chosen.size()) + " more keys than rows were left unmatched)" : "") + ", seeded before " + target.name()
                + " existed";
    }

    private static boolean pointsAt(String table, String column, String target, SeedHints hints) {
        Optional<SeedHints.Hint> hint = hints.forColumn(table, column);
        if (hint.isPresent() && hint.get() instanceof SeedHints.References ref) {
            return ref.table().equals(target);
        }
        return SeedHints.linkedTable(table, column, List.of(target)).isPresent();
    }
}
