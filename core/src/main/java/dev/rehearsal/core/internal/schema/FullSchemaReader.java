package dev.rehearsal.core.internal.schema;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.SchemaReader;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/** A schema reader that reads the whole catalog every time, for engines or accounts that cannot tell what changed. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class FullSchemaReader implements SchemaReader {

    private final Dialect dialect;
    private final Connection connection;
    private final Set<String> excludedTables;
    private final String why;

    /** @param why why reads are full ones here, for the report */
    public FullSchemaReader(Dialect dialect, Connection connection, Set<String> excludedTables, String why) {
        this.dialect = dialect;
        this.connection = connection;
        this.excludedTables = excludedTables;
        this.why = why;
    }

    @Override
    public SchemaSnapshot read() throws SQLException {
        try (ComponentTiming ignored = ComponentTiming.time("schema.full")) {
            return dialect.snapshot(connection, excludedTables);
        }
    }

    @Override
    public SchemaSnapshot readFull() throws SQLException {
        return read();
    }

    @Override
    public void forget() {
    }

    @Override
    public String fullReadsOnly() {
        return why;
    }
}
