package dev.rehearsal.core.model;

import org.apiguardian.api.API;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How the user configures Rehearsal, so that a message names its fix in the user's own terms: the JUnit extension's
 * annotations and {@code TableSeed}, or the command line's {@code -D rehearsal.*} settings and flags. Chosen once, by
 * whoever resolves the settings ({@code DataSettings#remedies()}); a message asks it while it is made, never rewrites
 * another's text afterwards.
 *
 * <pre>
 * "declare the migration lossy: " + remedies.lossy(migration.version())
 *     // @MigrationTest(lossy = "18")   or   -D rehearsal.lossy=18
 * "Override it: " + remedies.seedOverride("orders", "status")
 *     // TableSeed.table("orders").column("status", faker -&gt; ...)   or   --seed-file with [orders] status = { values = [...] }
 * </pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum Remedies {

    /** The JUnit extension: {@code @MigrationTest(...)} attributes and {@code TableSeed.table(...)}. The default. */
    ANNOTATIONS,

    /** The command line ({@code rehearsal check}): {@code -D rehearsal.*} settings, {@code --seed-file}. */
    COMMAND_LINE;

    /** A TOML bare key: anything else is written quoted ({@code ["audit.log"]}). */
    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    /** {@code @MigrationTest(lossy = "18")}, or {@code -D rehearsal.lossy=18}. */
    public String lossy(MigrationVersion version) {
        return this == ANNOTATIONS ? "@MigrationTest(lossy = \"" + version + "\")" : "-D rehearsal.lossy=" + version;
    }

    /**
     * {@code @MigrationTest(irreversible = "3") (or minimumDowngradeVersion = "3")}, or
     * {@code -D rehearsal.irreversible=3 (or -D rehearsal.minimum-downgrade-version=3)}.
     */
    public String irreversible(MigrationVersion version) {
        return this == ANNOTATIONS
                ? "@MigrationTest(irreversible = \"" + version + "\") (or minimumDowngradeVersion = \"" + version + "\")"
                : "-D rehearsal.irreversible=" + version + " (or -D rehearsal.minimum-downgrade-version=" + version + ")";
    }

    /** {@code @MigrationTest(dataChanges = "5")}, or {@code -D rehearsal.data-changes=5}. */
    public String dataChanges(MigrationVersion version) {
        return this == ANNOTATIONS ? "@MigrationTest(dataChanges = \"" + version + "\")"
                : "-D rehearsal.data-changes=" + version;
    }

    /**
     * Where the seed of {@code table} is given: {@code rehearsal.seed.file or TableSeed.table("orders")}, or
     * {@code --seed-file, section [orders]}.
     */
    public String seedOf(String table) {
        return this == ANNOTATIONS ? "rehearsal.seed.file or TableSeed.table(\"" + table + "\")"
                : "--seed-file, section " + section(table);
    }

    /**
     * How to give the seeded values of {@code columns} of {@code table} yourself:
     * {@code TableSeed.table("orders").column("status", faker -> ...)}, or, as a seed file holds values rather than
     * code, {@code --seed-file with [orders] status = { values = [...] }}.
     */
    public String seedOverride(String table, String... columns) {
        return seedOverride(table, List.of(columns));
    }

    /** As {@link #seedOverride(String, String...)}; without columns, the form for any column of {@code table}. */
    public String seedOverride(String table, List<String> columns) {
        if (this == ANNOTATIONS) {
            return "TableSeed.table(\"" + table + "\")" + (columns.isEmpty() ? ".column(...)" : columns.stream()
                    .map(c -> ".column(\"" + c + "\", faker -> ...)").collect(Collectors.joining()));
        }
        return "--seed-file with " + section(table) + " " + (columns.isEmpty() ? "<column> = { values = [...] }"
                : columns.stream().map(c -> key(c) + " = { values = [...] }").collect(Collectors.joining(", ")));
    }

    /**
     * How to give every seeded value of one column, generated or the same in every row:
     * {@code TableSeed.table("orders").column("status", faker -> ...) or .constant("status", value)}, or
     * {@code --seed-file with [orders] status = { values = [...] } or status = { value = ... }}.
     */
    public String seedColumn(String table, String column) {
        return this == ANNOTATIONS
                ? seedOverride(table, column) + " or .constant(\"" + column + "\", value)"
                : seedOverride(table, column) + " or " + key(column) + " = { value = ... }";
    }

    private static String section(String table) {
        return "[" + key(table) + "]";
    }

    private static String key(String name) {
        return BARE_KEY.matcher(name).matches() ? name : "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
