package dev.rehearsal.core.internal.tools.flyway;

import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * What of Flyway's API differs between the versions Rehearsal supports, one implementation per range, chosen once
 * from {@link FlywayVersion} when a Flyway history is opened: no call is tried and caught.
 */
interface FlywayApi {

    /** The Flyway these calls are for. */
    FlywayVersion version();

    /**
     * Makes Flyway take its PostgreSQL lock at session level: its default transactional advisory lock keeps a
     * transaction open that {@code CREATE INDEX CONCURRENTLY} waits for forever (flyway/flyway#3508, #3682), and
     * Flyway's docs advise session-level locks for it.
     */
    void sessionLevelLock(FluentConfiguration config);

    /** The API of the Flyway {@code classLoader} loads. */
    static FlywayApi of(ClassLoader classLoader) {
        FlywayVersion version = FlywayVersion.onClassPath(classLoader);
        return version.atLeast(11, 14) ? new ConfigurationExtensionApi(version) : new PluginRegisterApi(version);
    }

    /** Flyway 10.0 to 11.13: the PostgreSQL settings are a plugin of the configuration's plugin register. */
    record PluginRegisterApi(FlywayVersion version) implements FlywayApi {
        @Override
        public void sessionLevelLock(FluentConfiguration config) {
            config.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class)
                    .setTransactionalLock(false);
        }
    }

    /** Flyway 11.14 and later: the configuration hands out its own configuration extensions. */
    record ConfigurationExtensionApi(FlywayVersion version) implements FlywayApi {
        @Override
        public void sessionLevelLock(FluentConfiguration config) {
            config.getConfigurationExtension(PostgreSQLConfigurationExtension.class)
                    .setTransactionalLock(false);
        }
    }
}
