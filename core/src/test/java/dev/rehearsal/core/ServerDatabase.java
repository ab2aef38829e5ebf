package dev.rehearsal.core;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A database of its own on the machine's PostgreSQL server (127.0.0.1:5432, trust auth, started by .ci/run) for a
 * test that runs a real migration tool against it, dropped when closed.
 */
final class ServerDatabase implements AutoCloseable {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private final String name;

    private ServerDatabase(String name) {
        this.name = name;
    }

    /** A new empty database named after the tool ({@code rehearsal_dbmate_3f9a...}). */
    static ServerDatabase create(String tool) throws SQLException {
        ServerDatabase db = new ServerDatabase("rehearsal_" + tool + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("create database " + db.name);
        }
        return db;
    }

    String name() {
        return name;
    }

    /** The URL the tools take: {@code postgres://postgres@127.0.0.1:5432/<name>}. */
    String url() {
        return "postgres://postgres@127.0.0.1:5432/" + name;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(SERVER + name, "postgres", "");
    }

    /** The tables of its public schema, by name. */
    List<String> tables() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select tablename from pg_tables where schemaname = 'public'"
                     + " order by tablename")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("drop database if exists " + name + " with (force)");
        }
    }
}
