package dev.rehearsal.core;

import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.Remedies;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.locks.LockSettings;
import org.apiguardian.api.API;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to rehearse and how: where the migrations are, their placeholders, and which migrations may lack a down
 * script. Immutable; the JUnit extension builds it from the annotation, then {@code rehearsal.*} properties.
 *
 * @param migrations              location: {@code classpath:db/migration}, {@code filesystem:src/main/resources/db/migration}
 * @param placeholders            values for {@code ${name}} placeholders in scripts
 * @param irreversible            versions allowed to have no down script
 * @param minimumDowngradeVersion migrations at or below this version need no down script; null when every
 *                                migration must be reversible unless listed in {@code irreversible}
 * @param data                    how data is seeded and checked
 * @param locks                   how locks are traced, probed and budgeted
 * @param format                  the layout of the migrations ({@code flyway}, {@code golang-migrate},
 *                                {@code dbmate}, {@code prisma}); null to detect it from the files
 * @param shard                   which part of the round trips to run ({@link Shard#ALL} for all)
 * @param patchedSchemaReads      whether schema reads may be patched from the last one where the engine can tell
 *                                what changed (PostgreSQL as a superuser); false reads the whole catalog every time
 * @param tool                    how the migration tool is driven: its log, the team's Flyway configuration
 * @param missingDown             what a migration without a down script gets, unless declared irreversible
 * @param parallel                how many parts of the round trips may run at once, each on its own database, as
 *                                shards do ({@link #PARALLEL_AUTO} for as many as the machine has processors, at most 4)
 * @param columnOrder             whether the position of columns in their table is compared (a down that re-adds a
 *                                dropped column at the end fails); false by default, as PostgreSQL can only append
 * @param queries                 the running application's queries, checked after each up (and down); none by default
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record RehearsalSettings(String migrations, Map<String, String> placeholders,
                                Set<MigrationVersion> irreversible, MigrationVersion minimumDowngradeVersion,
                                DataSettings data, LockSettings locks, String format, Shard shard,
                                boolean patchedSchemaReads, ToolSettings tool, MissingDown missingDown,
                                int parallel, boolean columnOrder, ApplicationQueries queries) {

    /** {@link #parallel()}: as many parts as the machine has processors, at most 4. */
    public static final int PARALLEL_AUTO = 0;

    /**
     * Migrations per part at least, when a plan's round trips run in parallel parts ({@link #parallel()}): below it, a
     * part's own start (its database, its ups) costs more than it saves.
     */
    public static final int MIGRATIONS_PER_PART = 40;

    public RehearsalSettings {
        if (parallel < 0) {
            throw new IllegalArgumentException("parallel must be " + PARALLEL_AUTO + " (auto) or 1 or more: " + parallel);
        }
        Objects.requireNonNull(migrations, "migrations");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(locks, "locks");
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(missingDown, "missingDown");
        Objects.requireNonNull(queries, "queries");
        placeholders = Map.copyOf(placeholders);
        irreversible = Set.copyOf(irreversible);
    }

    /** The settings without {@link #parallel()}, which is then {@link #PARALLEL_AUTO}. */
    public RehearsalSettings(String migrations, Map<String, String> placeholders, Set<MigrationVersion> irreversible,
                             MigrationVersion minimumDowngradeVersion, DataSettings data, LockSettings locks,
                             String format, Shard shard, boolean patchedSchemaReads, ToolSettings tool,
                             MissingDown missingDown) {
        this(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks, format, shard,
                patchedSchemaReads, tool, missingDown, PARALLEL_AUTO, false, ApplicationQueries.NONE);
    }

    /** The settings with column positions left out of schema comparisons. */
    public RehearsalSettings(String migrations, Map<String, String> placeholders, Set<MigrationVersion> irreversible,
                             MigrationVersion minimumDowngradeVersion, DataSettings data, LockSettings locks,
                             String format, Shard shard, boolean patchedSchemaReads, ToolSettings tool,
                             MissingDown missingDown, int parallel) {
        this(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks, format, shard,
                patchedSchemaReads, tool, missingDown, parallel, false, ApplicationQueries.NONE);
    }

    /** The settings without the running application's queries. */
    public RehearsalSettings(String migrations, Map<String, String> placeholders, Set<MigrationVersion> irreversible,
                             MigrationVersion minimumDowngradeVersion, DataSettings data, LockSettings locks,
                             String format, Shard shard, boolean patchedSchemaReads, ToolSettings tool,
                             MissingDown missingDown, int parallel, boolean columnOrder) {
        this(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks, format, shard,
                patchedSchemaReads, tool, missingDown, parallel, columnOrder, ApplicationQueries.NONE);
    }

    /** A copy that checks the running application's queries after each migration. */
    public RehearsalSettings withQueries(ApplicationQueries value) {
        return new RehearsalSettings(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks,
                format, shard, patchedSchemaReads, tool, missingDown, parallel, columnOrder, value);
    }

    /** Settings for a location, with no placeholders, every migration expected to be reversible, default data settings. */
    public static RehearsalSettings of(String migrations) {
        return new RehearsalSettings(migrations, Map.of(), Set.of(), null, DataSettings.DEFAULTS,
                LockSettings.DEFAULTS, null, Shard.ALL, true, ToolSettings.DEFAULTS,
                MissingDown.RESTORE);
    }

    /** A copy that compares the position of columns in their table ({@code rehearsal.schema.column-order}). */
    public RehearsalSettings withColumnOrder(boolean value) {
        return new RehearsalSettings(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks,
                format, shard, patchedSchemaReads, tool, missingDown, parallel, value, queries);
    }

    /** A copy that reads the migrations in this layout instead of detecting it. */
    public RehearsalSettings withFormat(String value) {
        return new RehearsalSettings(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks,
                value, shard, patchedSchemaReads, tool, missingDown, parallel, columnOrder, queries);
    }

    /** A copy with these lock settings. */
    public RehearsalSettings withLocks(LockSettings value) {
        return new RehearsalSettings(migrations, placeholders, irreversible, minimumDowngradeVersion, data, value,
                format, shard, patchedSchemaReads, tool, missingDown, parallel, columnOrder, queries);
    }

    /** A copy with these data settings. */
    public RehearsalSettings withData(DataSettings value) {
        return new RehearsalSettings(migrations, placeholders, irreversible, minimumDowngradeVersion, value, locks,
                format, shard, patchedSchemaReads, tool, missingDown, parallel, columnOrder, queries);
    }

    /**
     * A copy whose messages name fixes in these terms ({@link DataSettings#remedies()}): the command line's
     * ({@code -D rehearsal.lossy=18}, {@code --seed-file}) or the JUnit extension's ({@code @MigrationTest(lossy = "18")},
     * {@code TableSeed}, the default).
     */
    public RehearsalSettings withRemedies(Remedies value) {
        return withData(data.withRemedies(value));
    }

    /** A copy that runs only this part of the round trips. */
    public RehearsalSettings withShard(Shard value) {
        return new RehearsalSettings(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks,
                format, value, patchedSchemaReads, tool, missingDown, parallel, columnOrder, queries);
    }

    /**
     * A copy that runs at most {@code value} parts of the round trips at once ({@link #PARALLEL_AUTO}: as many as the
     * machine has processors, at most 4; 1: one after the other). See {@code MigrationRehearsal#roundTripSteps()}.
     */
    public RehearsalSettings withParallel(int value) {
        return new RehearsalSettings(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks,
                format, shard, patchedSchemaReads, tool, missingDown, value, columnOrder, queries);
    }

    /** A copy that reads the whole catalog for every schema read ({@code false}), or patches where it can. */
    public RehearsalSettings withPatchedSchemaReads(boolean value) {
        return new RehearsalSettings(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks,
                format, shard, value, tool, missingDown, parallel, columnOrder, queries);
    }

    /** A copy that drives the migration tool this way. */
    public RehearsalSettings withTool(ToolSettings value) {
        return new RehearsalSettings(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks,
                format, shard, patchedSchemaReads, value, missingDown, parallel, columnOrder, queries);
    }

    /** A copy where a migration without a down script gets this. */
    public RehearsalSettings withMissingDown(MissingDown value) {
        return new RehearsalSettings(migrations, placeholders, irreversible, minimumDowngradeVersion, data, locks,
                format, shard, patchedSchemaReads, tool, value, parallel, columnOrder, queries);
    }

    /** A copy that also allows these versions to have no down script. */
    public RehearsalSettings allowIrreversible(String... versions) {
        Set<MigrationVersion> all = new TreeSet<>(irreversible);
        for (String v : versions) {
            all.add(MigrationVersion.parse(v));
        }
        return new RehearsalSettings(migrations, placeholders, all, minimumDowngradeVersion, data, locks, format,
                shard, patchedSchemaReads, tool, missingDown, parallel, columnOrder, queries);
    }

    /** A copy where migrations at or below {@code version} need no down script. */
    public RehearsalSettings withMinimumDowngradeVersion(String version) {
        return new RehearsalSettings(migrations, placeholders, irreversible, MigrationVersion.parse(version), data,
                locks, format, shard, patchedSchemaReads, tool, missingDown, parallel, columnOrder, queries);
    }

    /** A copy with these placeholder values. */
    public RehearsalSettings withPlaceholders(Map<String, String> values) {
        return new RehearsalSettings(migrations, values, irreversible, minimumDowngradeVersion, data, locks, format,
                shard, patchedSchemaReads, tool, missingDown, parallel, columnOrder, queries);
    }

    /** What a migration without a down script gets, unless it is declared irreversible. */
    public enum MissingDown {
        /**
         * The default: the state before its up is kept as a copy of the database, restored after the up, and the up
         * applied again must give the same schema and data; a failure forced at its end must leave nothing behind.
         */
        RESTORE,
        /** Its round trip fails, naming the down script to add: for teams whose every migration must have one. */
        FAIL
    }

    /**
     * Why a migration may have no down script, or null when it must have one.
     */
    public String irreversibleAllowance(Migration migration) {
        if (irreversible.contains(migration.version())) {
            return "declared irreversible";
        }
        if (minimumDowngradeVersion != null && migration.version().compareTo(minimumDowngradeVersion) <= 0) {
            return "at or below the minimum downgrade version " + minimumDowngradeVersion;
        }
        return null;
    }
}

