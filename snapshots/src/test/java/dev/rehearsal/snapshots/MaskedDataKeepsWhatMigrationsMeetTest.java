package dev.rehearsal.snapshots;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.MigrationVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a migration meets in production it meets over the masked snapshot: for each property masking keeps (values
 * equal after {@code lower()} and after {@code trim()}, lengths, formats, NULLs, duplicates, distinct values, equal
 * values across tables), a migration that fails over the production database fails over the restored masked copy
 * with the same SQLState, and one that passes there passes here.
 */
class MaskedDataKeepsWhatMigrationsMeetTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String KEY = "a-test-secret-of-32-characters!!";
    private static String database;
    private static String url;

    private static MigrationSource people() {
        return MigrationSources.detect(RehearsalSettings.of("classpath:histories/people"),
                MaskedDataKeepsWhatMigrationsMeetTest.class.getClassLoader());
    }

    @BeforeAll
    static void production() throws SQLException {
        database = "prod_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
        url = SERVER + database;
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            people().open(new DataSnapshotTest.SingleUrl(url), Dialect.of(c)).upTo(MigrationVersion.parse("1"));
            s.execute("""
                    insert into people (email, name, phone, post_code, nickname) values
                      ('Ann.Lee@Example.org', 'Ann Lee', '+44 20 7946 0001', '12345', 'annie'),
                      ('ann.lee@example.org', 'Ann  Lee', '+44 20 7946 0002', '23456', 'annie'),
                      ('bob@example.org', ' Bob Stone ', '+44 20 7946 0003', '34567', 'bob'),
                      ('carol@example.org', 'Bob Stone', '+44 20 7946 0004', '45678', 'caz'),
                      ('a.very.long.address.of.many.characters@example.org', 'Dee', null, '1234A', null)""");
            s.execute("insert into subscriptions (email) values ('bob@example.org'), ('carol@example.org'),"
                    + " ('Ann.Lee@Example.org')");
        }
    }

    @AfterAll
    static void dropProduction() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
        }
    }

    /** The SQLState a migration statement fails with, or "passes"; rolled back either way. */
    private static String outcome(Connection c, String migration) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(migration);
            return "passes";
        } catch (SQLException e) {
            return e.getSQLState();
        } finally {
            c.rollback();
        }
    }

    @Test
    void migrationsFailAndPassOverTheMaskedSnapshotAsOverProduction(@TempDir Path dir) throws SQLException, IOException {
        Map<String, String> migrations = new LinkedHashMap<>();
        migrations.put("e-mails equal after lower()", "create unique index on people (lower(email))");
        migrations.put("names equal after trim()", "create unique index on people (trim(name))");
        migrations.put("lengths", "alter table people alter column email type varchar(40)");
        migrations.put("formats", "alter table people add check (post_code ~ '^[0-9]{5}$')");
        migrations.put("NULLs", "alter table people alter column phone set not null");
        migrations.put("duplicates", "create unique index on people (nickname)");
        migrations.put("distinct values", "create unique index on people (phone)");
        migrations.put("equal values across tables", "alter table subscriptions add foreign key (email) references people (email)");

        Map<String, String> inProduction = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            for (Map.Entry<String, String> m : migrations.entrySet()) {
                inProduction.put(m.getKey(), outcome(c, m.getValue()));
            }
        }
        assertThat(inProduction).containsExactly(Map.entry("e-mails equal after lower()", "23505"),
                Map.entry("names equal after trim()", "23505"), Map.entry("lengths", "22001"),
                Map.entry("formats", "23514"), Map.entry("NULLs", "23502"), Map.entry("duplicates", "23505"),
                Map.entry("distinct values", "passes"), Map.entry("equal values across tables", "passes"));

        Path rules = Files.writeString(dir.resolve("masking.yaml"), "columns:\n  people.nickname: text\n");
        Path file = dir.resolve("people.rehearsal");
        DataSnapshot.capture(url, "postgres", "", people()).maskingKey(KEY).maskingRules(rules).writeTo(file);
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("classpath:histories/people"),
                DatabaseProviders.embeddedPostgres(), getClass().getClassLoader());
             DataSnapshot snapshot = DataSnapshot.open(file)) {
            snapshot.restoreInto(r);
            assertThat(r.query("select count(*) from people where email in ('Ann.Lee@Example.org', 'bob@example.org')"
                    + " or name like '%Bob%' or post_code = '1234A'").rows().get(0).get(0)).as("masked").isEqualTo(0L);
            DataSource masked = r.dataSource();
            Map<String, String> overMasked = new LinkedHashMap<>();
            try (Connection c = masked.getConnection()) {
                for (Map.Entry<String, String> m : migrations.entrySet()) {
                    overMasked.put(m.getKey(), outcome(c, m.getValue()));
                }
            }
            assertThat(overMasked).isEqualTo(inProduction);
        }
    }
}
