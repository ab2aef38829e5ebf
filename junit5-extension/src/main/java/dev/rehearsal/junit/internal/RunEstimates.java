package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationRun;
import dev.rehearsal.core.estimate.VolumeEstimate;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the rehearsal that made a {@link MigrationRun}, so that {@code assertThat(run).atProductionVolume()} can
 * estimate the run from the run alone: a run is a plain value and does not know its rehearsal. Rehearsals register
 * while they are open (a test's lifetime); a run is matched by identity, never by equality, so two tests' equal runs
 * are never confused.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RunEstimates {

    private static final Set<DefaultRehearsal> OPEN = ConcurrentHashMap.newKeySet();

    private RunEstimates() {
    }

    static void opened(DefaultRehearsal rehearsal) {
        OPEN.add(rehearsal);
    }

    static void closed(DefaultRehearsal rehearsal) {
        OPEN.remove(rehearsal);
    }

    /**
     * The run's estimates at the volumes declared for its test ({@link dev.rehearsal.junit.Rehearsal#estimate(
     * MigrationRun)}), made once per run.
     *
     * @throws IllegalStateException when no open rehearsal made this run
     */
    public static List<VolumeEstimate> of(MigrationRun run) {
        return OPEN.stream().filter(r -> r.returned(run)).findFirst().orElseThrow(() -> new IllegalStateException(
                "This run was not made by an open @MigrationTest rehearsal, so there is nothing to estimate it on:"
                        + " call atProductionVolume() in the test that ran it, on the run its Rehearsal returned;"
                        + " outside JUnit, use MigrationRehearsal.estimate(run, volumes, settings)"))
                .estimate(run);
    }
}
