package dev.rehearsal.cli;

import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.MigrationVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static dev.rehearsal.cli.CheckCommandTest.rehearsal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Go team's masked production data, from the command line: a database on the server at version 1 of a
 * golang-migrate history is captured with masking, and the next migration, a unique index on lower(email) that the
 * production rows break, is rehearsed over the snapshot and fails as it would in production.
 */
class SnapshotCommandTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private final String database = "prod_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @AfterEach
    void drop() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
        }
    }

    @Test
    void aCapturedAndMaskedDatabaseIsRehearsedByCheckFromSnapshot(@TempDir Path dir) throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("1_people.up.sql"), "CREATE TABLE people (id serial PRIMARY KEY,"
                + " email text NOT NULL UNIQUE, name text);\n");
        Files.writeString(migrations.resolve("1_people.down.sql"), "DROP TABLE people;\n");
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
        PGSimpleDataSource production = new PGSimpleDataSource();
        production.setUrl(SERVER + database);
        production.setUser("postgres");
        try (Connection c = production.getConnection(); Statement s = c.createStatement()) {
            MigrationSources.detect(RehearsalSettings.of("filesystem:" + migrations), getClass().getClassLoader())
                    .open(production, Dialect.of(c)).upTo(MigrationVersion.parse("1"));
            s.execute("insert into people (email, name) values ('Ann.Lee@Example.org', 'Ann Lee'),"
                    + " ('ann.lee@example.org', 'Ann Lee'), ('bob@example.org', 'Bob Stone')");
        }
        // the change under review: production's two case-variants of one address break it
        Files.writeString(migrations.resolve("2_unique_lower_email.up.sql"),
                "CREATE UNIQUE INDEX people_lower_email ON people (lower(email));\n");
        Files.writeString(migrations.resolve("2_unique_lower_email.down.sql"), "DROP INDEX people_lower_email;\n");
        Path snapshot = dir.resolve("prod.rehearsal");

        CheckCommandTest.Run noKey = rehearsal("snapshot", "capture", SERVER + database, "--migrations",
                migrations.toString(), "--output", snapshot.toString());
        if (System.getenv("REHEARSAL_MASKING_KEY") == null) {
            assertThat(noKey.exit()).isEqualTo(2);
            assertThat(noKey.err()).startsWith("rehearsal: No masking secret: set the environment variable"
                    + " REHEARSAL_MASKING_KEY");
            assertThat(snapshot).doesNotExist();
        }

        Path masking = Files.writeString(dir.resolve("masking.yaml"), "columns:\n  people.name: name\n");
        Path key = Files.writeString(dir.resolve("masking.key"), "a-cli-test-secret-of-enough-length\n");
        CheckCommandTest.Run captured = rehearsal("snapshot", "capture", SERVER + database, "--migrations",
                migrations.toString(), "--masking", masking.toString(), "--masking-key-file", key.toString(),
                "--output", snapshot.toString(), "--user", "postgres");
        assertThat(captured.exit()).as(captured.err()).isZero();
        assertThat(captured.err()).contains("captured 3 rows of 1 table at ").contains("1_people, 2 columns masked");
        assertThat(new String(Files.readAllBytes(snapshot), StandardCharsets.ISO_8859_1))
                .doesNotContain("Example.org").doesNotContain("Stone");

        CheckCommandTest.Run check = rehearsal("check", migrations.toString(), "--from-snapshot", snapshot.toString(),
                "--risks-since", "1");
        assertThat(check.err()).contains("restored 3 rows of " + snapshot + " at ").contains("1_people");
        assertThat(check.exit()).as(check.err()).isEqualTo(1);
        assertThat(check.out()).contains("2_unique_lower_email").contains("23505").doesNotContain("people: passed");
    }
}
