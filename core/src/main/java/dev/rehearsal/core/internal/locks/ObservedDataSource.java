package dev.rehearsal.core.internal.locks;

import dev.rehearsal.core.internal.sql.StatementInterceptor;
import dev.rehearsal.core.internal.sql.WrappingDataSource;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A data source that lets Rehearsal watch the statements a migration tool runs (Flyway's own JDBC calls, or
 * Rehearsal's undo runner) without changing them: while an observer is set, each {@code execute} is reported before
 * and after, with the warnings the server raised, and the end of each transaction too. With no observer it only forwards.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ObservedDataSource extends WrappingDataSource {

    /** A statement that raises a notice per row would otherwise fill the report. */
    private static final int MAX_WARNINGS = 20;

    private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate");

    private volatile StatementObserver observer;
    private volatile StatementInterceptor interceptor;

    public ObservedDataSource(DataSource target) {
        super(target);
    }

    void observe(StatementObserver value) {
        this.observer = value;
    }

    /**
     * Has {@code value} told about each statement the tool runs from now on, and able to fail one; null stops it.
     * Rehearsal's own statements ({@link WrappingDataSource#OWN}) are not told.
     */
    public void intercept(StatementInterceptor value) {
        this.interceptor = value;
    }

    /**
     * Where a tool outside the JVM reports the statements it runs on this data source's database: to the observer
     * while one traces (a {@link LockTracer}), nowhere otherwise.
     */
    public ToolSessions toolSessions() {
        return new ToolSessions() {
            @Override
            public Object before(int backend, String sql, boolean inTransaction, String script, int line) {
                ToolSessions o = observer instanceof LockTracer trace ? new ToolSessionTrace(trace) : null;
                return o == null ? null : new Token(o, o.before(backend, sql, inTransaction, script, line));
            }

            @Override
            public void after(Object token, boolean failed, long rowsAffected, String lockTimeout) {
                if (token instanceof Token t) {
                    t.observer().after(t.token(), failed, rowsAffected, lockTimeout);
                }
            }

            @Override
            public void transactionEnded(int backend) {
                if (observer instanceof LockTracer trace) {
                    new ToolSessionTrace(trace).transactionEnded(backend);
                }
            }

            @Override
            public StatementInterceptor interceptor() {
                return interceptor;
            }
        };
    }

    /** A statement's token, with the observer that gave it (the trace may end while the statement runs). */
    private record Token(ToolSessions observer, Object token) {
    }

    @Override
    protected Connection wrap(Connection physical) {
        StatementObserver o = observer;
        if (o != null) {
            o.connectionSeen(physical);
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new ConnectionHandler(physical));
    }

    private final class ConnectionHandler implements InvocationHandler {
        private final Connection physical;
        private boolean seen;

        ConnectionHandler(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            StatementObserver o = observer;
            String name = method.getName();
            if (o != null && !seen) {
                seen = true;
                o.connectionSeen(physical);
            }
            switch (name) {
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "unwrap" -> {
                    return ((Class<?>) args[0]).isInstance(proxy) ? proxy : physical.unwrap((Class<?>) args[0]);
                }
                default -> {
                }
            }
            boolean endsTransaction = name.equals("commit") || name.equals("rollback") && (args == null || args.length == 0)
                    || name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0]) && !physical.getAutoCommit();
            Object result;
            try {
                result = method.invoke(physical, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (o != null && endsTransaction) {
                    o.transactionEnded(physical);
                }
                if (o != null && name.equals("close")) {
                    o.connectionClosed(physical);
                }
            }
            if (result instanceof PreparedStatement ps && name.startsWith("prepare")) {
                String sql = (String) args[0];
                return Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                        new Class<?>[] {name.equals("prepareCall") ? CallableStatement.class : PreparedStatement.class},
                        new StatementHandler(ps, sql));
            }
            if (result instanceof Statement st && name.equals("createStatement")) {
                return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
                        new StatementHandler(st, null));
            }
            return result;
        }

        private final class StatementHandler implements InvocationHandler {
            private final Statement statement;
            private final String preparedSql;

            StatementHandler(Statement statement, String preparedSql) {
                this.statement = statement;
                this.preparedSql = preparedSql;
            }

            @Override
            public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                String sql = preparedSql != null ? preparedSql
                        : args != null && args.length > 0 && args[0] instanceof String s ? s : null;
                StatementInterceptor i = interceptor;
                if (i == null || sql == null || !EXECUTES.contains(method.getName()) || sql.startsWith(OWN)) {
                    return observed(method, args, sql);
                }
                SQLException instead = i.before(physical, sql);
                if (instead != null) {
                    StatementObserver o = observer;
                    Object token = o == null ? null : o.before(physical, sql);
                    if (o != null) {
                        o.after(token, physical, instead, List.of(), -1);
                    }
                    throw instead;
                }
                try {
                    return observed(method, args, sql);
                } finally {
                    i.after(physical, sql);
                }
            }

            private Object observed(Method method, Object[] args, String sql) throws Throwable {
                StatementObserver o = observer;
                if (o != null && sql != null && sql.startsWith(WrappingDataSource.OWN)) {
                    Object result = forward(method, args); // Rehearsal's own, ending the transaction: not traced
                    o.transactionEnded(physical);
                    return result;
                }
                if (o == null || !EXECUTES.contains(method.getName()) || sql == null) {
                    if (method.getName().equals("getConnection")) {
                        return statement.getConnection();
                    }
                    return forward(method, args);
                }
                Object token = o.before(physical, sql);
                Throwable failure = null;
                List<String> warnings = List.of();
                long rowsAffected = -1;
                try {
                    Object result = forward(method, args);
                    warnings = warnings(statement);
                    rowsAffected = rowsAffected(statement, result);
                    return result;
                } catch (Throwable t) {
                    failure = t;
                    throw t;
                } finally {
                    o.after(token, physical, failure, warnings, rowsAffected);
                }
            }

            /**
             * The update count the statement returned: what {@code executeUpdate} gave, or, after {@code execute}
             * without a result set, {@link Statement#getUpdateCount()}, which only reads the current result (the
             * tool reads the same value after us); -1 for queries.
             */
            private long rowsAffected(Statement st, Object result) {
                try {
                    if (result instanceof Integer count) {
                        return count;
                    }
                    if (result instanceof Long count) {
                        return count;
                    }
                    if (Boolean.FALSE.equals(result)) {
                        return st.getUpdateCount();
                    }
                } catch (SQLException e) {
                    return -1; // informative only: a driver that cannot say leaves it unknown
                }
                return -1;
            }

            /**
             * What the server said while the statement ran, read without clearing it, so the migration tool still
             * sees (and logs) the same warnings.
             */
            private List<String> warnings(Statement st) {
                List<String> all = new ArrayList<>();
                try {
                    for (SQLWarning w = st.getWarnings(); w != null && all.size() < MAX_WARNINGS; w = w.getNextWarning()) {
                        all.add((w.getSQLState() == null ? "" : w.getSQLState() + ": ") + w.getMessage());
                    }
                } catch (SQLException e) {
                    all.add("(the warnings could not be read: " + e.getMessage() + ")");
                }
                return all;
            }

            private Object forward(Method method, Object[] args) throws Throwable {
                try {
                    return method.invoke(statement, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
    }
}
