package dev.rehearsal.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A plain JDBC program: connects to the server its argument names and runs one statement. What
 * {@link CliFirstStatementBenchmark} compares the command line's start with.
 */
public final class PlainJdbcStart {

    private PlainJdbcStart() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], "postgres", null); Statement st = c.createStatement()) {
            st.execute("select 1");
        }
    }
}
