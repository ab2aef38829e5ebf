package dev.rehearsal.core.internal.retry;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.StatementInterruption;
import dev.rehearsal.core.internal.sql.StatementInterceptor;
import dev.rehearsal.core.internal.sql.StatementText;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes the migration the tool applies stop at one {@link RetryPoint}: the statement there fails as a lock timeout
 * would, before it runs, or, for a point during a statement, is cancelled while it builds. The statement is known by
 * its text (the n-th statement of that text in the script), so the tool's own statements run untouched.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PartWayFailure implements StatementInterceptor {

    /** A Flyway or Liquibase placeholder, as the script holds it (normalized to lower case). */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[^}]*}");

    private static final String STOPPED = "Rehearsal stopped the migration here, ";
    private static final String AS_A_TIMEOUT = ", as a timeout in production would";

    private final RetryPoint point;
    private final Dialect dialect;
    private final DataSource admin;
    /** The target statement's key, its placeholders ({@code ${schema}}) matching what the tool put in their place. */
    private final Pattern target;
    /** How many statements of the same text come before the target in the script. */
    private final int earlier;
    private int seen;
    private boolean struck;
    private StatementInterruption.Running interruption;
    private boolean ended;
    /** The statement a helper was told to fail in place of, until its end is reported. */
    private RemoteStatement stopped;
    private String whyNot;

    public PartWayFailure(RetryPoint point, Dialect dialect, DataSource admin) {
        this.point = point;
        this.dialect = dialect;
        this.admin = admin;
        this.target = key(point.target().sql());
        int same = 0;
        for (int i = 0; i < point.statement(); i++) {
            if (matches(point.statements().get(i).sql())) {
                same++;
            }
        }
        this.earlier = same;
    }

    /** The statement's key as a pattern: each placeholder matches whatever the tool put in its place. */
    private static Pattern key(String sql) {
        String text = StatementText.normalize(sql);
        StringBuilder regex = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(text);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(text.substring(at, m.start()))).append(".*?");
            at = m.end();
        }
        return Pattern.compile(regex.append(Pattern.quote(text.substring(at))).toString(), Pattern.DOTALL);
    }

    private boolean matches(String sql) {
        return target.matcher(StatementText.normalize(sql)).matches();
    }

    @Override
    public synchronized SQLException before(Connection physical, String sql) {
        if (!strikes(sql)) {
            return null;
        }
        if (!point.during()) {
            commitWhatRan(physical);
            return dialect.lockTimeout(STOPPED + point.describe() + AS_A_TIMEOUT);
        }
        try {
            interruption = dialect.interruption(sql).orElseThrow().start(physical, admin);
        } catch (SQLException e) {
            whyNot = "the statement could not be made to wait: " + e.getSQLState() + " " + e.getMessage();
        }
        return null;
    }

    /** Whether {@code sql} is the statement to strike, counting it: the n-th of the target's text. */
    private boolean strikes(String sql) {
        if (struck || !matches(sql) || seen++ < earlier) {
            return false;
        }
        struck = true;
        return true;
    }

    @Override
    public boolean answersRemote() {
        return true;
    }

    @Override
    public String contextQuery() {
        return point.during() ? dialect.interruption(point.target().sql()).map(StatementInterruption::contextQuery)
                .orElse(null) : null;
    }

    /**
     * For a tool in a helper process: the statement before the point fails on the server as a lock timeout (after
     * what its session ran is committed, as in production), or the build is held and cancelled as in the JVM.
     */
    @Override
    public synchronized RemoteFailure beforeRemote(RemoteStatement statement) {
        if (statement.script() == null || !strikes(statement.sql())) {
            return null; // the tool's own bookkeeping, or not the point's statement
        }
        stopped = statement;
        if (!point.during()) {
            String fail = dialect.lockTimeoutStatement(STOPPED + point.describe() + AS_A_TIMEOUT);
            if (fail == null) {
                whyNot = dialect.name() + " cannot raise a lock timeout for a statement the tool runs in a process of"
                        + " its own";
            }
            return fail == null ? null : new RemoteFailure(fail, statement.inTransaction());
        }
        try {
            interruption = dialect.interruption(statement.sql()).orElseThrow().start(statement.backend(),
                    statement.context(), admin);
        } catch (SQLException e) {
            whyNot = "the statement could not be made to wait: " + e.getSQLState() + " " + e.getMessage();
        }
        return null;
    }

    @Override
    public synchronized void afterRemote(RemoteStatement statement, boolean failed) {
        if (statement == stopped && !point.during() && !failed && whyNot == null) {
            whyNot = "the statement Rehearsal stopped the migration with did not fail there";
        }
        if (statement.script() != null) {
            after(null, statement.sql());
        }
    }

    /**
     * Every point stops a migration where what ran before it is committed in production (each statement alone, the
     * engine's commit before DDL, the script's own COMMIT): where Rehearsal's runner still holds it in a transaction
     * (a file sent to MariaDB as one query, whose statements the server commits one by one), it is committed here.
     */
    private void commitWhatRan(Connection physical) {
        try {
            if (!physical.getAutoCommit()) {
                physical.commit();
            }
        } catch (SQLException e) {
            whyNot = "what ran before " + point.describe() + " could not be committed: " + e.getSQLState() + " "
                    + e.getMessage();
        }
    }

    @Override
    public synchronized void after(Connection physical, String sql) {
        if (interruption != null && !ended) {
            ended = true; // the statement that started it: the tool runs its statements one after the other
            interruption.close();
            whyNot = interruption.whyNot();
        }
    }

    /** Whether the failure struck where it was meant to: the statement stopped before it ran, or cancelled in it. */
    public synchronized boolean struck() {
        return struck && whyNot == null && (!point.during() || interruption != null && interruption.cancelled());
    }

    /** Why the failure did not strike, for the report. */
    public synchronized String whyNot() {
        if (!struck) {
            return "the tool never ran that statement through Rehearsal's connections";
        }
        return whyNot;
    }
}
