package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a cached base would cost a pull request's run (the design in docs/speed-goals.md): on the machine's
 * PostgreSQL server, a new database copied from a template that holds the generated 300-migration history's
 * released schema, against a new empty database, as a rehearsal makes one. Alternating, medians of 5. Every database
 * it makes is dropped at its end.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a design's measurement: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class CachedBaseBenchmark {

    private static final int RELEASED = 300;
    private static final int ROUNDS = 5;

    @Test
    void aCopyOfTheBaseAgainstAnEmptyDatabase(@TempDir Path dir) throws Exception {
        LongHistoryBenchmark.assumeServer();
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String template = "bench_base_" + suffix;
        List<String> made = new ArrayList<>();
        try (Connection admin = DriverManager.getConnection(LongHistoryBenchmark.SERVER, "postgres", null);
             Statement st = admin.createStatement()) {
            try {
                st.execute("create database " + template);
                made.add(template);
                applyUps(GeneratedHistory.write(dir.resolve("released"), RELEASED), template);
                List<Double> copies = new ArrayList<>();
                List<Double> empties = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    copies.add(create(st, "bench_copy_" + suffix + "_" + round, "template " + template, made));
                    empties.add(create(st, "bench_empty_" + suffix + "_" + round, "template template0", made));
                }
                double copy = HelperLoop.median(copies);
                double empty = HelperLoop.median(empties);
                RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "a new database copied from a template"
                        + " holding the %d released migrations' schema %.0f ms, a new empty database %.0f ms (medians"
                        + " of %d alternating rounds: %s against %s)%n", RELEASED, copy, empty, ROUNDS, copies, empties));
                ObjectNode figures = new ObjectMapper().createObjectNode();
                figures.put("base_template_copy_ms", Math.round(copy));
                figures.put("empty_database_ms", Math.round(empty));
                LongHistoryBenchmark.writeJson(figures);
            } finally {
                for (String database : made) {
                    st.execute("drop database if exists " + database);
                }
            }
        }
    }

    /** Milliseconds of one CREATE DATABASE {@code name} {@code from}; the name is added to {@code made}. */
    private static double create(Statement st, String name, String from, List<String> made) throws SQLException {
        long t0 = System.nanoTime();
        st.execute("create database " + name + " " + from);
        double ms = (System.nanoTime() - t0) / 1e6;
        made.add(name);
        return ms;
    }

    /** Every up file of {@code history}, in order, each in a transaction, on a session of {@code database}. */
    private static void applyUps(Path history, String database) throws Exception {
        List<Path> ups;
        try (Stream<Path> files = Files.list(history)) {
            ups = files.filter(p -> p.getFileName().toString().endsWith(".up.sql")).sorted().toList();
        }
        assertThat(ups).hasSize(RELEASED);
        String url = LongHistoryBenchmark.SERVER.substring(0, LongHistoryBenchmark.SERVER.lastIndexOf('/') + 1)
                + database;
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            for (Path up : ups) {
                st.execute(Files.readString(up));
                c.commit();
            }
        }
    }
}
