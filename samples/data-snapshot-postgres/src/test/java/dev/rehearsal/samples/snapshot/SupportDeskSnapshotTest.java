package dev.rehearsal.samples.snapshot;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.junit.FromSnapshot;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import dev.rehearsal.snapshots.CaptureResult;
import dev.rehearsal.snapshots.DataSnapshot;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static dev.rehearsal.junit.RehearsalAssertions.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migrations not yet released (V4, V5) rehearsed over a masked snapshot of "production". Production here is a
 * database on the CI machine's PostgreSQL server that this test builds: Flyway migrates it to V3 as the deployed
 * application did, {@code production/support-desk.sql} fills it. The capture masks every personal column (by name,
 * and {@code ticket_messages.body} by {@code rehearsal-masking.yaml}, which Rehearsal asks for because the messages
 * contain phone numbers) with the secret in {@code REHEARSAL_MASKING_KEY}; the nested test class starts from the file.
 * In a team's repository the capture runs against a replica, once, and the file is committed or kept as a CI
 * artifact; the tests only restore it.
 */
class SupportDeskSnapshotTest {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    static final String SNAPSHOT = "target/snapshots/support-desk-v3.rehearsal";
    /** A real capture takes the secret from the environment; this sample falls back to one meant for its own data only. */
    static final String KEY = System.getenv().getOrDefault("REHEARSAL_MASKING_KEY", "sample-secret-for-made-up-data");

    private static String production;
    private static CaptureResult captured;

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @BeforeAll
    static void captureProduction() throws SQLException, IOException {
        production = "support_desk_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        execute(SERVER + "postgres", "create database " + production);
        String url = SERVER + production;
        Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration").target("3")
                .load().migrate();
        execute(url, Files.readString(Path.of("src/test/resources/production/support-desk.sql")));

        MigrationSource history = MigrationSources.detect(RehearsalSettings.of("classpath:db/migration"),
                SupportDeskSnapshotTest.class.getClassLoader());
        captured = DataSnapshot.capture(url, "postgres", "", history)
                .maskingRules(Path.of("src/test/resources/rehearsal-masking.yaml"))
                .maskingKey(KEY)
                .writeTo(Path.of(SNAPSHOT));
    }

    @AfterAll
    static void dropProduction() throws SQLException {
        execute(SERVER + "postgres", "drop database if exists " + production + " with (force)");
    }

    @Test
    void theCaptureMaskedEveryPersonalColumn() throws IOException {
        assertThat(captured.migration().displayName()).isEqualTo("V3 create ticket messages");
        assertThat(captured.rows()).containsEntry("customers", 300L).containsEntry("tickets", 900L);
        assertThat(captured.masked()).containsEntry("customers.email", "email").containsEntry("customers.full_name", "name")
                .containsEntry("customers.phone", "phone").containsEntry("customers.city", "city")
                .containsEntry("agents.email", "email").containsEntry("agents.display_name", "name")
                .containsEntry("ticket_messages.body", "text").doesNotContainKey("tickets.subject");
        byte[] file = Files.readAllBytes(Path.of(SNAPSHOT));
        assertThat(file.length).isLessThan(200_000);
    }

    @Nested
    @MigrationTest(dataChanges = "4") // V4 sets the priority of busy tickets on purpose
    @FromSnapshot("filesystem:" + SNAPSHOT)
    class NewMigrationsOverProductionData {

        @Test
        void theDatabaseStartsAtV3WithTheMaskedRows(Rehearsal rehearsal) {
            assertThat(rehearsal.currentVersion().map(Object::toString)).contains("3");
            assertThat(rehearsal.query("select count(*) from ticket_messages where body like '%gmail.com%'"
                    + " or body like '%+1 415 555%'")).containsExactly(row(0));
            assertThat(rehearsal.query("select count(*) from customers")).containsExactly(row(300));
        }

        /** V4 backfills priorities over 900 real tickets, V5 adds a unique index over 300 real (masked) e-mails. */
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }
}
