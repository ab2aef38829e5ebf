package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.EngineLocks;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.data.DataChecks;
import dev.rehearsal.core.locks.HeldLock;
import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.core.locks.LockSettings;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.locks.ProductionTables;
import dev.rehearsal.core.locks.RiskFacts;
import dev.rehearsal.core.locks.RiskRuleSet;
import dev.rehearsal.core.locks.Traffic;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaFact;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Watches migrations on one throwaway database: traces their statements and locks, plays probe traffic on the
 * tables they touch, optionally holds a long transaction in front of them, and judges the risk rules. One per
 * database; {@link #close()} closes its probe connections, its probe threads and its lock poller.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LockObservation implements AutoCloseable {

    private static final int MAX_PROBED_TABLES = 6;
    private static final Duration BLOCKED_ABOVE = Duration.ofMillis(5);
    private static final Duration PROBE_PAUSE = Duration.ofMillis(6);

    private final ObservedDataSource observed;
    private final DataSource raw;
    private final Dialect dialect;
    private final LockSettings settings;
    private final Set<String> excluded;
    private final ProbeConnections connections;
    private final LockPoller poller = new LockPoller();
    private final ProbeThreads probeThreads = new ProbeThreads();
    private ApplicationStatements application;

    public LockObservation(ObservedDataSource observed, DataSource raw, Dialect dialect, LockSettings settings,
                           Set<String> excluded) {
        this.observed = observed;
        this.raw = raw;
        this.dialect = dialect;
        this.settings = settings;
        this.excluded = excluded;
        this.connections = new ProbeConnections(raw, dialect.locks(),
                settings.migrationTimeout().toMillis() + 10_000);
    }

    /**
     * Plays the application's own statements as the traffic of every later run, on the tables they name, beside the
     * probes.
     */
    public void playApplication(ApplicationStatements statements) {
        this.application = statements;
    }

    /** One script taking part in an observed run: its name and text. */
    public record Script(String name, String sql) {
    }

    /**
     * Starts watching. {@code before} is the schema now; {@code scripts} the scripts about to run (to place
     * statements and find the tables they touch); {@code reverting} whether they are down scripts.
     */
    public Run begin(SchemaSnapshot before, List<Script> scripts, Traffic traffic, boolean reverting) throws SQLException {
        return new Run(before, scripts, traffic, reverting);
    }

    /** One observed migration run. */
    public final class Run {
        private final SchemaSnapshot before;
        private final List<Script> scripts;
        private final Traffic traffic;
        private final Map<String, Long> rows = new LinkedHashMap<>();
        private final Connection observer;
        private final LockTracer tracer;
        private Prober prober;
        private ApplicationTraffic applicationTraffic;
        private List<ApplicationTraffic.Played> played = List.of();
        private Connection blocker;
        private Thread release;
        private final boolean reverting;
        private boolean finished;
        private LockTracer.Result result;
        private List<ProbeResult> probes;
        private boolean locksOutlastRun;

        private Run(SchemaSnapshot before, List<Script> scripts, Traffic traffic, boolean reverting) throws SQLException {
            this.reverting = reverting;
            this.before = before;
            this.scripts = scripts;
            this.traffic = traffic;
            EngineLocks support = dialect.locks();
            Set<String> existing = new HashSet<>();
            for (ObjectKind kind : List.of(ObjectKind.TABLE, ObjectKind.INDEX, ObjectKind.SEQUENCE, ObjectKind.VIEW,
                    ObjectKind.MATERIALIZED_VIEW)) {
                before.objects(kind).forEach(o -> existing.add(o.name()));
            }
            List<Prober.Target> targets = new ArrayList<>();
            observer = connections.take();
            try {
                DataAccess data = dialect.data(observer);
                List<Predicate<String>> mentioned = scripts.stream()
                        .map(s -> DataChecks.mentionedIn(s.sql())).toList();
                List<SchemaObject> touched = before.objects(ObjectKind.TABLE).stream()
                        .filter(t -> !excluded.contains(t.name()))
                        .filter(t -> mentioned.stream().anyMatch(m -> m.test(t.name()))).toList();
                List<String> touchedNames = touched.stream().map(SchemaObject::name).toList();
                EngineLocks.StartingPoint start = support.startingPoint(observer, touchedNames);
                // tables the starting point knows to be empty are not counted: one round trip less per phase
                Map<String, Long> counts = data.counts(touchedNames.stream()
                        .filter(t -> !start.withoutRows().contains(t)).toList());
                List<TrafficStatement> application = applicationStatements(touchedNames, traffic, reverting);
                Set<String> written = new HashSet<>();
                application.stream().filter(st -> st.kind() != ProbeResult.Kind.READ)
                        .forEach(st -> written.add(st.table()));
                for (SchemaObject table : touched) {
                    long count = counts.getOrDefault(table.name(), 0L);
                    rows.put(table.name(), count);
                    // an empty table makes no one wait long: probing it would only slow the rehearsal down. The
                    // probes play the tables the application's statements play too (the lock budgets and the lock
                    // queue are theirs), a reader alone where the application writes: probes writing the rows the
                    // application writes would wait on each other, not on the migration
                    if (count > 0 && targets.size() < MAX_PROBED_TABLES) {
                        String column = before.columns(table.name()).stream()
                                .filter(c -> c.fact(SchemaFact.GENERATED).isEmpty() && c.fact(SchemaFact.IDENTITY).isEmpty())
                                .map(SchemaObject::simpleName).findFirst().orElse(null);
                        targets.add(new Prober.Target(table.name(), column, written.contains(table.name())));
                    }
                }
                List<LockTracer.ScriptStatement> statements = new ArrayList<>();
                for (Script s : scripts) {
                    for (SqlStatement st : dialect.split(s.sql())) {
                        statements.add(new LockTracer.ScriptStatement(s.name(), st.line(), st.sql()));
                    }
                }
                tracer = new LockTracer(support, observer, excluded, existing, rows.keySet(), start, statements,
                        settings.migrationTimeout(), settings.pollInterval());
                boolean probing = traffic.runProbes() && settings.probes() && !targets.isEmpty();
                boolean blocking = !traffic.longTransaction().isZero() && !targets.isEmpty();
                // the sessions this run needs, opened at once where the pool has too few (a restored copy has none)
                connections.prepare((probing ? Prober.sessions(targets) : 0) + (blocking ? 1 : 0)
                        + ApplicationTraffic.sessions(application));
                if (blocking) {
                    holdLongTransaction(targets);
                }
                // a thread for every session of this phase, probes and the application's alike, before any starts
                probeThreads.reserve((probing ? Prober.sessions(targets) : 0) + ApplicationTraffic.sessions(application));
                List<TrafficSessions> watched = new ArrayList<>();
                if (probing) {
                    prober = new Prober(support, connections, probeThreads, targets, BLOCKED_ABOVE, PROBE_PAUSE,
                            tracer.origin());
                    prober.start();
                    watched.add(prober);
                }
                if (!application.isEmpty()) {
                    startApplication(application, watched);
                }
                tracer.watch(watched);
                tracer.start(poller);
                observed.observe(tracer);
                if (blocker != null) {
                    release.start();
                }
            } catch (SQLException | RuntimeException e) {
                abandon();
                throw e;
            }
        }

        /**
         * The application's statements on the touched tables, where they are given and traffic runs. The session
         * they are tried on is taken only when one is tried, and closed after: no session carries them on.
         */
        private List<TrafficStatement> applicationStatements(List<String> touched, Traffic traffic, boolean reverting) {
            if (application == null || !traffic.runProbes() || !settings.probes() || touched.isEmpty()) {
                return List.of();
            }
            Connection[] taken = new Connection[1];
            try {
                return application.on(new LinkedHashSet<>(touched), before, () -> {
                    if (taken[0] == null) {
                        try {
                            taken[0] = connections.take();
                        } catch (SQLException e) {
                            throw new RehearsalException("no session for the application's"
                                    + " statements: " + e.getSQLState() + ": " + e.getMessage(), e);
                        }
                    }
                    return taken[0];
                }, reverting);
            } finally {
                if (taken[0] != null) {
                    connections.give(taken[0], false);
                }
            }
        }

        /** Starts the application's sessions; where they cannot start, the phase goes on with the probes alone. */
        private void startApplication(List<TrafficStatement> statements, List<TrafficSessions> watched) {
            ApplicationTraffic started = new ApplicationTraffic(connections, probeThreads, statements, BLOCKED_ABOVE,
                    PROBE_PAUSE, tracer.origin());
            try {
                started.start();
            } catch (SQLException | RuntimeException e) {
                started.stop(false);
                application.unplayed("the application's statements could not start as traffic ("
                        + (e instanceof SQLException sql && sql.getSQLState() != null ? sql.getSQLState() + ": " : "")
                        + e.getMessage() + "), so the probes played alone");
                return;
            }
            applicationTraffic = started;
            watched.add(started);
        }

        private void holdLongTransaction(List<Prober.Target> targets) throws SQLException {
            blocker = connections.take();
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                for (Prober.Target t : targets) {
                    st.execute(dialect.locks().readProbe(t.table()));
                }
            }
            long hold = traffic.longTransaction().toMillis();
            release = new Thread(() -> {
                try {
                    Thread.sleep(hold);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                endLongTransaction();
            }, "rehearsal-long-transaction");
            release.setDaemon(true);
        }

        private synchronized void endLongTransaction() {
            if (blocker != null) {
                Connection c = blocker;
                blocker = null;
                connections.give(c, true);
            }
        }

        /**
         * The migration's transaction stays open after the run (Rehearsal holds it until a restore rolls it back):
         * probes still waiting on its locks when the run ends are stopped then, their wait counted up to that end.
         */
        public void locksOutlastRun() {
            locksOutlastRun = true;
        }

        /** Why the migration was stopped (its timeout), or null. */
        public String timeoutMessage() {
            return tracer == null ? null : tracer.timeoutMessage();
        }

        private void abandon() {
            observed.observe(null);
            if (prober != null) {
                prober.stop();
            }
            if (applicationTraffic != null) {
                applicationTraffic.stop(false);
            }
            endLongTransaction();
            if (tracer != null) {
                tracer.finish();
            }
            closeObserver();
        }

        private void closeObserver() {
            connections.give(observer, true);
        }

        /**
         * Stops the probes, the long transaction and the trace, as soon as the migration has run: the schema is read
         * after this, and probes still running beside that read slowed it down (schema.catalog 2.8-3.1 against 2.4 ms
         * per seeded phase on a 2-core machine). Called again it does nothing; {@link #finish} calls it if no one did.
         */
        public void stop() {
            if (result != null) {
                return;
            }
            observed.observe(null);
            if (release != null) {
                release.interrupt();
            }
            endLongTransaction();
            if (applicationTraffic != null) {
                applicationTraffic.halt(locksOutlastRun); // at the migration's end, not once the probes have stopped
            }
            probes = prober == null ? List.of() : prober.stop(locksOutlastRun);
            played = applicationTraffic == null ? List.of() : applicationTraffic.stop(locksOutlastRun);
            result = tracer.finish();
            closeObserver();
        }

        /**
         * Stops watching (if {@link #stop} has not) and returns the report; {@code after} is the schema now (null
         * when the migration failed), {@code allowed} the risk rules the migration allows, with reasons.
         */
        public LockReport finish(SchemaSnapshot after, Map<String, String> allowed) {
            return finish(after, allowed, ProductionTables.NONE);
        }

        /** As {@link #finish(SchemaSnapshot, Map)}, with the tables production already has, for the risk rules. */
        public LockReport finish(SchemaSnapshot after, Map<String, String> allowed, ProductionTables production) {
            if (finished) {
                throw new IllegalStateException("finished twice");
            }
            finished = true;
            stop();
            RiskRuleSet rules = dialect.locks().riskRules();
            List<LockRisk> risks = after == null ? List.of() : rules.evaluate(new RiskFacts(result.statements(),
                    result.locks(), result.transactions(), before, after, rows, reverting, result.collisions(), production),
                    allowed);
            Optional<LockReport.LockQueue> queue = Optional.empty();
            if (!traffic.longTransaction().isZero()) {
                queue = result.locks().stream().filter(l -> !l.waited().isZero())
                        .max(Comparator.comparing(HeldLock::waited))
                        .map(l -> new LockReport.LockQueue(result.statements().get(l.statement()), l, l.waited(),
                                result.statements().get(l.statement()).failed(),
                                probes.stream().map(ProbeResult::longestWait).max(Comparator.naturalOrder())
                                        .orElse(Duration.ZERO)));
            }
            return new LockReport(result.statements(), result.locks(), probes, risks, queue,
                    QueryWaitAttribution.of(played, result.statements(), result.locks(), dialect.engine()));
        }
    }

    /** The scripts' {@code -- rehearsal:allow} comments and the settings' allowances for a version, merged. */
    public static Map<String, String> allowed(List<Script> scripts, Map<String, String> fromSettings) {
        Map<String, String> all = new LinkedHashMap<>();
        for (Script s : scripts) {
            all.putAll(RiskRules.allowedIn(s.sql()));
        }
        all.putAll(fromSettings);
        return all;
    }

    @Override
    public void close() {
        poller.close();
        probeThreads.close();
        connections.close();
    }
}
