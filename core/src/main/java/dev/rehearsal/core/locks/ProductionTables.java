package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one answer the risk rules ask for a table: does production hold rows in it, and how many. A table that existed
 * before the migrations being judged (created by a released migration) is judged as a table with rows, whatever the
 * rehearsed size, unless its declared production volume says it is small; a table the migrations being judged create
 * is empty in production. Rows seeded or restored in the rehearsal make a risk measured rather than inferred.
 *
 * @param released tables production already has, by name as the schema snapshot names them
 * @param created  tables the migrations being judged created before this one: empty in production, whatever rows
 *                 the rehearsal seeded into them
 * @param volumes  declared production row counts ({@code rehearsal.volume.<table>}, a statistics file)
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record ProductionTables(Set<String> released, Set<String> created, Map<String, Long> volumes) {

    /** Below this many declared production rows, a table is small: building or scanning it blocks nobody for long. */
    public static final long SMALL = 10_000;

    /** No table known to production: only rehearsed rows count. */
    public static final ProductionTables NONE = new ProductionTables(Set.of(), Set.of(), Map.of());

    public ProductionTables {
        released = Set.copyOf(released);
        created = Set.copyOf(created);
        volumes = Map.copyOf(volumes);
    }

    /** How a risk on a table is judged. */
    public enum Basis {
        /** The rehearsal held rows in the table: what happened to them was measured. */
        MEASURED,
        /** No rows were rehearsed, but production has the table: the risk is inferred from the lock and statement. */
        INFERRED,
        /** No risk: a new table (empty in production), or one production's volume says is small. */
        NONE
    }

    /** How a risk on {@code table} is judged, with {@code rehearsed} rows in it before the statement. */
    public Basis basis(String table, long rehearsed) {
        Long declared = volumes.get(table);
        if (created.contains(table) || declared != null && declared < SMALL) {
            return Basis.NONE;
        }
        if (rehearsed > 0) {
            return Basis.MEASURED;
        }
        return released.contains(table) || declared != null ? Basis.INFERRED : Basis.NONE;
    }

    /**
     * Why the rules about scans, builds and rewrites leave {@code table} out whatever its rehearsed rows: created by
     * a migration being judged, or small by its declared production volume; empty where they do not leave it out
     * for either reason.
     */
    public Optional<String> exemption(String table) {
        Long declared = volumes.get(table);
        if (created.contains(table)) {
            return Optional.of(table + " (created by a migration being judged: empty in production)");
        }
        if (declared != null && declared < SMALL) {
            return Optional.of(String.format(Locale.ROOT, "%s (%,d rows in production, under %,d)", table,
                    declared, SMALL));
        }
        return Optional.empty();
    }

    /** Whether the rules about scans, builds and rewrites apply to {@code table}. */
    public boolean hasRows(String table, long rehearsed) {
        return basis(table, rehearsed) != Basis.NONE;
    }

    /**
     * What a risk's reason says of the table's rows: {@code 1200 rows rehearsed}, or, inferred,
     * {@code a production table: judged as production has it, not on rehearsed rows}.
     */
    public String rows(String table, long rehearsed) {
        Long declared = volumes.get(table);
        String inProduction = declared == null ? "" : String.format(Locale.ROOT, ", %,d in production", declared);
        return basis(table, rehearsed) == Basis.MEASURED ? rehearsed + " rows rehearsed" + inProduction
                : "a production table" + inProduction + ": judged as production has it, not on rehearsed rows";
    }
}
