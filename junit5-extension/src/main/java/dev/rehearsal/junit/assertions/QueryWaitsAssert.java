package dev.rehearsal.junit.assertions;

import dev.rehearsal.core.locks.LockReport;
import dev.rehearsal.core.locks.QueryWaits;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Budgets on what the application's own statements felt while a migration ran ({@code rehearsal.queries.file}
 * played as traffic): {@code assertThat(run).queryWaits().onTable("orders").atMost(ofMillis(100))}, or one statement
 * by its text: {@code queryWaits().statement("from orders where id").atMost(ofMillis(50))}. A failure names each
 * statement over the budget, its wait, and the migration statement and lock it waited behind.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public class QueryWaitsAssert extends AbstractAssert<QueryWaitsAssert, List<QueryWaits>> {

    private final String which;
    private final LockReport report;

    public QueryWaitsAssert(LockReport report) {
        this(report, report.queries(), "the application's statements");
    }

    private QueryWaitsAssert(LockReport report, List<QueryWaits> actual, String which) {
        super(actual, QueryWaitsAssert.class);
        this.report = report;
        this.which = which;
    }

    /** The statements played against {@code table}. */
    public QueryWaitsAssert onTable(String table) {
        return narrowed(q -> q.table().equals(table), which + " on " + table);
    }

    /** The statements whose text contains {@code text} (case ignored), or whose {@code file:line} ends with it. */
    public QueryWaitsAssert statement(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return narrowed(q -> q.query().toLowerCase(Locale.ROOT).contains(lower) || q.origin().endsWith(text),
                "the statement " + text);
    }

    private QueryWaitsAssert narrowed(Predicate<QueryWaits> which, String described) {
        played();
        return new QueryWaitsAssert(report, actual.stream().filter(which).toList(), described);
    }

    /** Verifies some of the statements were played: a budget on statements that never ran holds nothing. */
    public QueryWaitsAssert werePlayed() {
        played();
        if (actual.isEmpty() || actual.stream().allMatch(q -> q.runs() == 0)) {
            failWithMessage("Expecting %s to have run while the migration ran, but none did: the migration touched no"
                    + " table they name, or rehearsal.queries.file is not set%n%s", which, report.toText());
        }
        return this;
    }

    /** Verifies none of the statements waited longer than {@code max} (the run's longest, each). */
    public QueryWaitsAssert atMost(Duration max) {
        werePlayed();
        List<QueryWaits> over = actual.stream().filter(q -> q.longestWait().compareTo(max) > 0).toList();
        if (!over.isEmpty()) {
            failWithMessage("Expecting %s to wait at most %d ms, but:%n%s", which, max.toMillis(),
                    over.stream().map(q -> "  " + describe(q)).collect(Collectors.joining("\n")));
        }
        return this;
    }

    /** Verifies none of the statements waited at all (no run longer than the probes' resolution). */
    public QueryWaitsAssert noneWaited() {
        werePlayed();
        List<QueryWaits> waited = actual.stream().filter(QueryWaits::anyWait).toList();
        if (!waited.isEmpty()) {
            failWithMessage("Expecting %s not to wait, but:%n%s", which,
                    waited.stream().map(q -> "  " + describe(q)).collect(Collectors.joining("\n")));
        }
        return this;
    }

    /** Verifies none of the statements failed while the migration ran. */
    public QueryWaitsAssert noneFailed() {
        werePlayed();
        List<QueryWaits> failed = actual.stream().filter(q -> q.failed() > 0).toList();
        if (!failed.isEmpty()) {
            failWithMessage("Expecting %s not to fail while the migration ran, but:%n%s", which,
                    failed.stream().map(q -> "  " + q.origin() + ": " + q.query() + " failed " + q.failed() + " of "
                            + q.runs() + " times (" + q.firstError() + ")").collect(Collectors.joining("\n")));
        }
        return this;
    }

    private void played() {
        if (report == LockReport.NONE) {
            failWithMessage("Expecting the application's statements as traffic, but the run was not traced"
                    + " (rehearsal.locks.trace=false)");
        }
    }

    private static String describe(QueryWaits q) {
        return q.origin() + ": " + q.query() + " (" + q.kind().label() + " on " + q.table() + ") waited "
                + q.longestWait().toMillis() + " ms, p95 " + q.p95Wait().toMillis() + " ms, " + q.waited() + " of "
                + q.runs() + " runs" + q.behind().map(b -> ", behind " + b.lock().mode() + " on " + b.lock().relation()
                + " taken by " + b.where() + " and held " + b.lock().held().toMillis() + " ms").orElse("");
    }
}
