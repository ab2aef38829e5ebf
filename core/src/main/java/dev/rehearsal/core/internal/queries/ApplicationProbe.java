package dev.rehearsal.core.internal.queries;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.internal.data.TableModel;
import dev.rehearsal.core.internal.sql.PreparedOnServer;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs the running application's queries on the database as it is now: each is prepared on the server (a missing
 * table or column, a type mismatch or an ambiguous name fail there), a read's result columns are read from the
 * server's description, and a write also runs, in a transaction rolled back at once, with parameter values drawn as
 * {@link ParameterValues} draws them (or those it ran with on the schema before). Sequences the writes advanced are
 * set back afterwards, so nothing the probe did remains.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ApplicationProbe {

    /** How long one query may run before the probe gives up on it (a write waiting on a lock, say). */
    private static final int QUERY_TIMEOUT_SECONDS = 10;

    /** Marks a failure that only says the driver described a statement it prepared before DDL: described again. */
    private static final String STALE = "stale: ";

    private final Connection connection;
    private final Dialect dialect;

    public ApplicationProbe(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /**
     * What each query of {@code corpus} does now, over {@code schema}; a write runs with its values in {@code earlier}
     * when it ran there, else with values drawn now.
     */
    public Map<QueryCorpus.CorpusQuery, QueryOutcome> observe(QueryCorpus corpus, SchemaSnapshot schema,
                                                              Map<QueryCorpus.CorpusQuery, QueryOutcome> earlier) {
        return observe(corpus, schema, earlier, query -> true);
    }

    /**
     * As {@link #observe(QueryCorpus, SchemaSnapshot, Map)}, running only the queries {@code run} accepts; the others
     * keep their outcome in {@code earlier}.
     */
    public Map<QueryCorpus.CorpusQuery, QueryOutcome> observe(QueryCorpus corpus, SchemaSnapshot schema,
                                                              Map<QueryCorpus.CorpusQuery, QueryOutcome> earlier,
                                                              Predicate<QueryCorpus.CorpusQuery> run) {
        Map<QueryCorpus.CorpusQuery, QueryOutcome> outcomes = new LinkedHashMap<>();
        try {
            boolean writes = corpus.queries().stream().anyMatch(q -> q.text().kind().writes()
                    && (run.test(q) || !earlier.containsKey(q)));
            Map<String, String> counters;
            ParameterValues values = null;
            try (ComponentTiming ignored = ComponentTiming.time("queries.counters")) {
                counters = writes ? dialect.data(connection).counters() : Map.of();
            }
            if (writes) {
                try (ComponentTiming ignored = ComponentTiming.time("queries.models")) {
                    values = new ParameterValues(connection, dialect, TableModel.all(schema));
                }
            }
            try {
                for (QueryCorpus.CorpusQuery query : corpus.queries()) {
                    QueryOutcome before = earlier.get(query);
                    outcomes.put(query, before != null && !run.test(query) ? before
                            : observe(query, values, before == null ? null : before.values()));
                }
            } finally {
                if (writes) {
                    try (ComponentTiming ignored = ComponentTiming.time("queries.counters")) {
                        dialect.data(connection).restoreCounters(counters);
                    }
                }
            }
        } catch (SQLException e) {
            throw new RehearsalException("Could not run the running application's queries on the rehearsal database: "
                    + e.getSQLState() + " " + e.getMessage() + ". Is the database still reachable?", e);
        }
        return outcomes;
    }

    private QueryOutcome observe(QueryCorpus.CorpusQuery query, ParameterValues draw, List<Object> given)
            throws SQLException {
        QueryOutcome outcome;
        try (ComponentTiming ignored = ComponentTiming.time("queries.query")) {
            outcome = describeAndRun(query, draw, given);
        }
        if (outcome.failure() != null && outcome.failure().startsWith(STALE)) {
            PreparedOnServer.forgetAll(connection);
            outcome = describeAndRun(query, draw, given);
        }
        return outcome;
    }

    private QueryOutcome describeAndRun(QueryCorpus.CorpusQuery query, ParameterValues draw, List<Object> given)
            throws SQLException {
        QueryText text = query.text();
        try (PreparedStatement prepared = connection.prepareStatement(text.jdbc())) {
            prepared.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            List<QueryOutcome.ResultColumn> columns = new ArrayList<>();
            try (ComponentTiming ignored = ComponentTiming.time("queries.describe")) {
                if (text.kind().writes()) {
                    prepared.getParameterMetaData(); // parsed and described on the server: unknown names fail here
                } else {
                    ResultSetMetaData meta = prepared.getMetaData();
                    if (meta == null) {
                        prepared.getParameterMetaData();
                    } else {
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            columns.add(new QueryOutcome.ResultColumn(meta.getColumnLabel(i),
                                    meta.getColumnTypeName(i), meta.getColumnClassName(i)));
                        }
                    }
                }
            }
            if (!text.kind().writes()) {
                return new QueryOutcome(null, columns, null, null);
            }
            if (given != null) {
                return run(prepared, given);
            }
            QueryOutcome padded;
            try {
                padded = run(prepared, draw.of(text, prepared, true));
                if (padded.worked()) {
                    return padded;
                }
                // the column's longest values break a rule of the schema before: the application's own values fit
                return run(prepared, draw.of(text, prepared, false));
            } catch (ParameterValues.Untypable e) {
                return new QueryOutcome(null, List.of(), null, e.getMessage());
            }
        } catch (SQLException e) {
            rollBackQuietly();
            return QueryOutcome.failed(PreparedOnServer.staleAfterDdl(e) ? STALE + describe(e) : describe(e));
        }
    }

    /** Runs a write with {@code values} in a transaction it rolls back. */
    private QueryOutcome run(PreparedStatement prepared, List<Object> values) throws SQLException {
        try (ComponentTiming ignored = ComponentTiming.time("queries.write")) {
            return runTimed(prepared, values);
        }
    }

    private QueryOutcome runTimed(PreparedStatement prepared, List<Object> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v instanceof String && dialect.engine() == Engine.POSTGRES) {
                prepared.setObject(i + 1, v, Types.OTHER); // typed by the server, as for an enum or a domain
            } else {
                prepared.setObject(i + 1, v);
            }
        }
        boolean auto = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            prepared.execute();
            return new QueryOutcome(null, List.of(), values, null);
        } catch (SQLException e) {
            return new QueryOutcome(describe(e), List.of(), values, null);
        } finally {
            connection.rollback();
            connection.setAutoCommit(auto);
        }
    }

    private void rollBackQuietly() throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.rollback();
        }
    }

    /** {@code 42703: column "full_name" does not exist}: the SQLState and the server's first line. */
    static String describe(SQLException e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
        message = message.replaceFirst("^ERROR:\\s*", "").replaceFirst("^\\([^)]*\\)\\s*", "");
        return (e.getSQLState() == null ? "" : e.getSQLState() + ": ") + message;
    }
}
