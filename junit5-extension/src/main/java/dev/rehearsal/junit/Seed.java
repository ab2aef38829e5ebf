package dev.rehearsal.junit;

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
 * {@link Rehearsal#seedEachStep(long, dev.rehearsal.core.data.Seed...)}. To use this annotation and the
 * {@code dev.rehearsal.core.data.Seed} builder in one file, import the builder's factory statically:
 * {@code import static dev.rehearsal.core.data.Seed.table;}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface Seed {

    /** Rows per table. */
    long rows() default 1000;

    /**
     * The random seed: the same seed and schema give the same rows. {@code -1} falls back to {@code rehearsal.seed},
     * then 42.
     */
    long randomSeed() default -1;
}
