package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.internal.sql.WrappingDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.regex.Pattern;

/**
 * The statements Flyway ran to create its history table, kept for the rest of this JVM so that later rehearsals can
 * run the same statements instead of Flyway's first {@code migrate}. That first migrate runs
 * Flyway's own checks besides the first script (its database and schema checks, role resets, advisory locks: about
 * 45 statements besides the three that make the table); what it leaves behind is the table alone, made by the same statements each time for the same Flyway, server and
 * table.
 * The statements are Flyway's own text, recorded as it ran them ({@link Recorder}), never written by Rehearsal.
 * Keyed per class loader (held weakly) by Flyway's class, the server's name and version, the user, the schema and
 * the quoted table; used only where Rehearsal applies the ups itself (no team configuration, customizer or
 * callbacks, which could change how Flyway makes its table).
 */
final class FlywayHistoryTables {

    private static final Map<ClassLoader, Map<String, List<String>>> KEPT = new WeakHashMap<>();
    private static final int PER_CLASS_LOADER = 8;
    /** What Flyway runs to make and shape its table: nothing else may be replayed. */
    private static final Pattern DDL = Pattern.compile("(?is)\\s*(create|alter|comment|grant)\\s.*");
    private static final Pattern CREATE_TABLE = Pattern.compile("(?is)\\s*create\\s+table\\s.*");

    private FlywayHistoryTables() {
    }

    static synchronized List<String> get(ClassLoader loader, String key) {
        Map<String, List<String>> kept = KEPT.get(loader);
        return kept == null ? null : kept.get(key);
    }

    static synchronized void put(ClassLoader loader, String key, List<String> statements) {
        KEPT.computeIfAbsent(loader, l -> new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                return size() > PER_CLASS_LOADER;
            }
        }).put(key, List.copyOf(statements));
    }

    /** Everything that decides the statements Flyway makes its table with, besides its configuration's defaults. */
    static String key(Connection c, String quotedTable) throws SQLException {
        var meta = c.getMetaData();
        return String.join("\u0000", Flyway.class.getName() + "@"
                        + System.identityHashCode(Flyway.class),
                String.valueOf(Flyway.class.getPackage().getImplementationVersion()),
                meta.getDatabaseProductName(), meta.getDatabaseProductVersion(), String.valueOf(meta.getUserName()),
                String.valueOf(c.getSchema()), quotedTable);
    }

    /**
     * The statements that made {@code table} among those {@code recorder} saw: from Flyway's {@code CREATE TABLE} of
     * it to the end of that transaction on the same connection. Empty when they cannot be told apart for certain
     * (another statement in between, no commit, no such table made), so that Flyway keeps making the table itself.
     */
    static List<String> creation(Recorder recorder, String table) {
        List<Recorder.Event> events = recorder.events();
        String name = table.toLowerCase(Locale.ROOT);
        for (int i = 0; i < events.size(); i++) {
            Recorder.Event e = events.get(i);
            if (e.sql() == null || !CREATE_TABLE.matcher(e.sql()).matches()
                    || !e.sql().toLowerCase(Locale.ROOT).contains(name)) {
                continue;
            }
            List<String> made = new ArrayList<>();
            for (int j = i; j < events.size(); j++) {
                Recorder.Event next = events.get(j);
                if (next.connection() != e.connection()) {
                    continue;
                }
                if (next.sql() == null) {
                    return next.committed() ? made : List.of();
                }
                if (!DDL.matcher(next.sql()).matches() || !next.sql().toLowerCase(Locale.ROOT).contains(name)) {
                    return List.of();
                }
                made.add(next.sql());
            }
            return List.of();
        }
        return List.of();
    }

    /** Runs the kept statements in one transaction; false (and nothing made) when the server refuses one of them. */
    static boolean replay(Connection c, List<String> statements) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
            c.commit();
            return true;
        } catch (SQLException e) {
            c.rollback();
            return false;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * A data source that records, in order, the SQL each of its connections runs or prepares and where their
     * transactions end; it changes nothing. Hand-written over {@link Proxy}: JDBC has no listener to register, and
     * the one other wrapper Rehearsal has (the lock tracer's) observes one phase at a time.
     */
    static final class Recorder extends WrappingDataSource {

        /** One statement ({@code sql}) or the end of a transaction ({@code sql} null), on a numbered connection. */
        record Event(int connection, String sql, boolean committed) {
        }

        private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
        private int connections;

        Recorder(DataSource target) {
            super(target);
        }

        List<Event> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        @Override
        protected Connection wrap(Connection physical) {
            int id;
            synchronized (this) {
                id = ++connections;
            }
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "prepareStatement", "prepareCall" -> events.add(new Event(id, (String) args[0], false));
                            case "commit" -> events.add(new Event(id, null, true));
                            case "rollback" -> events.add(new Event(id, null, false));
                            default -> {
                            }
                        }
                        Object result = invoke(physical, method, args);
                        if (result instanceof Statement st && !(result instanceof PreparedStatement)) {
                            return Proxy.newProxyInstance(Statement.class.getClassLoader(),
                                    new Class<?>[] {Statement.class}, statementHandler(id, st));
                        }
                        return result;
                    });
        }

        private InvocationHandler statementHandler(int connection, Statement physical) {
            return (proxy, method, args) -> {
                if (method.getName().startsWith("execute") || method.getName().equals("addBatch")) {
                    if (args != null && args.length > 0 && args[0] instanceof String sql) {
                        events.add(new Event(connection, sql, false));
                    }
                }
                return invoke(physical, method, args);
            };
        }

        private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
