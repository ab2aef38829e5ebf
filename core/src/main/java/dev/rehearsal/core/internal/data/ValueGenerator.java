package dev.rehearsal.core.internal.data;

import org.apiguardian.api.API;

import java.util.Random;

/** Makes one column's values, one per call, from the table's seeded random source. */
@FunctionalInterface
@API(status = API.Status.INTERNAL, since = "0.1")
public interface ValueGenerator {

    Object next(Random random);

    /** Whether {@link #variant} can make many distinct values from one (text and integers can; booleans cannot). */
    default boolean canVary() {
        return false;
    }

    /** A distinct variant of {@code value} for unique columns, using a counter the caller increments. */
    default Object variant(Object value, long counter) {
        return value;
    }
}
