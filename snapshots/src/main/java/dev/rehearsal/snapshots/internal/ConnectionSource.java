package dev.rehearsal.snapshots.internal;

import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/** A data source that only hands out connections: the rest of {@link DataSource} is not needed here. */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface ConnectionSource extends DataSource {

    /**
     * Connections from {@link java.sql.DriverManager} to a server named by URL; {@code describe} is what
     * {@code toString} shows (the URL without its password).
     */
    static ConnectionSource of(String url, String user, String password, String describe) {
        return new ConnectionSource() {
            @Override
            public Connection getConnection() throws SQLException {
                return DriverManager.getConnection(url, user, password);
            }

            @Override
            public String toString() {
                return describe;
            }
        };
    }

    @Override
    default Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("connections come with the credentials given once");
    }

    @Override
    default PrintWriter getLogWriter() {
        return null;
    }

    @Override
    default void setLogWriter(PrintWriter out) {
    }

    @Override
    default void setLoginTimeout(int seconds) {
    }

    @Override
    default int getLoginTimeout() {
        return 0;
    }

    @Override
    default Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    default <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper of " + iface);
    }

    @Override
    default boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
