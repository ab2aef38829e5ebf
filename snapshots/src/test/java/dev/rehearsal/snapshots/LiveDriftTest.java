package dev.rehearsal.snapshots;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.schema.SchemaSnapshot;
import dev.rehearsal.snapshots.internal.ConnectionSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A live database compared with the golden file of the version its history table records (issue 13, part 2): what was
 * changed by hand shows, nothing is written to the database, passwords appear nowhere. Runs on the machine's
 * PostgreSQL (127.0.0.1:5432) and MariaDB (127.0.0.1:3306) servers, which stand in for production.
 */
class LiveDriftTest {

    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/";
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static MigrationSource source(String history) {
        return MigrationSources.detect(RehearsalSettings.of("classpath:histories/" + history), LiveDriftTest.class.getClassLoader());
    }

    /** Golden files written by rehearsing the history on the same server, as a team whose production runs it would. */
    private static GoldenSchemas goldenFiles(Path dir, String history, DatabaseProvider provider) {
        GoldenSchemas golden = GoldenSchemas.in(dir, GoldenMode.WRITE_MISSING).printingTo(QUIET);
        RoundTripReport report = GoldenSchemasTest.rehearse(RehearsalSettings.of("classpath:histories/" + history),
                provider, golden);
        assertThat(report.failed()).as(report.toText()).isFalse();
        return GoldenSchemas.in(dir, GoldenMode.VERIFY_ONLY).printingTo(QUIET);
    }

    private static void execute(String url, String user, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /** A database migrated to {@code version} by the history's own tool, as production would be. */
    private static void migrate(String url, String user, String history, String version) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            Dialect dialect = Dialect.of(c);
            source(history).open(new SingleUrlDataSource(url, user), dialect).upTo(MigrationVersion.parse(version));
        }
    }

    private static SchemaSnapshot schema(String url, String user) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            return Dialect.of(c).snapshot(c, Set.of());
        }
    }

    @Test
    void aPostgresDatabaseMatchesItsVersionsGoldenFileUntilSomeoneChangesItByHand(@TempDir Path dir) throws SQLException {
        GoldenSchemas golden = goldenFiles(dir, "shop", DatabaseProviders.postgresServer(PG + "postgres", "postgres", ""));
        String name = "live_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(PG + "postgres", "postgres", "create database " + name);
        String url = PG + name;
        try {
            migrate(url, "postgres", "shop", "2");

            SchemaDrift clean = golden.driftOf(url, "postgres", "", source("shop"));
            assertThat(clean.hasDrift()).as(clean.describe()).isFalse();
            assertThat(clean.migration().version()).isEqualTo(MigrationVersion.parse("2"));
            assertThat(clean.describe()).isEqualTo(url + " is at V2 orders and its schema matches " + dir.resolve("V2.sql") + ".");

            execute(url, "postgres", "create index orders_status_idx on orders (status)",
                    "drop index orders_customer_idx",
                    "alter table customers add column nickname text");
            SchemaSnapshot before = schema(url, "postgres");

            SchemaDrift drift = golden.driftOf(url, "postgres", "", source("shop"));

            assertThat(drift.hasDrift()).isTrue();
            assertThat(drift.describe())
                    .startsWith(url + " is at V2 orders but its schema differs from " + dir.resolve("V2.sql"))
                    .contains("+ index orders_status_idx (in the database, not in the file)")
                    .contains("- index orders_customer_idx (in the file, not in the database)")
                    .contains("~ table customers (written differently)")
                    .contains("+    nickname text");
            assertThat(schema(url, "postgres")).as("reading left the database as it was").isEqualTo(before);
        } finally {
            execute(PG + "postgres", "postgres", "drop database if exists " + name + " with (force)");
        }
    }

    @Test
    void aToolThatWouldCreateItsVersionTableCannotOnALiveDatabase(@TempDir Path dir) throws SQLException {
        String name = "live_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(PG + "postgres", "postgres", "create database " + name);
        String url = PG + name;
        try {
            MigrationSource golangMigrate = MigrationSources.detect(RehearsalSettings.of("classpath:histories/mariadb-shop"),
                    getClass().getClassLoader());
            GoldenSchemas golden = GoldenSchemas.in(dir, GoldenMode.VERIFY_ONLY).printingTo(QUIET);

            assertThatThrownBy(() -> golden.driftOf(url, "postgres", "", golangMigrate))
                    .isInstanceOf(RehearsalException.class)
                    .hasMessageContaining("Could not tell which version " + url + " is at from its migration history table")
                    .hasMessageContaining("read-only transaction");
            assertThat(schema(url, "postgres").objects()).extracting(o -> o.name()).doesNotContain("schema_migrations");
        } finally {
            execute(PG + "postgres", "postgres", "drop database if exists " + name + " with (force)");
        }
    }

    @Test
    void aMariaDbDatabaseShowsItsDriftAndNoPasswordAppears(@TempDir Path dir) throws SQLException {
        GoldenSchemas golden = goldenFiles(dir, "mariadb-shop", DatabaseProviders.server(MARIADB + "test", "root", ""));
        String name = "live_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(MARIADB + "test", "root", "create database " + name);
        String url = MARIADB + name;
        try {
            migrate(url, "root", "mariadb-shop", "2");
            assertThat(golden.driftOf(url, "root", "", source("mariadb-shop")).hasDrift()).isFalse();

            execute(url, "root", "create index customers_name_idx on customers (name)");
            SchemaDrift drift = golden.driftOf(url, "root", "", source("mariadb-shop"));
            assertThat(drift.describe()).contains("is at 2_orders but its schema differs from " + dir.resolve("V2.sql"))
                    .contains("+ index customers.customers_name_idx (in the database, not in the file)");

            String withPassword = url + "?user=root&password=s3cr3t-pw";
            assertThatThrownBy(() -> golden.driftOf(withPassword, "root", "s3cr3t-pw", source("mariadb-shop")))
                    .isInstanceOf(RehearsalException.class)
                    .hasMessageContaining(url + "?user=root&password=***")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-pw"));
        } finally {
            execute(MARIADB + "test", "root", "drop database if exists " + name);
        }
    }

    @Test
    void aVersionWithoutAGoldenFileIsNamed(@TempDir Path dir) throws SQLException {
        String name = "live_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(PG + "postgres", "postgres", "create database " + name);
        String url = PG + name;
        try {
            migrate(url, "postgres", "shop", "1");
            GoldenSchemas golden = GoldenSchemas.in(dir, GoldenMode.VERIFY_ONLY).printingTo(QUIET);
            assertThatThrownBy(() -> golden.driftOf(url, "postgres", "", source("shop")))
                    .hasMessage(url + " is at V1 customers, which has no golden schema file: expected "
                            + dir.resolve("V1.sql") + ". Run the migration tests to write it.");
        } finally {
            execute(PG + "postgres", "postgres", "drop database if exists " + name + " with (force)");
        }
    }

    /** Connections to one URL for the migration tool, as a user's own pool would give. */
    private record SingleUrlDataSource(String url, String user) implements ConnectionSource {
        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, user, "");
        }
    }
}
