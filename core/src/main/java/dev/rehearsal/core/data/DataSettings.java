package dev.rehearsal.core.data;

import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Remedies;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How Rehearsal seeds and checks data. Immutable; {@link #DEFAULTS} is what a test gets without configuration.
 *
 * @param randomSeed      the seed of every random choice: the same seed and schema give the same rows
 * @param locale          Datafaker's locale for names, cities, phone numbers...
 * @param nullRatio       share of NULLs in nullable columns (0 to 1)
 * @param checkRetries    how many times a batch rejected by a CHECK constraint is generated again before seeding fails
 * @param roundTripRows   rows each table is topped up to before each round-trip step (and tables a step creates
 *                        after its up); 0 seeds nothing
 * @param roundTripSeeds  per-table overrides used by that seeding
 * @param dataChecks      whether round trips check data (fingerprints, integrity) when tables have rows
 * @param lossy           versions whose down script is declared to lose data the up created or moved
 * @param dataChanges     versions declared to change existing data beyond their schema change: add or delete rows
 *                        of existing tables, change tables they do not name, fill a new column for some rows only
 * @param boundaryValues  whether seeded rows include values at the edges of what columns allow (one in 16)
 * @param remedies        how messages name a fix (declaring a migration lossy, overriding a column's seeded values):
 *                        in the JUnit extension's terms ({@link Remedies#ANNOTATIONS}, the default) or the command
 *                        line's
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record DataSettings(long randomSeed, Locale locale, double nullRatio, int checkRetries, long roundTripRows,
                           List<TableSeed> roundTripSeeds, boolean dataChecks, Set<MigrationVersion> lossy,
                           Set<MigrationVersion> dataChanges, boolean boundaryValues, Remedies remedies) {

    /** TableSeed 42, English, 10 % NULLs, 5 retries, no seeding in round trips, checks on, nothing declared. */
    public static final DataSettings DEFAULTS = new DataSettings(42, Locale.ENGLISH, 0.1, 5, 0, List.of(), true,
            Set.of(), Set.of(), true, Remedies.ANNOTATIONS);

    /** Settings whose messages name fixes in the JUnit extension's terms. */
    public DataSettings(long randomSeed, Locale locale, double nullRatio, int checkRetries, long roundTripRows,
                        List<TableSeed> roundTripSeeds, boolean dataChecks, Set<MigrationVersion> lossy,
                        Set<MigrationVersion> dataChanges, boolean boundaryValues) {
        this(randomSeed, locale, nullRatio, checkRetries, roundTripRows, roundTripSeeds, dataChecks, lossy, dataChanges,
                boundaryValues, Remedies.ANNOTATIONS);
    }

    /** Settings with boundary values on. */
    public DataSettings(long randomSeed, Locale locale, double nullRatio, int checkRetries, long roundTripRows,
                        List<TableSeed> roundTripSeeds, boolean dataChecks, Set<MigrationVersion> lossy,
                        Set<MigrationVersion> dataChanges) {
        this(randomSeed, locale, nullRatio, checkRetries, roundTripRows, roundTripSeeds, dataChecks, lossy, dataChanges, true);
    }

    /**
     * A copy that seeds boundary values (on by default): some text at exactly its declared length, numbers at their
     * precision and CHECK bounds, dates on 1970-01-02 and 2038-01-18, empty strings where allowed.
     */
    public DataSettings withBoundaryValues(boolean on) {
        return new DataSettings(randomSeed, locale, nullRatio, checkRetries, roundTripRows, roundTripSeeds, dataChecks,
                lossy, dataChanges, on, remedies);
    }

    public DataSettings {
        Objects.requireNonNull(locale, "locale");
        Objects.requireNonNull(remedies, "remedies");
        if (!(nullRatio >= 0 && nullRatio <= 1)) {
            throw new IllegalArgumentException("nullRatio must be between 0 and 1, not " + nullRatio);
        }
        if (checkRetries < 0 || roundTripRows < 0) {
            throw new IllegalArgumentException("checkRetries and roundTripRows must not be negative");
        }
        roundTripSeeds = List.copyOf(roundTripSeeds);
        lossy = Set.copyOf(lossy);
        dataChanges = Set.copyOf(dataChanges);
    }

    /** A copy with another random seed. */
    public DataSettings withRandomSeed(long seed) {
        return new DataSettings(seed, locale, nullRatio, checkRetries, roundTripRows, roundTripSeeds, dataChecks, lossy, dataChanges, boundaryValues, remedies);
    }

    /** A copy with another Datafaker locale. */
    public DataSettings withLocale(Locale value) {
        return new DataSettings(randomSeed, value, nullRatio, checkRetries, roundTripRows, roundTripSeeds, dataChecks, lossy, dataChanges, boundaryValues, remedies);
    }

    /** A copy with another share of NULLs in nullable columns. */
    public DataSettings withNullRatio(double ratio) {
        return new DataSettings(randomSeed, locale, ratio, checkRetries, roundTripRows, roundTripSeeds, dataChecks, lossy, dataChanges, boundaryValues, remedies);
    }

    /** A copy that tops every table up to {@code rows} before each round-trip step, with these overrides. */
    public DataSettings withRoundTripSeeding(long rows, TableSeed... overrides) {
        return new DataSettings(randomSeed, locale, nullRatio, checkRetries, rows, List.of(overrides), dataChecks, lossy, dataChanges, boundaryValues, remedies);
    }

    /** A copy with data checks on or off. */
    public DataSettings withDataChecks(boolean on) {
        return new DataSettings(randomSeed, locale, nullRatio, checkRetries, roundTripRows, roundTripSeeds, on, lossy, dataChanges, boundaryValues, remedies);
    }

    /** A copy that declares these versions' down scripts lossy. */
    public DataSettings declareLossy(String... versions) {
        return new DataSettings(randomSeed, locale, nullRatio, checkRetries, roundTripRows, roundTripSeeds, dataChecks,
                plus(lossy, versions), dataChanges, boundaryValues, remedies);
    }

    /** A copy that declares these versions to change existing data on purpose. */
    public DataSettings declareDataChanges(String... versions) {
        return new DataSettings(randomSeed, locale, nullRatio, checkRetries, roundTripRows, roundTripSeeds, dataChecks,
                lossy, plus(dataChanges, versions), boundaryValues, remedies);
    }

    /**
     * A copy whose messages name fixes in these terms: {@link Remedies#COMMAND_LINE} on the command line
     * ({@code -D rehearsal.lossy=18}, {@code --seed-file}), {@link Remedies#ANNOTATIONS} in the JUnit extension.
     */
    public DataSettings withRemedies(Remedies value) {
        return new DataSettings(randomSeed, locale, nullRatio, checkRetries, roundTripRows, roundTripSeeds, dataChecks,
                lossy, dataChanges, boundaryValues, value);
    }

    private static Set<MigrationVersion> plus(Set<MigrationVersion> set, String... versions) {
        Set<MigrationVersion> all = new TreeSet<>(set);
        for (String v : versions) {
            all.add(MigrationVersion.parse(v));
        }
        return all;
    }
}
