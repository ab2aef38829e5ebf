package dev.rehearsal.core.internal.retry;

import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.locks.AtomicityRisks;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
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
        return switch (transaction) {
            case ONE, EACH_STATEMENT -> of(dialect, statements, i -> transaction == UpTransaction.EACH_STATEMENT);
            case AS_WRITTEN -> of(dialect, statements, outsideTransactions(statements));
            case AS_REPORTED, OUT_OF_REACH -> new RetryPoints(List.of(), 0);
        };
    }

    private static final Pattern BEGIN = Pattern.compile("^(?:\\s*(?:--[^\\n]*\\n|/\\*.*?\\*/))*\\s*(?:BEGIN|START\\s+TRANSACTION)"
            + "\\b(?!\\s+(?:ATOMIC|NOT)\\b)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ENDS = Pattern.compile("^(?:\\s*(?:--[^\\n]*\\n|/\\*.*?\\*/))*\\s*(?:COMMIT|END|ROLLBACK|ABORT"
            + "|PREPARE\\s+TRANSACTION)\\b(?!\\s+(?:(?:WORK|TRANSACTION)\\s+)?TO\\b)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);


    /**
     * The statements of a script run as a SQL client runs it that commit as they run: those outside its own
     * {@code BEGIN ... COMMIT} blocks ({@code BEGIN} itself commits nothing, and {@code COMMIT} is known to commit;
     * a {@code ROLLBACK TO SAVEPOINT} keeps the block open, {@code COMMIT AND CHAIN} opens the next one).
     */
    private static IntPredicate outsideTransactions(List<SqlStatement> statements) {
        boolean[] alone = new boolean[statements.size()];
        boolean open = false;
        for (int i = 0; i < statements.size(); i++) {
            String sql = statements.get(i).sql();
            if (BEGIN.matcher(sql).find()) {
                open = true;
            } else if (ENDS.matcher(sql).find()) {
                open = AtomicityRisks.CHAIN.matcher(sql.strip()).find();
            } else {
                alone[i] = !open;
            }
        }
        return i -> alone[i];
    }

    /** The points of an up as the tool's helper ran and reported it ({@link UpTransaction#AS_REPORTED}). */
    public static RetryPoints of(Dialect dialect, ReportedUp up) {
        return of(dialect, up.statements(), up::alone);
    }

    /** The points of {@code statements}, {@code alone} telling those that ran outside a transaction. */
    private static RetryPoints of(Dialect dialect, List<SqlStatement> statements, IntPredicate alone) {
        List<RetryPoint> all = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            String sql = statements.get(i).sql();
            if (alone.test(i) && dialect.interruption(sql).isPresent()) {
                all.add(new RetryPoint(i, true, statements));
            }
            // what ran before it is committed, then it times out: the tool commits its transaction before a statement
            // it runs alone (unless the script ended it itself), and the engine before DDL
            String previous = i > 0 ? statements.get(i - 1).sql() : null;
            if (i > 0 && !committed(dialect, statements, alone, i - 1) && (alone.test(i) && !controls(previous)
                    || dialect.commitsImplicitly(sql) && !BEGIN.matcher(previous).find())) {
                all.add(new RetryPoint(i, false, statements));
            }
            if (committed(dialect, statements, alone, i) && i + 1 < statements.size()) {
                all.add(new RetryPoint(i + 1, false, statements));
            }
        }
        return new RetryPoints(all.subList(0, Math.min(MAX, all.size())), all.size());
    }

    private static boolean committed(Dialect dialect, List<SqlStatement> statements, IntPredicate alone, int i) {
        return alone.test(i) || commits(dialect, statements.get(i).sql());
    }

    /** Whether {@code sql} starts or ends a transaction (a {@code PREPARE TRANSACTION} included). */
    private static boolean controls(String sql) {
        return AtomicityRisks.controlsTransaction(sql) || BEGIN.matcher(sql).find() || ENDS.matcher(sql).find();
    }

    /** Whether what ran up to and with {@code sql} is committed once it ran. */
    private static boolean commits(Dialect dialect, String sql) {
        return dialect.commitsImplicitly(sql) || AtomicityRisks.controlsTransaction(sql) && COMMIT.matcher(sql).find();
    }

    public boolean isEmpty() {
        return points.isEmpty();
    }
}
