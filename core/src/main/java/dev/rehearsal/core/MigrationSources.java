package dev.rehearsal.core;

import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Finds the {@link MigrationSource} for a location by looking at its files, or takes the layout the settings name.
 * When the files fit several layouts, or none, the message lists what was found and the layouts supported.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MigrationSources {

    /** The layouts Rehearsal reads today, for messages. */
    public static final String SUPPORTED = "flyway (V<version>__<name>.sql, U<version>__<name>.sql undo scripts,"
            + " R__<name>.sql), golang-migrate (<version>_<name>.up.sql and .down.sql), dbmate (<version>_<name>.sql"
            + " with -- migrate:up and -- migrate:down sections), prisma (<timestamp>_<name>/migration.sql, optional"
            + " down.sql), alembic (versions/*.py revision files, or the offline SQL of alembic upgrade base:head --sql and"
            + " alembic downgrade head:base --sql), knex (<number>_<name>.js with a knexfile.js above them, through"
            + " Knex's API), django (an app's migrations folder below manage.py, through Django's migrate), liquibase (a changelog file: db.changelog-master.xml, .yaml, .json or"
            + " formatted .sql, through Liquibase's API), atlas (<version>_<name>.sql with atlas.sum; Atlas's"
            + " golang-migrate, flyway and dbmate formats are read as those layouts, their atlas.sum checked), drizzle"
            + " (meta/_journal.json and <tag>.sql files cut at --> statement-breakpoint), sqitch (sqitch.plan with deploy/,"
            + " revert/ and verify/ scripts), command (any tool through its own command: <number>_<name> files applied"
            + " by rehearsal.command.up, .down and .current)";

    private MigrationSources() {
    }

    /**
     * The source for the settings' location, its layout detected from the files there unless
     * {@link RehearsalSettings#format()} names one.
     *
     * @throws RehearsalException when the location is missing or empty, the layout is unknown or ambiguous
     */
    public static MigrationSource detect(RehearsalSettings settings, ClassLoader classLoader) {
        return CoreRuntime.get().detect(settings, classLoader);
    }

    /**
     * Where the migrations are when the test does not say: the {@code locations} of the team's Flyway configuration
     * ({@code flyway.conf}, {@code flyway.toml}, {@code spring.flyway.locations}), else {@code classpath:db/migration}.
     */
    public static String defaultLocation(ToolSettings tool, ClassLoader classLoader) {
        return CoreRuntime.get().defaultLocation(tool, classLoader);
    }
}
