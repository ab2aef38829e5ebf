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
 * The Drizzle layout checked against drizzle-orm 0.45's own {@code migrate()} with the pg driver (installed from the
 * npm registry by .ci/setup.sh), on the machine's PostgreSQL: after it, {@code drizzle.__drizzle_migrations} and
 * the schema equal what Rehearsal leaves for the same folder.
 */
class DrizzleVerificationTest {

    private static final Path MODULES = Path.of("../.ci/tools/node_modules").toAbsolutePath().normalize();
    private ServerDatabase database;

    @BeforeEach
    void database() throws SQLException {
        if (!Files.isRegularFile(MODULES.resolve("drizzle-orm/package.json"))) {
            throw new AssertionError("drizzle-orm is needed for this test: run bash .ci/setup.sh (it installs it into .ci/tools)");
        }
        database = ServerDatabase.create("drizzle");
    }

    @AfterEach
    void drop() throws SQLException {
        database.close();
    }

    private List<String> rows(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select hash, created_at from drizzle.__drizzle_migrations order by id")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getLong(2));
            }
        }
        return rows;
    }

    @Test
    void drizzlesOwnMigrateLeavesTheSameRowsAndSchemaAsRehearsal() throws Exception {
        ProcessBuilder command = new ProcessBuilder("node", Path.of("src/test/resources/tools/drizzle-migrate.js").toString(),
                database.url(),
                Path.of("src/test/resources/histories/drizzle").toAbsolutePath().toString()).redirectErrorStream(true);
        command.environment().put("NODE_PATH", MODULES.toString());
        Process p = command.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("drizzle-orm migrate(): " + out).isZero();
        List<String> drizzleRows;
        SchemaSnapshot drizzleSchema;
        try (Connection c = database.connect()) {
            drizzleRows = rows(c);
            drizzleSchema = new PostgresDialect("server").snapshot(c, Set.of("__drizzle_migrations"));
        }
        assertThat(drizzleRows).hasSize(3);
        try (MigrationRehearsal r = Histories.rehearse("drizzle")) {
            r.migrateTo("latest");
            assertThat(r.query("select hash, created_at from drizzle.__drizzle_migrations order by id").rows())
                    .extracting(row -> row.get(0) + " " + row.get(1)).containsExactlyElementsOf(drizzleRows);
            assertThat(r.schema().diff(drizzleSchema).changes()).as("after drizzle-orm migrate()").isEmpty();
        }
    }
}
