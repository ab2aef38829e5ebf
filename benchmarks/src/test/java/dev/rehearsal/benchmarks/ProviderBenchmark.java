package dev.rehearsal.benchmarks;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.internal.containers.ContainerProvider;
import dev.rehearsal.core.internal.postgres.EmbeddedPostgresProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.testcontainers.DockerClientFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fresh throwaway databases on each kind of server, measured in one run: the embedded PostgreSQL (template clone,
 * prefetched), the machine's PostgreSQL server and MariaDB server (plain CREATE DATABASE: MariaDB has no templates;
 * the migrations then replay the prepared state), and containers of both engines, started once per run and image
 * and reused by the next test class. A server or Docker engine that is not there skips its figure, with the reason;
 * every database measured must answer a query.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a closed issue's figure: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class ProviderBenchmark {

    private static final int ROUNDS = 10;
    private static final int SERVER_ROUNDS = 3;
    private static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";

    @AfterAll
    static void stopContainers() {
        DatabaseProviders.stopContainers();
    }

    @Test
    void embeddedPostgres() throws Exception {
        report("embedded PostgreSQL (template clone, prefetched)", DatabaseProviders.embeddedPostgres(), false);
    }

    /**
     * An embedded server from start to a usable throwaway database and stopped again: started from the kept
     * {@code initdb} cluster, against zonky's own {@code initdb}, alternating, medians of {@link #SERVER_ROUNDS}.
     */
    @Test
    void embeddedServerStartAndStop() throws Exception {
        // warm-up: the first server of these binaries keeps a cluster in the background, if none was kept before
        for (int i = 0; i < 10; i++) {
            EmbeddedPostgresProvider warm = EmbeddedPostgresProvider.start(Map.of());
            boolean fromKeptCluster = warm.startedFromKeptCluster();
            warm.close();
            if (fromKeptCluster) {
                break;
            }
            Thread.sleep(1000);
        }
        List<Long> kept = new ArrayList<>();
        List<Long> initdb = new ArrayList<>();
        int fromKept = 0;
        for (int round = 0; round < SERVER_ROUNDS; round++) {
            long t0 = System.nanoTime();
            EmbeddedPostgresProvider server = EmbeddedPostgresProvider.start(Map.of());
            fromKept += server.startedFromKeptCluster() ? 1 : 0;
            useAndClose(server);
            kept.add(System.nanoTime() - t0);
            t0 = System.nanoTime();
            useAndClose(EmbeddedPostgresProvider.startWithInitdb(Map.of()));
            initdb.add(System.nanoTime() - t0);
        }
        double a = RoundTripOverheadBenchmark.median(kept) / 1e6;
        double b = RoundTripOverheadBenchmark.median(initdb) / 1e6;
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "embedded server started, one throwaway database"
                + " used, server stopped: %.0f ms from the kept initdb cluster (%d of %d rounds started from it) against"
                + " %.0f ms with its own initdb, %.2fx; medians of %d rounds%n", a, fromKept, SERVER_ROUNDS, b, a / b,
                SERVER_ROUNDS));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("embedded_server_start_stop_kept_cluster_ms", Math.round(a));
        figures.put("embedded_server_start_stop_initdb_ms", Math.round(b));
        figures.put("embedded_server_start_stop_ratio", Math.round(a / b * 100) / 100.0);
        LongHistoryBenchmark.writeJson(figures);
    }

    private static void useAndClose(EmbeddedPostgresProvider server) throws SQLException {
        try (EphemeralDatabase db = server.createDatabase(); Connection c = db.dataSource().getConnection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        } finally {
            server.close();
        }
    }

    @Test
    void postgresServer() throws Exception {
        assumeReachable(POSTGRES_URL, "postgres", null);
        report("PostgreSQL server at 127.0.0.1:5432 (CREATE DATABASE from template0)",
                DatabaseProviders.server(POSTGRES_URL, "postgres", null), true);
    }

    @Test
    void mariaDbServer() throws Exception {
        assumeReachable(MARIADB_URL, "root", "");
        report("MariaDB server at 127.0.0.1:3306 (CREATE DATABASE; no templates on MariaDB)",
                DatabaseProviders.server(MARIADB_URL, "root", ""), true);
    }

    @Test
    void containersStartOncePerRun() throws Exception {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no Docker engine: container figures need one (bash .ci/setup.sh starts it and builds the images)");
        for (String image : List.of("rehearsal/postgres:15-debian", "rehearsal/mariadb:10.11-debian")) {
            ContainerProvider container = (ContainerProvider) DatabaseProviders.container(image);
            long t0 = System.nanoTime();
            boolean reused = DatabaseProviders.container(image) == container;
            long again = System.nanoTime() - t0;
            assertThat(reused).as("the second request for " + image + " reuses the running container").isTrue();
            RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "container %s started once for the run in %d ms;"
                    + " asking again (the next test class) took %.2f ms and reused it%n", image, container.startMillis(),
                    again / 1e6));
            report(container.describe() + (image.contains("mariadb") ? " (CREATE DATABASE)" : " (template clone, prefetched)"),
                    container, false);
        }
    }

    private static void assumeReachable(String url, String user, String password) {
        DriverManager.setLoginTimeout(5);
        try (Connection ignored = DriverManager.getConnection(url, user, password)) {
            // reachable
        } catch (SQLException e) {
            assumeTrue(false, "no server at " + url + " (" + e.getMessage() + "): bash .ci/setup.sh starts it");
        }
    }

    private static void report(String what, DatabaseProvider provider, boolean close) throws Exception {
        List<Long> times = new ArrayList<>();
        try {
            for (int i = 0; i <= ROUNDS; i++) {
                long t0 = System.nanoTime();
                EphemeralDatabase db = provider.createDatabase();
                long t = System.nanoTime() - t0;
                try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("select 1")) {
                    assertThat(rs.next()).as("a fresh database of " + what + " answers").isTrue();
                } finally {
                    db.close();
                }
                if (i > 0) {
                    times.add(t);
                }
                Thread.sleep(20);
            }
        } finally {
            if (close) {
                provider.close();
            }
        }
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "fresh throwaway database, %s: median %.1f ms over %d%n",
                what, RoundTripOverheadBenchmark.median(times) / 1e6, ROUNDS));
    }
}
