package dev.rehearsal.core.flyway;

import org.apiguardian.api.API;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Adjusts Flyway's configuration in code, for what the team's {@code flyway.conf} or Spring properties do not say:
 * Java callbacks, resolvers, a configuration built by the application. Named in
 * {@code @MigrationTest(flywayCustomizer = ...)} or {@code rehearsal.flyway.customizer}; needs a public
 * no-argument constructor. It runs after the configuration files are applied; Rehearsal then sets what it must
 * (its database, the migrations it read, {@code cleanDisabled}) and says so once where that differs.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@FunctionalInterface
public interface FlywayCustomizer {

    /** Changes the configuration Rehearsal will run Flyway with. */
    void customize(FluentConfiguration configuration);

    /** The default: no changes. */
    final class None implements FlywayCustomizer {
        @Override
        public void customize(FluentConfiguration configuration) {
        }
    }
}
