package dev.rehearsal.core.internal.queries;

import dev.rehearsal.core.ApplicationQueries;
import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The running application's queries over one rehearsal: the corpora, read once, what each did on the last schema it
 * ran on (a step's schema before its up is the last step's after its up again, so that is not run twice), and the
 * lines and queries already reported as not checkable, so that each is reported once.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RunningApplication {

    /**
     * What a corpus did on one schema, over data with this fingerprint (null when the data was not fingerprinted: the
     * observation is then never reused).
     */
    public record Observation(SchemaSnapshot schema, DataFingerprint data,
                              Map<QueryCorpus.CorpusQuery, QueryOutcome> outcomes) {
    }

    private final ApplicationQueries settings;
    private QueryCorpus before;
    private QueryCorpus after;
    private Observation lastBefore;
    private final Set<String> reported = new HashSet<>();
    private final Set<QueryCorpus.CorpusQuery> worked = new HashSet<>();
    private final Map<QueryCorpus.CorpusQuery, String> neverWorked = new LinkedHashMap<>();
    private final List<String> leftOut = new ArrayList<>();
    private final List<String> trafficNotes = new ArrayList<>();

    public RunningApplication(ApplicationQueries settings) {
        this.settings = settings;
    }

    /** Whether queries are checked after ups. */
    public boolean checksUps() {
        return !settings.before().isEmpty();
    }

    /** Whether queries are checked after downs. */
    public boolean checksDowns() {
        return !settings.after().isEmpty();
    }

    /** The running version's queries, read at first use. */
    public synchronized QueryCorpus before(Dialect dialect) {
        if (before == null) {
            before = QueryCorpus.read(settings.before(), dialect::split);
        }
        return before;
    }

    /** The new version's queries, read at first use. */
    public synchronized QueryCorpus after(Dialect dialect) {
        if (after == null) {
            after = QueryCorpus.read(settings.after(), dialect::split);
        }
        return after;
    }

    /**
     * What {@code corpus} does on the database now, at {@code schema} over {@code data}: the last observation when it
     * was made on an equal schema over equal data (a step's starting point is the last step's end), else a new one.
     */
    public synchronized Observation observeBefore(QueryCorpus corpus, Connection connection, Dialect dialect,
                                                  SchemaSnapshot schema, DataFingerprint data) {
        boolean sameSchema;
        try (ComponentTiming ignored = ComponentTiming.time("queries.same-schema")) {
            sameSchema = lastBefore != null && lastBefore.schema().equals(schema);
        }
        if (!sameSchema) {
            lastBefore = new Observation(schema, data,
                    new ApplicationProbe(connection, dialect).observe(corpus, schema, Map.of()));
        } else if (data == null || !data.equals(lastBefore.data())) {
            // reads are only prepared, so they do on an equal schema what they did; writes run over the rows now
            lastBefore = new Observation(schema, data, new ApplicationProbe(connection, dialect)
                    .observe(corpus, schema, lastBefore.outcomes(), query -> query.text().kind().writes()));
        }
        return lastBefore;
    }

    /** Keeps what the corpus did after an up, the next step's starting point when its up again leaves the same schema. */
    public synchronized void keep(Observation observation) {
        lastBefore = observation;
    }

    /**
     * Notes what the queries did on a schema: a query that works on some version is checkable from there on; one
     * that has worked on none yet keeps why it failed last.
     */
    public synchronized void record(Map<QueryCorpus.CorpusQuery, QueryOutcome> outcomes) {
        outcomes.forEach((query, outcome) -> {
            if (outcome.worked()) {
                worked.add(query);
                neverWorked.remove(query);
            } else if (!worked.contains(query)) {
                neverWorked.put(query, outcome.untypable() != null ? outcome.untypable() : outcome.failure());
            }
        });
    }

    /** {@code file:line: query (why)} for every query that worked on no version rehearsed so far. */
    public synchronized List<String> neverWorked() {
        List<String> lines = new ArrayList<>();
        neverWorked.forEach((query, why) -> lines.add(query.origin() + ": " + query.shown() + " (" + why + ")"));
        return lines;
    }

    /** Whether the queries also run as traffic while each migration runs. */
    public boolean playsTraffic() {
        return settings.traffic() && !settings.before().isEmpty();
    }

    /** Whether a wait budget is set for the queries played as traffic. */
    public boolean budgetsWaits() {
        return settings.budgetsWaits();
    }

    /** The longest a query on {@code table} may wait while a migration runs; null for no limit. */
    public Duration maxWaitOn(String table) {
        return settings.maxWaitOn(table);
    }

    /** Notes why the traffic of a phase went without the application's statements. */
    public synchronized void trafficNote(String note) {
        trafficNotes.add(note);
    }

    /** What {@link #trafficNote} noted since last asked, each note once in the rehearsal. */
    public synchronized List<String> trafficNotes() {
        return drain(trafficNotes);
    }

    /** Notes a statement that could not run before a migration: {@code file:line: query (why)}. */
    public synchronized void leftOutOfTraffic(String statement) {
        leftOut.add(statement);
    }

    /** The statements left out of the traffic since last asked, each statement once in the rehearsal. */
    public synchronized List<String> leftOutOfTraffic() {
        return drain(leftOut);
    }

    private List<String> drain(List<String> pending) {
        List<String> fresh = once(pending);
        pending.clear();
        return fresh;
    }

    /** The lines of {@code notes} not reported before in this rehearsal; each is reported once. */
    public synchronized List<String> once(List<String> notes) {
        List<String> fresh = new ArrayList<>();
        for (String note : notes) {
            if (reported.add(note)) {
                fresh.add(note);
            }
        }
        return fresh;
    }
}
