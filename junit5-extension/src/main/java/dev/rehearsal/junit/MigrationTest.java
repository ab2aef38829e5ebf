package dev.rehearsal.junit;

import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.flyway.FlywayCustomizer;
import dev.rehearsal.junit.internal.RehearsalExtension;
import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that rehearses a migration history. Each test method gets its own throwaway database (an
 * embedded PostgreSQL by default, nothing to install) and can declare {@link Rehearsal} and
 * {@link javax.sql.DataSource} parameters; the database is dropped when the test ends.
 *
 * <p>An attribute left at its default falls back to the {@code rehearsal.*} configuration parameter
 * ({@code junit-platform.properties} or a system property), then to the built-in default.
 *
 * <pre>{@code
 * @MigrationTest(migrations = "classpath:db/migration")
 * class OrderMigrationsTest {
 *     @TestFactory
 *     Stream<DynamicNode> everyMigrationRoundTrips(Rehearsal rehearsal) {
 *         return rehearsal.roundTrips();
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RehearsalExtension.class)
@API(status = API.Status.STABLE, since = "0.1")
public @interface MigrationTest {

    /**
     * Where the migrations are: {@code classpath:db/migration} or {@code filesystem:path/to/dir}; several,
     * comma-separated, as Flyway's {@code locations}.
     * Falls back to {@code rehearsal.migrations}, then the {@code locations} of the team's Flyway configuration
     * ({@code flyway.conf}, {@code flyway.toml}, {@code spring.flyway.locations}), then {@code classpath:db/migration}.
     */
    String migrations() default "";

    /**
     * The layout of the migrations: {@code flyway}, {@code golang-migrate}, {@code dbmate}, {@code prisma},
     * {@code alembic}, {@code knex}, {@code django}, {@code liquibase}, {@code atlas}, {@code drizzle} or
     * {@code sqitch}. Empty detects it from the files (and explains when they fit none, or several). Falls back to
     * {@code rehearsal.format}.
     */
    String format() default "";

    /**
     * The folder of this history's schema golden files, relative to the module ({@code rehearsal.snapshots.dir}, by
     * default {@code src/test/resources/rehearsal/schema}): a second history in the same module needs its own.
     */
    String goldenFiles() default "";

    /**
     * A Docker image to rehearse on instead of the embedded PostgreSQL ({@code postgres:17}; a {@code mariadb}
     * image runs MariaDB): one Testcontainers container per image for the whole run, a throwaway database inside it
     * per test. Needs {@code org.testcontainers:testcontainers-postgresql} (or {@code -mariadb}) and a Docker engine.
     * Falls back to {@code rehearsal.image}.
     */
    String image() default "";

    /**
     * Where the throwaway databases come from: {@link Provider#AUTO} picks a container when an image is named, a
     * server when {@code rehearsal.jdbc.url} is set, else the embedded PostgreSQL. Falls back to
     * {@code rehearsal.provider} ({@code embedded}, {@code server}, {@code testcontainers}).
     */
    Provider provider() default Provider.AUTO;

    /**
     * The engines this class rehearses on. {@link MigrationMatrix} methods without their own list run once per
     * engine, with the engine and its version in the display name; other tests run on the first. Empty means
     * PostgreSQL (or the engine {@code rehearsal.jdbc.url} names).
     */
    Engine[] engines() default {};

    /**
     * Versions allowed to have no down script; their down and up-again phases are skipped.
     * Adds to {@code rehearsal.irreversible} (comma-separated).
     */
    String[] irreversible() default {};

    /**
     * Migrations at or below this version need no down script (as pytest-alembic's
     * {@code minimum_downgrade_revision}). Falls back to {@code rehearsal.minimum-downgrade-version}.
     */
    String minimumDowngradeVersion() default "";

    /**
     * Placeholder values as {@code name=value}, replaced in scripts as Flyway does. Adds to the
     * {@code rehearsal.placeholders.<name>} parameters.
     */
    String[] placeholders() default {};

    /**
     * Versions whose down script is declared to lose data (it cannot restore values the up dropped or moved):
     * their down phase passes and the report notes what was lost. Adds to {@code rehearsal.lossy}.
     */
    String[] lossy() default {};

    /**
     * Versions declared to change existing data on purpose: add or delete rows of existing tables, change tables
     * they do not name, or fill a new column for some rows only. Adds to {@code rehearsal.data-changes}.
     */
    String[] dataChanges() default {};

    /**
     * Risk rules a migration may break, with the reason: {@code "5 non-concurrent-index: the table holds 20 rows in
     * production"}. A script can also say so itself: {@code -- rehearsal:allow non-concurrent-index <reason>}.
     */
    String[] allowRisks() default {};

    /**
     * Adjusts Flyway's configuration in code, after the team's {@code flyway.conf}, {@code flyway.toml} or
     * {@code spring.flyway.*} properties are applied: a class with a public no-argument constructor. Falls back to
     * {@code rehearsal.flyway.customizer} (a class name).
     */
    Class<? extends FlywayCustomizer> flywayCustomizer() default FlywayCustomizer.None.class;
}
