package dev.rehearsal.benchmarks;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.containers.ContainerProvider;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fresh throwaway databases on each kind of server, measured in one run: the embedded PostgreSQL (template clone,
 * prefetched), the machine's PostgreSQL server and MariaDB server (plain CREATE DATABASE: MariaDB has no templates;
 * the migrations then replay the prepared state), and containers of both engines, started once per run and image
 * and reused by the next test class.
 */
class ProviderBenchmark {

    private static final int ROUNDS = 10;

    @Test
    void freshDatabasePerProvider() throws Exception {
        report("embedded PostgreSQL (template clone, prefetched)", DatabaseProviders.embeddedPostgres(), false);
        report("PostgreSQL server at 127.0.0.1:5432 (CREATE DATABASE from template0)",
                DatabaseProviders.server("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null), true);
        report("MariaDB server at 127.0.0.1:3306 (CREATE DATABASE; no templates on MariaDB)",
                DatabaseProviders.server("jdbc:mariadb://127.0.0.1:3306/test", "root", ""), true);
        for (String image : List.of("rehearsal/postgres:15-debian", "rehearsal/mariadb:10.11-debian")) {
            ContainerProvider container = (ContainerProvider) DatabaseProviders.container(image);
            long t0 = System.nanoTime();
            boolean reused = DatabaseProviders.container(image) == container;
            long again = System.nanoTime() - t0;
            RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "container %s started once for the run in %d ms;"
                    + " asking again (the next test class) took %.2f ms and %s%n", image, container.startMillis(),
                    again / 1e6, reused ? "reused it" : "STARTED ANOTHER"));
            report(container.describe() + (image.contains("mariadb") ? " (CREATE DATABASE)" : " (template clone, prefetched)"),
                    container, false);
        }
        DatabaseProviders.stopContainers();
    }

    private static void report(String what, DatabaseProvider provider, boolean close) throws Exception {
        List<Long> times = new ArrayList<>();
        try {
            for (int i = 0; i <= ROUNDS; i++) {
                long t0 = System.nanoTime();
                EphemeralDatabase db = provider.createDatabase();
                long t = System.nanoTime() - t0;
                db.close();
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
