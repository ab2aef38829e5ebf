package dev.rehearsal.core.locks;

import dev.rehearsal.core.model.MigrationVersion;
import org.apiguardian.api.API;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How Rehearsal watches locks. Immutable; {@link #DEFAULTS} traces every migration, probes the tables it touches
 * and stops one that runs past a minute.
 *
 * @param trace            whether statements and locks are traced (and risks found)
 * @param probes           whether probe traffic runs during round trips and {@code migrateTo}
 * @param migrationTimeout a migration still running after this is cancelled and reported (never a hung build)
 * @param pollInterval     how often the lock poller looks (the timing resolution of waits it sees)
 * @param budget           the budget every round-trip phase must keep
 * @param allowedRisks     per version, rule id to the reason it is allowed
 * @param allowedEverywhere rule id to the reason it is allowed in every migration ({@code rehearsal.allow-risks=*
 *                         no-lock-timeout: the deploy sets lock_timeout for the session})
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record LockSettings(boolean trace, boolean probes, Duration migrationTimeout, Duration pollInterval,
                           LockLimits budget, Map<MigrationVersion, Map<String, String>> allowedRisks,
                           Map<String, String> allowedEverywhere) {

    /** Trace and probe, stop migrations after 60 s, poll every 5 ms, no budget, no risk allowed. */
    public static final LockSettings DEFAULTS = new LockSettings(true, true, Duration.ofSeconds(60),
            Duration.ofMillis(5), LockLimits.NONE, Map.of(), Map.of());

    public LockSettings {
        Objects.requireNonNull(migrationTimeout, "migrationTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(budget, "budget");
        Map<MigrationVersion, Map<String, String>> copy = new HashMap<>();
        allowedRisks.forEach((v, m) -> copy.put(v, Map.copyOf(m)));
        allowedRisks = Map.copyOf(copy);
        allowedEverywhere = Map.copyOf(allowedEverywhere);
    }

    /** Settings whose allowed risks are per version only. */
    public LockSettings(boolean trace, boolean probes, Duration migrationTimeout, Duration pollInterval,
                        LockLimits budget, Map<MigrationVersion, Map<String, String>> allowedRisks) {
        this(trace, probes, migrationTimeout, pollInterval, budget, allowedRisks, Map.of());
    }

    /** The rules {@code version} may break, with why: its own allowances over those of every migration. */
    public Map<String, String> allowedFor(MigrationVersion version) {
        Map<String, String> all = new HashMap<>(allowedEverywhere);
        all.putAll(allowedRisks.getOrDefault(version, Map.of()));
        return all;
    }

    /** A copy with tracing and probes on or off. */
    public LockSettings withObservation(boolean traceOn, boolean probesOn) {
        return new LockSettings(traceOn, probesOn, migrationTimeout, pollInterval, budget, allowedRisks, allowedEverywhere);
    }

    /** A copy with another migration timeout. */
    public LockSettings withMigrationTimeout(Duration timeout) {
        return new LockSettings(trace, probes, timeout, pollInterval, budget, allowedRisks, allowedEverywhere);
    }

    /** A copy with a budget for every round-trip phase. */
    public LockSettings withBudget(LockLimits value) {
        return new LockSettings(trace, probes, migrationTimeout, pollInterval, value, allowedRisks, allowedEverywhere);
    }

    /** A copy that allows a risk rule for one migration ({@code *}: for every migration), with the reason. */
    public LockSettings allowRisk(String version, String rule, String reason) {
        if (version.trim().equals("*")) {
            Map<String, String> everywhere = new HashMap<>(allowedEverywhere);
            everywhere.put(rule, reason);
            return new LockSettings(trace, probes, migrationTimeout, pollInterval, budget, allowedRisks, everywhere);
        }
        Map<MigrationVersion, Map<String, String>> copy = new HashMap<>(allowedRisks);
        Map<String, String> rules = new HashMap<>(copy.getOrDefault(MigrationVersion.parse(version), Map.of()));
        rules.put(rule, reason);
        copy.put(MigrationVersion.parse(version), rules);
        return new LockSettings(trace, probes, migrationTimeout, pollInterval, budget, copy, allowedEverywhere);
    }
}
