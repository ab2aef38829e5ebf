package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.snapshots.CaptureResult;
import dev.rehearsal.snapshots.DataSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data snapshots at volume (issue 13's goals): capture with masking of 1,000,000 rows over a 5-table FK schema on the
 * machine's PostgreSQL server (goal: at least 100,000 rows/s); restore into a throwaway database on the same server
 * against a plain {@code COPY} of the same rows into an empty copy of the schema (goal: at least half its speed);
 * the file's size against {@code pg_dump -Fc} of the same rows.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a closed issue's figure: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class DataSnapshotBenchmark {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String SCHEMA = """
            create table customers (id bigint generated always as identity primary key, email text not null unique,
                full_name text not null, phone text, city text, created_at timestamptz not null default now());
            create table products (id bigint generated always as identity primary key, name text not null,
                price numeric(10,2) not null);
            create table orders (id bigint generated always as identity primary key,
                customer_id bigint not null references customers (id), status text not null, placed_at timestamptz not null);
            create table order_lines (order_id bigint not null references orders (id),
                product_id bigint not null references products (id), quantity int not null, primary key (order_id, product_id));
            create table reviews (id bigint generated always as identity primary key,
                customer_id bigint not null references customers (id), product_id bigint not null references products (id),
                stars int not null, body text not null);
            """;
    private static final List<String> TABLES = List.of("customers", "products", "orders", "order_lines", "reviews");

    private static void execute(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    @Test
    void captureMaskRestoreAndSizeAtAMillionRows(@TempDir Path dir) throws Exception {
        Path history = Files.createDirectories(dir.resolve("history"));
        Files.writeString(history.resolve("1_shop.up.sql"), SCHEMA);
        Files.writeString(history.resolve("1_shop.down.sql"), "drop table reviews, order_lines, orders, products, customers;");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate");
        MigrationSource source = MigrationSources.detect(settings, getClass().getClassLoader());
        String name = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String copyName = name + "_copy";
        execute(SERVER + "postgres", "create database " + name, "create database " + copyName);
        String url = SERVER + name;
        try {
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                PGSimpleDataSource ds = new PGSimpleDataSource();
                ds.setUrl(url);
                ds.setUser("postgres");
                source.open(ds, Dialect.of(c)).upTo(MigrationVersion.parse("1"));
            }
            execute(url,
                    "insert into customers (email, full_name, phone, city) select 'person' || g || '@mail' || (g % 50)"
                            + " || '.example', 'First' || g || ' Last' || (g % 977), '+1 415 555 ' || lpad((g % 10000)::text, 4, '0'),"
                            + " 'City' || (g % 300) from generate_series(1, 200000) g",
                    "insert into products (name, price) select 'Product ' || g, (g % 500) + 0.99 from generate_series(1, 50000) g",
                    "insert into orders (customer_id, status, placed_at) select 1 + g % 200000,"
                            + " (array['new','paid','shipped'])[1 + g % 3], now() - (g || ' minutes')::interval"
                            + " from generate_series(1, 300000) g",
                    "insert into order_lines (order_id, product_id, quantity) select 1 + (g - 1) / 2,"
                            + " 1 + (g::bigint * 7919) % 50000, 1 + g % 4 from generate_series(1, 400000) g"
                            + " on conflict do nothing",
                    "insert into reviews (customer_id, product_id, stars, body) select 1 + g % 200000, 1 + g % 50000,"
                            + " 1 + g % 5, 'Review ' || g || ': the parcel came on time and the product works as described.'"
                            + " from generate_series(1, 50000) g",
                    "vacuum analyze");
            Path rules = dir.resolve("masking.yaml");
            Files.writeString(rules, "columns:\n  reviews.body: text\n");
            Path file = dir.resolve("shop.rehearsal");
            CaptureResult captured = DataSnapshot.capture(url, "postgres", "", source).maskingRules(rules)
                    .maskingKey("benchmark-secret-0123456789").writeTo(file);
            long rows = captured.totalRows();
            // the same capture with nothing masked: how much of the size is the masked values' randomness
            Path keep = dir.resolve("keep.yaml");
            Files.writeString(keep, "columns:\n  customers.email: keep\n  customers.full_name: keep\n"
                    + "  customers.phone: keep\n  customers.city: keep\n  reviews.body: keep\n");
            long unmaskedBytes = DataSnapshot.capture(url, "postgres", "", source).maskingRules(keep)
                    .maskingKey("benchmark-secret-0123456789").writeTo(dir.resolve("unmasked.rehearsal")).bytes();
            double captureRate = rows / (captured.took().toNanos() / 1e9);

            // plain COPY of the same rows: out of the source, into an empty copy of the schema
            Map<String, byte[]> data = new LinkedHashMap<>();
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                for (String t : TABLES) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    copy.copyOut("COPY " + t + " TO STDOUT", out);
                    data.put(t, out.toByteArray());
                }
            }
            execute(SERVER + copyName, SCHEMA.replace("generated always as identity", ""));
            long c0 = System.nanoTime();
            try (Connection c = DriverManager.getConnection(SERVER + copyName, "postgres", "")) {
                c.setAutoCommit(false);
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                try (Statement st = c.createStatement()) {
                    st.execute("set session_replication_role = replica");
                }
                for (String t : TABLES) {
                    copy.copyIn("COPY " + t + " FROM STDIN", new ByteArrayInputStream(data.get(t)));
                }
                c.commit();
            }
            double copyMs = (System.nanoTime() - c0) / 1e6;

            double restoreMs;
            try (DatabaseProvider provider = DatabaseProviders.server(SERVER + "postgres", "postgres", null);
                 MigrationRehearsal r = MigrationRehearsal.start(settings, provider, getClass().getClassLoader());
                 DataSnapshot snapshot = DataSnapshot.open(file)) {
                DataSnapshot.RestoreResult restored = snapshot.restoreInto(r);
                assertThat(restored.rows()).isEqualTo(rows);
                restoreMs = restored.took().toNanos() / 1e6;
            }

            Path dump = dir.resolve("shop.dump");
            Process p = new ProcessBuilder("pg_dump", "-Fc", "-a", "-h", "127.0.0.1", "-U", "postgres", "-f", dump.toString(), name)
                    .redirectErrorStream(true).start();
            String dumpOut = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(dumpOut).isZero();
            long dumpBytes = Files.size(dump);

            RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "data snapshot of %,d rows over 5 FK tables"
                            + " (PostgreSQL server, %d columns masked): capture with masking %.1f s, %,.0f rows/s (target:"
                            + " >= 100,000); restore %.1f s vs plain COPY of the same rows %.1f s, %.2fx its speed (target:"
                            + " >= 0.5x); file %,d kB vs pg_dump -Fc -a %,d kB (%.2fx); the same capture unmasked %,d kB (%.2fx)%n",
                    rows, captured.masked().size(), captured.took().toNanos() / 1e9, captureRate, restoreMs / 1000,
                    copyMs / 1000, copyMs / restoreMs, captured.bytes() / 1024, dumpBytes / 1024,
                    (double) captured.bytes() / dumpBytes, unmaskedBytes / 1024, (double) unmaskedBytes / dumpBytes));
            ObjectNode figures = new ObjectMapper().createObjectNode();
            figures.put("snapshot_rows", rows);
            figures.put("snapshot_capture_rows_per_s", Math.round(captureRate));
            figures.put("snapshot_restore_ms", Math.round(restoreMs));
            figures.put("snapshot_plain_copy_ms", Math.round(copyMs));
            figures.put("snapshot_restore_vs_copy_speed", Math.round(copyMs / restoreMs * 100) / 100.0);
            figures.put("snapshot_file_bytes", captured.bytes());
            figures.put("snapshot_pg_dump_fc_bytes", dumpBytes);
            figures.put("snapshot_unmasked_file_bytes", unmaskedBytes);
            LongHistoryBenchmark.writeJson(figures);
        } finally {
            execute(SERVER + "postgres", "drop database if exists " + name + " with (force)",
                    "drop database if exists " + copyName + " with (force)");
        }
    }
}
