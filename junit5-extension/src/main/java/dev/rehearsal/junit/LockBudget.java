package dev.rehearsal.junit;

import org.apiguardian.api.API;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A lock budget every phase of {@link Rehearsal#roundTrips()} must keep: while each migration runs, probe traffic
 * plays an application on the tables it touches, and a phase fails when reads or writes waited longer than allowed,
 * ACCESS EXCLUSIVE was held too long on a table that existed before, or (with {@link #noRisks()}) a risk rule fired
 * that the migration does not allow. Durations are written {@code "100ms"}, {@code "2s"}; empty means no limit.
 * On a test class it applies to all its tests; on a method, to that test.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@API(status = API.Status.STABLE, since = "0.1")
public @interface LockBudget {

    /** The longest a read ({@code SELECT}) may wait. */
    String reads() default "";

    /** The longest a write ({@code INSERT/UPDATE/DELETE}, or a locking read) may wait. */
    String writes() default "";

    /** The longest ACCESS EXCLUSIVE may be held on a table that existed before the migration. */
    String accessExclusive() default "";

    /** Whether a risk the migration does not allow fails the phase. */
    boolean noRisks() default false;

    /**
     * Whether the budget also holds at production volume: before the up of each migration whose script names a table
     * with a declared volume ({@link ProductionVolume}, {@code rehearsal.volume.<table>}, {@code rehearsal.volumes.file}),
     * the migration is estimated there ({@link Rehearsal#estimate(String)}), and the up fails when the estimated waits
     * break {@link #reads()}, {@link #writes()} or {@link #accessExclusive()}. Each such migration costs an estimate
     * (seconds); see {@code docs/estimates.md}.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    boolean atProductionVolume() default false;
}
