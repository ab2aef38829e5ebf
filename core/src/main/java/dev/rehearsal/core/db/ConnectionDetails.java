package dev.rehearsal.core.db;

import org.apiguardian.api.API;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a throwaway database is and how to log in to it, for programs outside the JVM that connect on their own: a
 * migration tool driven through its own command gets these as environment variables ({@code DATABASE_URL},
 * {@code PGHOST}...), since a {@link javax.sql.DataSource} cannot be handed to another process.
 *
 * @param host     the server's host name or address
 * @param port     the server's port
 * @param database the database's name
 * @param user     the user to log in as
 * @param password the password, empty where the server does not ask for one
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record ConnectionDetails(String host, int port, String database, String user, String password) {

    public ConnectionDetails {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        password = password == null ? "" : password;
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " of " + host + " is not a TCP port");
        }
    }

    /**
     * The URL most tools outside the JVM take ({@code postgres://user:password@host:port/database}), each part
     * percent-encoded.
     *
     * @param scheme {@code postgres}, {@code mysql}...
     */
    public String url(String scheme) {
        String credentials = encode(user) + (password.isEmpty() ? "" : ":" + encode(password));
        String address = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return scheme + "://" + credentials + "@" + address + ":" + port + "/" + encode(database);
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "ConnectionDetails[" + user + "@" + host + ":" + port + "/" + database + (password.isEmpty() ? "" : ", password ***") + "]";
    }
}
