package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * spring.flyway.* as Spring Boot reads it: a project keeps its settings in application.properties with a placeholder
 * that names another key, a profile set there and a profile file (application-prod.yml) holding Flyway placeholders,
 * relaxed names, and {vendor} in its locations. Each project is a class path of its own (a folder given to a class
 * loader), as the application's resources are on its test class path.
 */
class SpringBootSettingsTest {

    /** The project's resources: its configuration and its migrations under db/postgresql. */
    private static Path project(Path dir) throws IOException {
        Files.writeString(dir.resolve("application.properties"), """
                spring.profiles.active=prod
                spring.jpa.database=POSTGRESQL
                spring.flyway.sql-migration-suffixes=.${spring.jpa.database}.sql
                spring.flyway.table=schema_version
                spring.flyway.locations=classpath:db/{vendor}
                """);
        Files.writeString(dir.resolve("application-prod.yml"), """
                spring:
                  flyway:
                    placeholders:
                      tenantName: acme
                    baselineDescription: from the prod profile
                """);
        Path migrations = Files.createDirectories(dir.resolve("db/postgresql"));
        Files.writeString(migrations.resolve("V1__accounts.POSTGRESQL.sql"), """
                CREATE TABLE accounts (
                    id     bigint PRIMARY KEY,
                    tenant text NOT NULL DEFAULT '${tenantName}'
                );
                """);
        Files.writeString(migrations.resolve("V2__account_names.POSTGRESQL.sql"),
                "ALTER TABLE accounts ADD COLUMN name text;\n");
        Files.writeString(migrations.resolve("README.md"), "migrations for PostgreSQL\n");
        return dir;
    }

    private static URLClassLoader classPath(Path dir, ClassLoader parent) throws IOException {
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, parent);
    }

    @Test
    void placeholdersProfilesRelaxedNamesAndVendorAreReadAsSpringBootReadsThem(@TempDir Path dir) throws Exception {
        try (URLClassLoader loader = classPath(project(dir), getClass().getClassLoader())) {
            String location = MigrationSources.defaultLocation(ToolSettings.DEFAULTS, loader);
            assertThat(location).isEqualTo("classpath:db/postgresql");
            try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of(location),
                    DatabaseProviders.embeddedPostgres(), loader)) {
                assertThat(r.history().versioned()).hasSize(2);
                RoundTripReport report = r.runRoundTrips();
                assertThat(report.failed()).as(report.toText()).isFalse();
                assertThat(report.steps().get(0).note()).contains("application.properties")
                        .contains("application-prod.yml").contains("Spring Boot, profile prod");
                r.migrateTo("latest");
                assertThat(r.query("select count(*) as n from schema_version").column("n")).containsExactly(2L);
                assertThat(r.schema().column("accounts", "tenant").orElseThrow().summary()).contains("'acme'");
            }
        }
    }

    @Test
    void withoutSpringBootPlaceholdersAreResolvedWithinTheFilesRead(@TempDir Path dir) throws Exception {
        ClassLoader withoutSpring = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("org.springframework.")) {
                    throw new ClassNotFoundException(name + " (hidden: a project without Spring Boot)");
                }
                return super.loadClass(name, resolve);
            }
        };
        try (URLClassLoader loader = classPath(project(dir), withoutSpring)) {
            // no profiles without Spring Boot: the tenant placeholder of application-prod.yml is set by the test
            RehearsalSettings settings = RehearsalSettings.of("classpath:db/postgresql")
                    .withPlaceholders(Map.of("tenantName", "acme"));
            try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(), loader)) {
                assertThat(r.history().versioned()).as("the suffix .${spring.jpa.database}.sql resolved").hasSize(2);
                r.migrateTo("latest");
                assertThat(r.query("select count(*) as n from schema_version").column("n")).containsExactly(2L);
            }
        }
    }

    @Test
    void noMigrationsFoundNamesTheSuffixItLookedForWhereItWasSetAndTheNearestFiles(@TempDir Path dir) throws Exception {
        project(dir);
        Files.writeString(dir.resolve("application.properties"), Files.readString(dir.resolve("application.properties"))
                .replace("spring.jpa.database=POSTGRESQL", "spring.jpa.database=MYSQL"));
        try (URLClassLoader loader = classPath(dir, getClass().getClassLoader())) {
            assertThatThrownBy(() -> MigrationRehearsal.start(RehearsalSettings.of("classpath:db/postgresql"),
                    DatabaseProviders.embeddedPostgres(), loader))
                    .hasMessageContaining("no file named V<version>__<description>.MYSQL.sql")
                    .hasMessageContaining("sqlMigrationSuffixes .MYSQL.sql")
                    .hasMessageContaining("spring.flyway.sql-migration-suffixes from class path resource"
                            + " [application.properties]")
                    .hasMessageContaining("Nearest of the 3 files there: V1__accounts.POSTGRESQL.sql,"
                            + " V2__account_names.POSTGRESQL.sql");
        }
    }

    /** spring.liquibase.change-log is where the changelog is; its contexts and label-filter choose the changesets. */
    @Test
    void springLiquibaseSettingsChooseTheChangelogAndItsChangesets(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("application.yml"), """
                spring:
                  liquibase:
                    change-log: classpath:/histories/liquibase-contexts/db.changelog-master.xml
                    contexts: prod
                    label-filter: "!billing"
                """);
        try (URLClassLoader loader = classPath(dir, getClass().getClassLoader())) {
            String location = MigrationSources.defaultLocation(ToolSettings.DEFAULTS, loader);
            assertThat(location).isEqualTo("classpath:histories/liquibase-contexts/db.changelog-master.xml");
            try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of(location),
                    DatabaseProviders.embeddedPostgres(), loader)) {
                assertThat(r.history().versioned()).as("prod and !billing, as the extension's own filter gives")
                        .hasSize(4);
            }
        }
    }
}
