package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.EphemeralDatabase;

import javax.sql.DataSource;
import java.util.function.UnaryOperator;

/**
 * A provider for tests that hands out another provider's databases with their data source passed through
 * {@code dataSources} (to count or watch connections), and without the copies the other provider can make
 * ({@link EphemeralDatabase#copy()} keeps its default: none). Closing it leaves the other provider open.
 */
final class WrappedProvider implements DatabaseProvider {

    private final DatabaseProvider delegate;
    private final UnaryOperator<DataSource> dataSources;

    WrappedProvider(DatabaseProvider delegate, UnaryOperator<DataSource> dataSources) {
        this.delegate = delegate;
        this.dataSources = dataSources;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public EphemeralDatabase createDatabase() {
        EphemeralDatabase database = delegate.createDatabase();
        DataSource dataSource = dataSources.apply(database.dataSource());
        return new EphemeralDatabase() {
            @Override
            public String name() {
                return database.name();
            }

            @Override
            public DataSource dataSource() {
                return dataSource;
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
        // the wrapped provider's owner closes it
    }
}
