package dev.rehearsal.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorder behind a JDBC URL prefix, for applications configured by URL: every statement run through
 * {@code jdbc:rehearsal-record:postgresql://...} reaches the PostgreSQL server on the machine and is appended once to
 * the file {@code rehearsal.queries.record} names, which the corpus reader reads back as SQL.
 */
class QueryRecorderTest {

    @Test
    void aPrefixedUrlRecordsEachStatementOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("recorded.sql");
        String previous = System.getProperty(QueryRecorder.RECORD);
        System.setProperty(QueryRecorder.RECORD, file.toString());
        try (Connection c = DriverManager.getConnection(
                "jdbc:rehearsal-record:postgresql://127.0.0.1:5432/postgres?user=postgres")) {
            for (int i = 0; i < 2; i++) {
                try (PreparedStatement p = c.prepareStatement("select ? + 1")) {
                    p.setInt(1, i);
                    p.executeQuery().close();
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("select current_database();");
            }
        } finally {
            if (previous == null) {
                System.clearProperty(QueryRecorder.RECORD);
            } else {
                System.setProperty(QueryRecorder.RECORD, previous);
            }
        }
        assertThat(Files.readString(file)).isEqualTo("select ? + 1;\nselect current_database();\n");
    }
}
