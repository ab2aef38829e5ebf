package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.locks.LockMode;
import dev.rehearsal.junit.internal.RunEstimates;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.time.Duration;

/**
 * Assertions on one {@link MigrationRun}: how long it took, and, through its lock report, what an application
 * would have felt: {@code assertThat(run).blockedReadsAtMost(ofMillis(100)).hasNoRisk("non-concurrent-index")}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class MigrationRunAssert extends AbstractAssert<MigrationRunAssert, MigrationRun> {

    public MigrationRunAssert(MigrationRun actual) {
        super(actual, MigrationRunAssert.class);
    }

    private LockReportAssert locks() {
        isNotNull();
        return new LockReportAssert(actual.locks());
    }

    /**
     * Budgets on what the run's migrations will take at production volume: each one whose up script names a table
     * with a volume declared for the test is estimated ({@code Rehearsal.estimate(run)}, on copies; the database
     * stays as the run left it), and the estimates are checked: {@code atProductionVolume().tookAtMost(ofMinutes(1))
     * .blockedWritesAtMost(ofSeconds(2))}. Fails when nothing in the run can be estimated. Needs the run as the test's
     * {@code Rehearsal} returned it, during the test.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public ProductionVolumeAssert atProductionVolume() {
        isNotNull();
        return new ProductionVolumeAssert(actual, RunEstimates.of(actual));
    }

    /** Verifies the migrations took at most {@code max}. Budgets on time belong in benchmarks: machines are noisy. */
    public MigrationRunAssert tookAtMost(Duration max) {
        isNotNull();
        if (actual.duration().compareTo(max) > 0) {
            failWithMessage("Expecting the migration to take at most %d ms, but it took %d ms", max.toMillis(),
                    actual.duration().toMillis());
        }
        return this;
    }

    /** See {@link LockReportAssert#queryWaits}: {@code assertThat(run).queryWaits().atMost(ofMillis(100))}. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public QueryWaitsAssert queryWaits() {
        return locks().queryWaits();
    }

    /** See {@link LockReportAssert#blockedReadsAtMost}. */
    public MigrationRunAssert blockedReadsAtMost(Duration max) {
        locks().blockedReadsAtMost(max);
        return this;
    }

    /** See {@link LockReportAssert#blockedWritesAtMost}. */
    public MigrationRunAssert blockedWritesAtMost(Duration max) {
        locks().blockedWritesAtMost(max);
        return this;
    }

    /** See {@link LockReportAssert#heldNoAccessExclusiveLongerThan}. */
    public MigrationRunAssert heldNoAccessExclusiveLongerThan(Duration max) {
        locks().heldNoAccessExclusiveLongerThan(max);
        return this;
    }

    /** See {@link LockReportAssert#blockedNoWrites}. */
    public MigrationRunAssert blockedNoWrites() {
        locks().blockedNoWrites();
        return this;
    }

    /** See {@link LockReportAssert#blockedNoReads}. */
    public MigrationRunAssert blockedNoReads() {
        locks().blockedNoReads();
        return this;
    }

    /** See {@link LockReportAssert#blockedWritesOn}. */
    public MigrationRunAssert blockedWritesOn(String table) {
        locks().blockedWritesOn(table);
        return this;
    }

    /** See {@link LockReportAssert#tookNo}. */
    public MigrationRunAssert tookNo(LockMode mode) {
        locks().tookNo(mode);
        return this;
    }

    /** See {@link LockReportAssert#hasNoRisk}. */
    public MigrationRunAssert hasNoRisk(String rule) {
        locks().hasNoRisk(rule);
        return this;
    }

    /** See {@link LockReportAssert#hasNoRisks}. */
    public MigrationRunAssert hasNoRisks() {
        locks().hasNoRisks();
        return this;
    }

    /** See {@link LockReportAssert#hasRisk}. */
    public MigrationRunAssert hasRisk(String rule) {
        locks().hasRisk(rule);
        return this;
    }

    /** See {@link LockReportAssert#rewrote}. */
    public MigrationRunAssert rewrote(String table) {
        locks().rewrote(table);
        return this;
    }

    /** See {@link LockReportAssert#didNotRewrite}. */
    public MigrationRunAssert didNotRewrite(String table) {
        locks().didNotRewrite(table);
        return this;
    }
}
