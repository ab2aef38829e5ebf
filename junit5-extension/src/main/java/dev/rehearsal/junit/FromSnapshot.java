package dev.rehearsal.junit;

import org.apiguardian.api.API;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Starts the test's database from a masked data snapshot ({@code dev.rehearsal.snapshots.DataSnapshot}): the database
 * is migrated to the version the snapshot was taken at and its rows are loaded, before the test runs. The round trips
 * then rehearse the newer migrations over that data, with every data check; {@link Seed} tops up the tables the
 * snapshot left empty. On a method it wins over the class's.
 *
 * <pre>
 * &#64;MigrationTest
 * &#64;FromSnapshot("classpath:snapshots/shop-v12.rehearsal")
 * class NewMigrationsOverProductionDataTest { ... }
 * </pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public @interface FromSnapshot {

    /** Where the snapshot file is: {@code classpath:snapshots/shop.rehearsal} or {@code filesystem:path/to/file}. */
    String value();
}
