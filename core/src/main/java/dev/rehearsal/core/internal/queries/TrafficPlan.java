package dev.rehearsal.core.internal.queries;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.internal.locks.ApplicationStatements;
import dev.rehearsal.core.internal.locks.TrafficStatement;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.locks.ProbeResult;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Which of the application's statements a migration's traffic plays: those that name a table it touches, each tried
 * on the database before it, in a transaction rolled back, with values {@link ParameterValues} draws from the rows
 * there; its trial's time is its own time, which a run's wait is counted beyond. A statement that cannot run
 * there is left out of the traffic and named once ({@link RunningApplication#leftOutOfTraffic}). Sequences the
 * trials advanced are set back. A table with many statements plays {@value #PER_TABLE} of them per phase, drawn by
 * weight; a read's trial is kept until a schema change can reach it, a write is tried again before each phase.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TrafficPlan implements ApplicationStatements {

    private static final int QUERY_TIMEOUT_SECONDS = 10;
    private static final Pattern LOCKING = Pattern.compile("(?i)\\bfor\\s+(?:no\\s+key\\s+)?(?:update|share|key\\s+share)\\b"
            + "|\\block\\s+in\\s+share\\s+mode\\b");

    /**
     * The most statements one table's session plays in a phase, drawn by weight: a session runs a statement every few
     * milliseconds, so a phase seldom runs more, and each is run once beforehand.
     */
    static final int PER_TABLE = 12;

    private final RunningApplication application;
    private final Dialect dialect;
    /** What each statement did when last tried, on {@link #triedOn}: its values, or why it could not run. */
    private final Map<QueryCorpus.CorpusQuery, Tried> tried = new HashMap<>();
    private SchemaSnapshot triedOn;
    /** Draws change from phase to phase, so that a table with many statements has each played over a history. */
    private final Random draws = new Random(42);

    private record Tried(List<Object> values, String failure, Duration took) {
    }

    public TrafficPlan(RunningApplication application, Dialect dialect) {
        this.application = application;
        this.dialect = dialect;
    }

    @Override
    public List<TrafficStatement> on(Set<String> tables, SchemaSnapshot before, Supplier<Connection> connection,
                                     boolean reverting) {
        try (ComponentTiming ignored = ComponentTiming.time("queries.traffic")) {
            QueryCorpus corpus = reverting && application.checksDowns() ? application.after(dialect)
                    : application.before(dialect);
            Map<String, List<Candidate>> byTable = new LinkedHashMap<>();
            for (QueryCorpus.CorpusQuery query : corpus.queries()) {
                table(query, tables, before).ifPresent(t -> byTable.computeIfAbsent(t, k -> new ArrayList<>())
                        .add(new Candidate(query, t)));
            }
            if (byTable.isEmpty()) {
                return List.of();
            }
            List<Candidate> candidates = new ArrayList<>();
            byTable.values().forEach(c -> candidates.addAll(drawn(c)));
            return runnable(candidates, before, connection);
        } catch (SQLException | RuntimeException e) {
            // traffic never fails a migration: the phase runs with the probes alone, and the step's note says why
            unplayed("the application's statements could not be prepared as traffic before the"
                    + (reverting ? " down" : " up") + ", so the probes played alone: " + describe(e));
            return List.of();
        }
    }

    @Override
    public void unplayed(String why) {
        application.trafficNote(why);
    }

    private static String describe(Exception e) {
        return e instanceof SQLException sql ? ApplicationProbe.describe(sql) : String.valueOf(e.getMessage());
    }

    private record Candidate(QueryCorpus.CorpusQuery query, String table) {
    }

    /** The first touched table the statement names (a schema-qualified one by its last part too). */
    private static Optional<String> table(QueryCorpus.CorpusQuery query, Set<String> tables, SchemaSnapshot before) {
        if (query.text().kind() == QueryText.Kind.OTHER) {
            return Optional.empty();
        }
        for (SchemaObject t : before.objects(ObjectKind.TABLE)) {
            if (!tables.contains(t.name())) {
                continue;
            }
            String simple = t.name().substring(t.name().lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            if (query.words().contains(simple)) {
                return Optional.of(t.name());
            }
        }
        return Optional.empty();
    }

    /** At most {@link #PER_TABLE} of one table's statements, drawn by weight without replacement. */
    private List<Candidate> drawn(List<Candidate> all) {
        if (all.size() <= PER_TABLE) {
            return all;
        }
        // Efraimidis and Spirakis: the largest u^(1/w) are a weighted sample
        Map<Candidate, Double> keys = new HashMap<>();
        for (Candidate c : all) {
            keys.put(c, Math.pow(draws.nextDouble(), 1.0 / Math.max(1, c.query().calls())));
        }
        return all.stream().sorted(Comparator.comparing(keys::get).reversed()).limit(PER_TABLE).toList();
    }

    private List<TrafficStatement> runnable(List<Candidate> candidates, SchemaSnapshot before,
                                            Supplier<Connection> connection) throws SQLException {
        if (triedOn != null && !triedOn.equals(before)) {
            // only what the schema's change can reach may do otherwise than when last tried
            Predicate<QueryCorpus.CorpusQuery> affected = AffectedQueries.by(triedOn, before);
            tried.keySet().removeIf(affected);
        }
        triedOn = before;
        // a read does on an equal schema what it did; a write is tried again with values from the rows there now
        List<Candidate> untried = candidates.stream().filter(c -> c.query().text().kind().writes()
                || !tried.containsKey(c.query())).toList();
        if (!untried.isEmpty()) {
            tryEach(untried, before, connection.get());
        }
        List<TrafficStatement> statements = new ArrayList<>();
        for (Candidate c : candidates) {
            QueryCorpus.CorpusQuery q = c.query();
            Tried t = tried.get(q);
            if (t.failure() == null) {
                statements.add(new TrafficStatement(q.shown(), q.origin(), q.text().jdbc(), t.values(),
                        dialect.engine() == Engine.POSTGRES, c.table(), kind(q), q.calls(), t.took()));
            }
        }
        return statements;
    }

    private void tryEach(List<Candidate> untried, SchemaSnapshot before, Connection connection) throws SQLException {
        boolean writes = untried.stream().anyMatch(c -> c.query().text().kind().writes());
        Map<String, String> counters = writes ? dialect.data(connection).counters() : Map.of();
        ParameterValues values = new ParameterValues(connection, dialect, TableModel.all(before));
        try {
            for (Candidate c : untried) {
                QueryCorpus.CorpusQuery q = c.query();
                List<Object> drawn = new ArrayList<>();
                long[] took = new long[1];
                String failure = tryOnce(q, c.table(), values, connection, drawn, took);
                tried.put(q, new Tried(drawn, failure, Duration.ofNanos(took[0])));
                if (failure != null) {
                    application.leftOutOfTraffic(q.origin() + ": " + q.shown() + " (" + failure + ")");
                }
            }
        } finally {
            if (writes) {
                // sequences the trial inserts drew, set back (a failure here is the session's: the caller says so)
                dialect.data(connection).restoreCounters(counters);
            }
        }
    }

    private static ProbeResult.Kind kind(QueryCorpus.CorpusQuery q) {
        if (q.text().kind().writes()) {
            return ProbeResult.Kind.WRITE;
        }
        return LOCKING.matcher(q.sql()).find() ? ProbeResult.Kind.LOCKING_READ : ProbeResult.Kind.READ;
    }

    /**
     * Runs the statement with drawn values (into {@code drawn}) in a transaction rolled back, its time into
     * {@code took}: the statement's own time, with no one in its way (the traffic takes the quicker of this and its
     * quickest run in the phase); null when it ran, else why not.
     */
    private String tryOnce(QueryCorpus.CorpusQuery q, String table, ParameterValues values, Connection connection,
                           List<Object> drawn, long[] took) throws SQLException {
        String failure = null;
        connection.setAutoCommit(false);
        try (PreparedStatement prepared = connection.prepareStatement(q.text().jdbc())) {
            prepared.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            prepared.setMaxRows(TrafficStatement.MAX_ROWS); // as the traffic fetches it
            if (prepared.getParameterMetaData().getParameterCount() > 0) {
                drawn.addAll(values.of(q.text(), prepared, false, table));
            }
            for (int i = 0; i < drawn.size(); i++) {
                Object v = drawn.get(i);
                if (v instanceof String && dialect.engine() == Engine.POSTGRES) {
                    prepared.setObject(i + 1, v, Types.OTHER);
                } else {
                    prepared.setObject(i + 1, v);
                }
            }
            long t0 = System.nanoTime();
            prepared.execute();
            took[0] = System.nanoTime() - t0;
        } catch (ParameterValues.Untypable e) {
            failure = e.getMessage();
        } catch (SQLException e) {
            failure = ApplicationProbe.describe(e);
        } catch (RuntimeException e) {
            failure = "could not be tried: " + e;
        } finally {
            connection.rollback(); // a failure to roll back is the session's, not the statement's: the caller says so
            connection.setAutoCommit(true);
        }
        return failure;
    }
}
