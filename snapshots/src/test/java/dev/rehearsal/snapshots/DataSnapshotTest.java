package dev.rehearsal.snapshots;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.snapshots.internal.ConnectionSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Masked data snapshots (issue 13, parts 3 to 5): a "production" database on the machine's PostgreSQL server (built by
 * the crm history to V2 and filled with people whose details are easy to search for), captured with masking, the file
 * searched for every original value, restored into a throwaway database at its version, and the newer migrations
 * rehearsed over it; subsets closed over foreign keys with a cycle; bad input refused with its reason.
 */
class DataSnapshotTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String KEY = "a-test-secret-of-32-characters!!";
    private static final int CUSTOMERS = 40;
    private static String database;
    private static String url;

    private static MigrationSource crm() {
        return MigrationSources.detect(RehearsalSettings.of("classpath:histories/crm"), DataSnapshotTest.class.getClassLoader());
    }

    private static void execute(String jdbcUrl, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", ""); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /** The people of the production database: every personal value unlike anything Rehearsal could make up. */
    static String email(int i) {
        return "zorblat.quux" + i + "@wibblecorp-" + i + ".example";
    }

    static String name(int i) {
        return "Xanthippe Vorpalsson-" + i;
    }

    static String phone(int i) {
        return "+44 20 7946 " + String.format("%04d", 1000 + i);
    }

    static String street(int i) {
        return i + " Quillfeather Lane";
    }

    static String city(int i) {
        return "Snorkelton-" + i;
    }

    static String zip(int i) {
        return "QX" + (10 + i) + " 9ZZ";
    }

    static String notes(int i) {
        return "Called Xanthippe about invoice " + (7000 + i);
    }

    @BeforeAll
    static void production() throws SQLException {
        database = "prod_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        execute(SERVER + "postgres", "create database " + database);
        url = SERVER + database;
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            crm().open(new SingleUrl(url), Dialect.of(c)).upTo(MigrationVersion.parse("2"));
        }
        List<String> sql = new ArrayList<>();
        sql.add("insert into products (name, price) select 'Product ' || g, g * 1.5 from generate_series(1, 10) g");
        for (int i = 1; i <= CUSTOMERS; i++) {
            sql.add("insert into customers (email, name, phone, street, city, zip, notes) values ('" + email(i) + "', '"
                    + name(i) + "', '" + phone(i) + "', '" + street(i) + "', '" + city(i) + "', '" + zip(i) + "', '"
                    + notes(i) + "')");
        }
        sql.add("insert into orders (customer_id, status) select 1 + (g % " + CUSTOMERS + "), 'paid' from generate_series(1, 120) g");
        sql.add("insert into order_lines (order_id, product_id, quantity) select o.id, 1 + (o.id % 10), 2 from orders o");
        sql.add("insert into order_lines (order_id, product_id, quantity) select o.id, 1 + ((o.id + 3) % 10), 1 from orders o");
        sql.add("update customers c set favourite_order_id = (select max(id) from orders o where o.customer_id = c.id)");
        sql.add("update customers set notes = null where id = 5");
        sql.add("update customers set notes = '' where id = 6");
        sql.add("update customers set avatar = decode('89504e470d0a1a0a00ff', 'hex') where id % 3 = 0");
        execute(url, sql.toArray(String[]::new));
    }

    @AfterAll
    static void dropProduction() throws SQLException {
        execute(SERVER + "postgres", "drop database if exists " + database + " with (force)");
    }

    /** Every entry of a snapshot file as text. */
    static String contents(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(e)) {
                    sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    @Test
    void aCaptureMasksEveryPersonalValueAndTheRestoredDatabaseRehearsesTheNewerMigrations(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("crm.rehearsal");
        CaptureResult result = DataSnapshot.capture(url, "postgres", "", crm()).maskingKey(KEY).writeTo(file);

        assertThat(result.migration().version()).isEqualTo(MigrationVersion.parse("2"));
        assertThat(result.rows()).containsEntry("customers", (long) CUSTOMERS).containsEntry("orders", 120L)
                .containsEntry("order_lines", 240L).containsEntry("products", 10L);
        assertThat(result.masked()).containsEntry("customers.email", "email").containsEntry("customers.name", "name")
                .containsEntry("customers.phone", "phone").containsEntry("customers.street", "address")
                .containsEntry("customers.city", "city").containsEntry("customers.zip", "digits")
                .containsEntry("customers.notes", "text").doesNotContainKey("products.name");

        String text = contents(file);
        for (int i = 1; i <= CUSTOMERS; i++) {
            for (String original : List.of(email(i), name(i), phone(i), street(i), city(i), zip(i), notes(i))) {
                assertThat(text).as("original value in the file").doesNotContain(original);
            }
        }
        assertThat(text).doesNotContain("Xanthippe").doesNotContain("wibblecorp").doesNotContain("Quillfeather")
                .contains("Product 7"); // not personal: kept

        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("classpath:histories/crm")
                        .withData(DataSettings.DEFAULTS.declareDataChanges("3")), DatabaseProviders.embeddedPostgres(),
                getClass().getClassLoader());
             DataSnapshot snapshot = DataSnapshot.open(file)) {
            DataSnapshot.RestoreResult restored = snapshot.restoreInto(r);
            assertThat(restored.rows()).isEqualTo(410);
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("2"));
            assertThat(r.query("select count(*) from customers where notes is null").rows().get(0).get(0)).isEqualTo(1L);
            assertThat(r.query("select count(*) from customers where notes = ''").rows().get(0).get(0)).isEqualTo(1L);
            assertThat(r.query("select count(*) from customers where avatar = decode('89504e470d0a1a0a00ff', 'hex')")
                    .rows().get(0).get(0)).as("binary values come back byte for byte").isEqualTo((long) CUSTOMERS / 3);
            assertThat(r.integrityProblems()).as("foreign keys and sequences as production had them").isEmpty();
            r.insert("customers", Map.of("email", "new@example.com", "name", "New One")); // the sequence moved past the rows

            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps()).extracting(s -> s.migration()).containsExactly("V3 customer segments",
                    "V4 unique lower email");
            assertThat(report.steps().get(0).rows()).isGreaterThan(400);
        }
    }

    @Test
    void theSameSecretGivesTheSameMaskedValuesAndAnotherSecretOthers(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.rehearsal");
        Path b = dir.resolve("b.rehearsal");
        Path c = dir.resolve("c.rehearsal");
        DataSnapshot.capture(url, "postgres", "", crm()).maskingKey(KEY).writeTo(a);
        DataSnapshot.capture(url, "postgres", "", crm()).maskingKey(KEY).writeTo(b);
        DataSnapshot.capture(url, "postgres", "", crm()).maskingKey("another-secret-of-enough-length").writeTo(c);
        String customersA = entry(a, "customers");
        assertThat(entry(b, "customers")).isEqualTo(customersA);
        assertThat(entry(c, "customers")).isNotEqualTo(customersA);
        // format kept: a masked e-mail has the original's shape and top-level domain; a phone keeps its shape
        assertThat(customersA).containsPattern("\"[a-z]{7}\\.[a-z]{4}\\d+@[a-z]{10}-\\d+\\.example\"")
                .containsPattern("\"\\+\\d\\d \\d\\d \\d{4} \\d{4}\"");
    }

    static String entry(Path file, String table) throws IOException {
        try (DataSnapshot s = DataSnapshot.open(file); ZipFile zip = new ZipFile(file.toFile())) {
            String entry = s.manifest().tables().stream().filter(t -> t.name().equals(table)).findFirst().orElseThrow().entry();
            try (InputStream in = zip.getInputStream(zip.getEntry(entry))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void aSubsetFollowsForeignKeysBothWaysThroughTheCycle(@TempDir Path dir) {
        Path file = dir.resolve("subset.rehearsal");
        CaptureResult result = DataSnapshot.capture(url, "postgres", "", crm()).maskingKey(KEY)
                .subset("customers", "id <= 3", 2).writeTo(file);

        assertThat(result.rows().get("customers")).isEqualTo(2L);
        assertThat(result.rows().get("orders")).isEqualTo(6L); // the two customers' orders (3 each)
        assertThat(result.rows().get("order_lines")).isEqualTo(12L);
        assertThat(result.rows().get("products")).isBetween(1L, 10L); // only those the lines reference
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("classpath:histories/crm"),
                DatabaseProviders.embeddedPostgres(), getClass().getClassLoader());
             DataSnapshot snapshot = DataSnapshot.open(file)) {
            snapshot.restoreInto(r);
            assertThat(r.integrityProblems()).as("every reference kept").isEmpty();
        }
    }

    @Test
    void seedingTopsUpTheTablesASubsetLeftSmall(@TempDir Path dir) {
        Path file = dir.resolve("small.rehearsal");
        DataSnapshot.capture(url, "postgres", "", crm()).maskingKey(KEY).subset("customers", "id = 7", 1).writeTo(file);
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("classpath:histories/crm")
                        .withData(DataSettings.DEFAULTS.withRoundTripSeeding(25).declareDataChanges("3")),
                DatabaseProviders.embeddedPostgres(), getClass().getClassLoader());
             DataSnapshot snapshot = DataSnapshot.open(file)) {
            snapshot.restoreInto(r);
            assertThat(r.query("select count(*) from customers").rows().get(0).get(0)).isEqualTo(1L);
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps().get(0).note()).contains("seeded");
            assertThat(r.query("select count(*) from customers").rows().get(0).get(0)).isEqualTo(25L);
            assertThat(r.query("select count(*) from customers where id = 7").rows().get(0).get(0))
                    .as("the snapshot's row is still there").isEqualTo(1L);
        }
    }

    @Test
    void personalColumnsWithoutARuleFailTheCaptureAndLeaveNoFile(@TempDir Path dir) throws IOException, SQLException {
        String name = "prod_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        execute(SERVER + "postgres", "create database " + name);
        String other = SERVER + name;
        try {
            try (Connection c = DriverManager.getConnection(other, "postgres", "")) {
                crm().open(new SingleUrl(other), Dialect.of(c)).upTo(MigrationVersion.parse("2"));
            }
            execute(other, "alter table customers add column ssn text", "alter table orders add column contact text",
                    "alter table orders add column client_ip inet",
                    "insert into customers (email, name, ssn) values ('a@b.example', 'A B', '078-05-1120')",
                    "insert into orders (customer_id, contact) select 1, 'buyer' || g || '@shop.example'"
                            + " from generate_series(1, 5) g");
            Path file = dir.resolve("refused.rehearsal");
            assertThatThrownBy(() -> DataSnapshot.capture(other, "postgres", "", crm()).maskingKey(KEY).writeTo(file))
                    .isInstanceOf(RehearsalException.class)
                    .hasMessageContaining("look personal and no masking rule covers them, so nothing was captured")
                    .hasMessageContaining("customers.ssn (its name)")
                    .hasMessageContaining("orders.contact (its values look like e-mail addresses)")
                    .hasMessageContaining("orders.client_ip (its type, inet, holds network addresses)");
            try (var files = Files.list(dir)) {
                assertThat(files).as("no file, not even a partial one").isEmpty();
            }

            Path rules = dir.resolve("masking.yaml");
            Files.writeString(rules, "columns:\n  customers.ssn: digits\n  orders.contact: email\n  orders.client_ip: null\n");
            CaptureResult ok = DataSnapshot.capture(other, "postgres", "", crm()).maskingKey(KEY).maskingRules(rules)
                    .writeTo(file);
            assertThat(ok.masked()).containsEntry("customers.ssn", "digits").containsEntry("orders.contact", "email");
            assertThat(contents(file)).doesNotContain("078-05-1120").doesNotContain("@shop.example");

            Files.writeString(rules, "columns:\n  customers.snn: digits\n");
            assertThatThrownBy(() -> DataSnapshot.capture(other, "postgres", "", crm()).maskingKey(KEY)
                    .maskingRules(rules).writeTo(dir.resolve("typo.rehearsal")))
                    .hasMessageContaining("The masking rules name columns")
                    .hasMessageContaining("[customers.snn]");
        } finally {
            execute(SERVER + "postgres", "drop database if exists " + name + " with (force)");
        }
    }

    @Test
    void aCaptureWithoutTheSecretOrWithAWrongPasswordSaysWhatToDo(@TempDir Path dir) {
        assertThatThrownBy(() -> DataSnapshot.capture(url, "postgres", "", crm()).maskingKey(null)
                .writeTo(dir.resolve("x.rehearsal")))
                .hasMessageContaining("No masking secret: set the environment variable REHEARSAL_MASKING_KEY");
        assertThatThrownBy(() -> DataSnapshot.capture(url, "postgres", "", crm()).maskingKey("short")
                .writeTo(dir.resolve("x.rehearsal")))
                .hasMessageContaining("use at least 16");
        String withPassword = "jdbc:mariadb://127.0.0.1:3306/nope?user=nobody&password=s3cr3t-pw";
        assertThatThrownBy(() -> DataSnapshot.capture(withPassword, "nobody", "s3cr3t-pw", crm()).maskingKey(KEY)
                .writeTo(dir.resolve("x.rehearsal")))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("password=***")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-pw"));
        assertThat(dir.resolve("x.rehearsal")).doesNotExist();
    }

    @Test
    void damagedNewerOrForeignSnapshotsAreRefusedWithTheirReason(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.rehearsal");
        DataSnapshot.capture(url, "postgres", "", crm()).maskingKey(KEY).writeTo(good);

        Path truncated = dir.resolve("truncated.rehearsal");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> DataSnapshot.open(truncated)).hasMessageContaining("The data snapshot " + truncated
                + " is not a readable snapshot file").hasMessageContaining("Capture it again");

        Path newer = rewriteManifest(good, dir.resolve("newer.rehearsal"), "\"format\" : 1", "\"format\" : 9");
        assertThatThrownBy(() -> DataSnapshot.open(newer)).hasMessageContaining("written in format 9 by a newer Rehearsal");

        Path unknown = rewriteManifest(good, dir.resolve("unknown.rehearsal"), "\"version\" : \"2\"", "\"version\" : \"99\"");
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("classpath:histories/crm"),
                DatabaseProviders.embeddedPostgres(), getClass().getClassLoader());
             DataSnapshot snapshot = DataSnapshot.open(unknown)) {
            assertThatThrownBy(() -> snapshot.restoreInto(r)).hasMessageContaining("was taken at version 99")
                    .hasMessageContaining("which this history does not have: its migrations are [1, 2, 3, 4]");
        }
        assertThatThrownBy(() -> DataSnapshot.open(dir.resolve("missing.rehearsal")))
                .hasMessageContaining("There is no data snapshot at");
    }

    /** A copy of a snapshot with one text of its manifest replaced. */
    static Path rewriteManifest(Path from, Path to, String text, String replacement) throws IOException {
        try (ZipFile zip = new ZipFile(from.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                byte[] data;
                try (InputStream in = zip.getInputStream(e)) {
                    data = in.readAllBytes();
                }
                if (e.getName().equals("manifest.json")) {
                    String json = new String(data, StandardCharsets.UTF_8);
                    assertThat(json).contains(text);
                    data = json.replace(text, replacement).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(data);
                out.closeEntry();
            }
        }
        return to;
    }

    @Test
    void aMariaDbDatabaseIsCapturedAndRestoredToo(@TempDir Path dir) throws SQLException {
        String mariadb = "jdbc:mariadb://127.0.0.1:3306/";
        String name = "prod_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(mariadb + "test", "root", ""); Statement st = c.createStatement()) {
            st.execute("create database " + name);
        }
        MigrationSource shop = MigrationSources.detect(RehearsalSettings.of("classpath:histories/mariadb-shop"),
                getClass().getClassLoader());
        try (Connection c = DriverManager.getConnection(mariadb + name, "root", "");
             Statement st = c.createStatement()) {
            shop.open(new SingleUrl(mariadb + name, "root"), Dialect.of(c)).upTo(MigrationVersion.parse("1"));
            for (int i = 1; i <= 20; i++) {
                st.execute("insert into customers (email, name) values ('" + email(i) + "', '" + name(i) + "')");
            }
        }
        try {
            Path file = dir.resolve("mariadb.rehearsal");
            CaptureResult result = DataSnapshot.capture(mariadb + name, "root", "", shop).maskingKey(KEY).writeTo(file);
            assertThat(result.rows()).containsEntry("customers", 20L);
            assertThat(result.masked()).containsEntry("customers.email", "email").containsEntry("customers.name", "name");
            try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("classpath:histories/mariadb-shop"),
                    DatabaseProviders.server(mariadb + "test", "root", ""), getClass().getClassLoader());
                 DataSnapshot snapshot = DataSnapshot.open(file)) {
                snapshot.restoreInto(r);
                assertThat(r.query("select count(*) from customers").rows().get(0).get(0)).isEqualTo(20L);
                assertThat(r.query("select count(*) from customers where email like '%wibblecorp%'").rows().get(0).get(0))
                        .isEqualTo(0L);
                RoundTripReport report = r.runRoundTrips();
                assertThat(report.failed()).as(report.toText()).isFalse();
            }
        } finally {
            try (Connection c = DriverManager.getConnection(mariadb + "test", "root", ""); Statement st = c.createStatement()) {
                st.execute("drop database if exists " + name);
            }
        }
    }

    /** Connections to one URL, as a user's pool would give them. */
    record SingleUrl(String url, String user) implements ConnectionSource {
        SingleUrl(String url) {
            this(url, "postgres");
        }

        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, user, "");
        }
    }
}
