package dev.rehearsal.core;

import dev.rehearsal.core.internal.postgres.PostgresDialect;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dbmate layout checked against the real dbmate 2.36 (installed from the npm registry by .ci/setup.sh), on the
 * machine's PostgreSQL: after {@code dbmate up} and after {@code dbmate rollback}, its schema_migrations rows and the
 * schema equal what Rehearsal leaves for the same history.
 */
class DbmateVerificationTest {

    private static final Path DBMATE = Path.of("../.ci/tools/node_modules/@dbmate/linux-x64/bin/dbmate");
    private ServerDatabase database;

    @BeforeEach
    void database() throws SQLException {
        if (!Files.isExecutable(DBMATE)) {
            throw new AssertionError("dbmate is needed for this test: run bash .ci/setup.sh (it installs it into .ci/tools)");
        }
        database = ServerDatabase.create("dbmate");
    }

    @AfterEach
    void drop() throws SQLException {
        database.close();
    }

    private void dbmate(String command) throws Exception {
        Process p = new ProcessBuilder(DBMATE.toString(), "--url", database.url()
                + "?sslmode=disable", "--migrations-dir", Path.of("src/test/resources/histories/dbmate").toAbsolutePath()
                .toString(), "--no-dump-schema", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("dbmate " + command + ": " + out).isZero();
    }

    private List<String> versions() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = database.connect();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select version from schema_migrations order by 1")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private SchemaSnapshot schema() throws SQLException {
        try (Connection c = database.connect()) {
            return new PostgresDialect("server").snapshot(c, Set.of("schema_migrations"));
        }
    }

    @Test
    void upAndRollbackLeaveTheSameRowsAndSchemaAsRehearsal() throws Exception {
        dbmate("up");
        List<String> afterUp = versions();
        SchemaSnapshot schemaAfterUp = schema();
        dbmate("rollback");
        List<String> afterRollback = versions();
        SchemaSnapshot schemaAfterRollback = schema();
        try (MigrationRehearsal r = Histories.rehearse("dbmate")) {
            r.migrateTo("latest");
            assertThat(r.query("select version from schema_migrations order by 1").column("version"))
                    .containsExactlyElementsOf(afterUp);
            assertThat(r.schema().diff(schemaAfterUp).changes()).as("after dbmate up").isEmpty();
            r.migrateDown();
            assertThat(r.query("select version from schema_migrations order by 1").column("version"))
                    .containsExactlyElementsOf(afterRollback);
            assertThat(r.schema().diff(schemaAfterRollback).changes()).as("after dbmate rollback").isEmpty();
        }
    }
}
