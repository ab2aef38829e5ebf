package dev.rehearsal.benchmarks;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.EphemeralDatabase;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a provider so that every statement its databases run is counted: the JDBC round trips a rehearsal makes
 * (the tool's scripts, catalog snapshots, fingerprints, version-table updates, lock tracing and probes). A figure for
 * the speed work, which wants the count per phase small and the same however long the history is. Connections taken
 * from the databases' data sources are counted too: the embedded and server providers hand back pooled sessions, and
 * each one handed back is reset, a round trip of its own that no statement count shows.
 */
final class CountingProvider implements DatabaseProvider {

    private final DatabaseProvider delegate;
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();

    CountingProvider(DatabaseProvider delegate) {
        this.delegate = delegate;
    }

    /** Statements executed so far on databases of this provider. */
    long statements() {
        return statements.get();
    }

    /** Connections taken so far from the data sources of this provider's databases. */
    long connections() {
        return connections.get();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public EphemeralDatabase createDatabase() {
        EphemeralDatabase database = delegate.createDatabase();
        DataSource counted = proxy(DataSource.class, database.dataSource());
        return new EphemeralDatabase() {
            @Override
            public String name() {
                return database.name();
            }

            @Override
            public DataSource dataSource() {
                return counted;
            }

            @Override
            public String jdbcUrl() {
                return database.jdbcUrl();
            }

            @Override
            public Dialect dialect() {
                return database.dialect();
            }

            @Override
            public void close() {
                database.close();
            }
        };
    }

    @Override
    public void close() {
        // the wrapped provider is shared; its owner closes it
    }

    /** A proxy that counts execute* calls on statements and wraps the connections and statements it hands out. */
    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T target) {
        InvocationHandler handler = (self, method, args) -> {
            if (Statement.class.isAssignableFrom(type) && method.getName().startsWith("execute")) {
                statements.incrementAndGet();
            }
            if (type == DataSource.class && method.getName().equals("getConnection")) {
                connections.incrementAndGet();
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            Class<?> returned = method.getReturnType();
            if (result != null && returned.isInterface() && (returned == Connection.class
                    || Statement.class.isAssignableFrom(returned))) {
                return proxy((Class<Object>) returned, result);
            }
            return result;
        };
        return (T) Proxy.newProxyInstance(CountingProvider.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
