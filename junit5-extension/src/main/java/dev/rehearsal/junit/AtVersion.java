package dev.rehearsal.junit;

import org.apiguardian.api.API;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Fixture data at a revision, as pytest-alembic's {@code at_revision_data}: before the test body runs, the
 * database is migrated to {@link #value()} and the rows of {@link #fixture()} are inserted. Repeat the annotation
 * to insert data at several versions; they are applied in version order. The test then migrates on and asserts:
 *
 * <pre>{@code
 * @Test
 * @AtVersion(value = "3", fixture = "fixtures/customers-v3.yaml")
 * void namesSurviveTheSplit(Rehearsal rehearsal) {
 *     rehearsal.migrateTo("5");
 *     assertThat(rehearsal.query("select first_name, last_name from customers order by id"))
 *             .containsExactly(row("Ada", "Lovelace"), row("Alan", "Turing"));
 * }
 * }</pre>
 *
 * A fixture is YAML or JSON mapping table names to lists of rows, or a CSV file named after its table
 * ({@code customers.csv}, header row first). Plain paths are looked up on the classpath, then on the filesystem;
 * {@code classpath:} and {@code filesystem:} prefixes choose one.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(AtVersion.List.class)
@API(status = API.Status.STABLE, since = "0.1")
public @interface AtVersion {

    /** The version to migrate to before inserting the fixture. */
    String value();

    /** The fixture file; empty to only migrate. */
    String fixture() default "";

    /** Holds repeated {@link AtVersion} annotations. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface List {
        AtVersion[] value();
    }
}
