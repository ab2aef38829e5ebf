package dev.rehearsal.core.internal.retry;

import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a migration can stop with part of it committed, from the statements of its up, the engine and how the tool
 * groups them into transactions: after each statement that commits (every one where each commits alone; DDL on
 * MariaDB and MySQL; a script's own {@code COMMIT}), and during each statement the engine keeps half-made when
 * cancelled ({@code CREATE INDEX CONCURRENTLY}). A migration the engine and tool run whole or not at all has none.
 *
 * @param points   the points rehearsed, at most {@link #MAX}
 * @param found    how many there are in all
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record RetryPoints(List<RetryPoint> points, int found) {

    /** Beyond this many points, the first ones are rehearsed and the report says how many were left out. */
    public static final int MAX = 8;

    private static final Pattern COMMIT = Pattern.compile("^(?:\\s*(?:--[^\\n]*\\n|/\\*.*?\\*/))*\\s*(?:COMMIT|END)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    public RetryPoints {
        points = List.copyOf(points);
    }

    /** The points of {@code statements} (a migration's up) run by a tool that groups them as {@code transaction}. */
    public static RetryPoints of(Dialect dialect, List<SqlStatement> statements, UpTransaction transaction) {
        if (transaction == UpTransaction.OUT_OF_REACH) {
            return new RetryPoints(List.of(), 0);
        }
        List<RetryPoint> all = new ArrayList<>();
        boolean eachCommits = transaction == UpTransaction.EACH_STATEMENT;
        for (int i = 0; i < statements.size(); i++) {
            String sql = statements.get(i).sql();
            if (eachCommits && dialect.interruption(sql).isPresent()) {
                all.add(new RetryPoint(i, true, statements));
            }
            if (i > 0 && !eachCommits && dialect.commitsImplicitly(sql) && !commits(dialect, statements.get(i - 1).sql())) {
                all.add(new RetryPoint(i, false, statements)); // the engine commits what ran before it, then it times out
            }
            if ((eachCommits || commits(dialect, sql)) && i + 1 < statements.size()) {
                all.add(new RetryPoint(i + 1, false, statements));
            }
        }
        return new RetryPoints(all.subList(0, Math.min(MAX, all.size())), all.size());
    }

    /** Whether what ran up to and with {@code sql} is committed once it ran. */
    private static boolean commits(Dialect dialect, String sql) {
        return dialect.commitsImplicitly(sql) || AtomicityRisks.controlsTransaction(sql) && COMMIT.matcher(sql).find();
    }

    public boolean isEmpty() {
        return points.isEmpty();
    }
}
