package dev.rehearsal.junit;

import org.apiguardian.api.API;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A table's production row count, for {@link Rehearsal#estimate(String)}:
 * {@code @ProductionVolume(table = "orders", rows = 50_000_000)} on the test class, one per table. It wins over
 * {@code rehearsal.volume.<table>} settings and the {@code rehearsal.volumes.file} statistics file.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(ProductionVolume.List.class)
public @interface ProductionVolume {

    /** The table ({@code orders}, or {@code audit.log} outside {@code public}). */
    String table();

    /** Its rows in production. */
    long rows();

    /** Several {@link ProductionVolume}s. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    @Documented
    @Inherited
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        ProductionVolume[] value();
    }
}
