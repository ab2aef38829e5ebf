package dev.rehearsal.junit;

import org.apiguardian.api.API;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs {@link Rehearsal#roundTrips()} over realistic data: before each migration's up, every table is topped up to
 * {@link #rows()} rows (generated from the schema with Datafaker), and tables the migration creates are filled after
 * its up, so its down and up again run over data too. The round trip then checks that no data is lost or changed by
 * accident. On a test class it applies to all its tests; on a method, to that test.
 *
 * <p>Per-table rules (which the annotation cannot hold) go through
 * {@link Rehearsal#seedEachStep(long, dev.rehearsal.core.data.TableSeed...)}. To use this annotation and the
 * {@code dev.rehearsal.core.data.TableSeed} builder in one file, import the builder's factory statically:
 * {@code import static dev.rehearsal.core.data.TableSeed.table;}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@API(status = API.Status.STABLE, since = "0.1")
public @interface Seed {

    /**
     * Rows per table when {@code @Seed} names no count. Round trips want enough rows to show a lost or changed value
     * in every table, so this is more than {@link dev.rehearsal.core.data.TableSeed#DEFAULT_ROWS}, the count for a
     * table seeded by name in one test ({@code rehearsal.seed(table("orders"))}).
     */
    long DEFAULT_ROWS = 1000;

    /** Rows per table, 0 or more ({@link #DEFAULT_ROWS} when not given). Without {@code @Seed}: {@code rehearsal.seed.rows}, else 0. */
    long rows() default DEFAULT_ROWS;

    /**
     * The random seed: the same seed and schema give the same rows. {@code -1} falls back to {@code rehearsal.seed},
     * then 42.
     */
    long randomSeed() default -1;
}
