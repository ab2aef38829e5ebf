package dev.rehearsal.core.internal.mariadb;

import dev.rehearsal.core.db.DataAccess;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.LockSupport;
import dev.rehearsal.core.db.SqlStatement;
import dev.rehearsal.core.internal.sql.MySqlScriptSplitter;
import dev.rehearsal.core.schema.SchemaSnapshot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * MariaDB (and MySQL): snapshots from {@code information_schema}, the mysql client's script splitting, backtick
 * quoting. DDL commits at once on these engines, so nothing needs to run outside a transaction, and a script that
 * fails half-way keeps what it did before (the round trip reports it as partial). Lock tracing is not available yet.
 */
public final class MariaDbDialect implements Dialect {

    private final String version;

    public MariaDbDialect(String version) {
        this.version = version;
    }

    @Override
    public String name() {
        return "MariaDB " + version;
    }

    @Override
    public SchemaSnapshot snapshot(Connection connection, Set<String> excludedTables) throws SQLException {
        return new MariaDbCatalogReader(connection, excludedTables).read();
    }

    @Override
    public List<SqlStatement> split(String script) {
        return MySqlScriptSplitter.split(script);
    }

    @Override
    public boolean mustRunOutsideTransaction(String statement) {
        return false;
    }

    @Override
    public String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    @Override
    public DataAccess data(Connection connection) {
        return new MariaDbDataAccess(connection, this);
    }

    /** Not yet: {@code performance_schema.metadata_locks} is off by default on MariaDB. */
    @Override
    public LockSupport locks() {
        return null;
    }
}
