package dev.rehearsal.junit;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.snapshots.GoldenMode;
import dev.rehearsal.snapshots.GoldenSchemas;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.rehearsal.junit.RehearsalAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema golden files through {@code @MigrationTest} (issue 13, part 1): round trips compare each up with its file when
 * the folder exists, {@code rehearsal.snapshots.update=true} writes them (never with {@code CI} set), and
 * {@code assertThat(rehearsal.schemaAt("2")).matchesGolden()} checks one version without touching the test's database.
 */
class GoldenFilesTest {

    private static final String SHOP = "../snapshots/src/test/resources/histories/shop";
    /** Whether this run is on CI, where golden files are never written: the tests check what each mode must do. */
    private static final boolean CI = GoldenMode.of(false, System.getenv()) == GoldenMode.VERIFY_ONLY;

    @TempDir
    static Path reports;

    private static Events run(Class<?> testClass, String... parameters) {
        return EngineRuns.run(reports, testClass, parameters).testEvents();
    }

    private static List<String> failures(Events events) {
        return events.failed().stream().map(GoldenFilesTest::message).toList();
    }

    private static String message(Event e) {
        return e.getTestDescriptor().getDisplayName() + ": " + e.getPayload(TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage();
    }

    /** Golden files written through the snapshots API itself, whatever the environment. */
    private static void writeGoldenFiles(Path history, Path dir) {
        GoldenSchemas golden = GoldenSchemas.in(dir, GoldenMode.UPDATE).printingTo(new PrintStream(OutputStream.nullOutputStream()));
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + history),
                DatabaseProviders.embeddedPostgres(), GoldenFilesTest.class.getClassLoader())) {
            r.checkEachUp(golden);
            assertThat(r.runRoundTrips().failed()).isFalse();
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    @Test
    void roundTripsCompareEachUpWithItsGoldenFileAndAnEditedMigrationFails(@TempDir Path dir) throws IOException {
        Path golden = dir.resolve("golden");
        writeGoldenFiles(Path.of(SHOP), golden);

        Events clean = run(RoundTrips.class, "rehearsal.migrations", "filesystem:" + SHOP,
                "rehearsal.snapshots.dir", golden.toString());
        clean.assertStatistics(s -> s.started(9).succeeded(9));

        Path edited = copy(Path.of(SHOP), dir.resolve("edited"));
        Path v1 = edited.resolve("V1__customers.sql");
        Files.writeString(v1, Files.readString(v1).replace("name text not null,", "name text not null,\n    phone text,"));
        Events drifted = run(RoundTrips.class, "rehearsal.migrations", "filesystem:" + edited,
                "rehearsal.snapshots.dir", golden.toString());

        drifted.assertStatistics(s -> s.started(9).failed(3).succeeded(6));
        assertThat(failures(drifted)).allSatisfy(m -> assertThat(m).contains(" \u203a up: ").contains("this is drift"));
        assertThat(failures(drifted).get(0)).contains("V1 customers (V1__customers.sql) left a schema that differs from"
                + " its golden file " + golden.resolve("V1.sql")).contains("+    phone text,");
    }

    /**
     * rehearsal.only-new over a released migration edited where git cannot tell (a base given by version): the round
     * trips start at the new one, and the schema the released ones give is judged once by the last released
     * migration's golden file, so the edit fails as drift.
     */
    @Test
    void onlyNewJudgesTheReleasedBaseByItsGoldenFile(@TempDir Path dir) throws IOException {
        Path golden = dir.resolve("golden");
        writeGoldenFiles(Path.of(SHOP), golden);
        Path history = copy(Path.of(SHOP), dir.resolve("history"));
        String[] onlyNew = {"rehearsal.migrations", "filesystem:" + history, "rehearsal.snapshots.dir", golden.toString(),
                "rehearsal.risks.since", "2", "rehearsal.only-new", "true"};

        Events untouched = run(RoundTrips.class, onlyNew);
        assertThat(failures(untouched)).as("only V3's lock risks, judged as new").allMatch(m -> m.startsWith(
                "V3 order rules \u203a risks"));
        assertThat(untouched.succeeded().stream().map(e -> e.getTestDescriptor().getDisplayName()))
                .as("V3's round trip alone, over V1 and V2").contains("V3 order rules \u203a up")
                .noneMatch(n -> n.startsWith("V1") || n.startsWith("V2"));

        Path v1 = history.resolve("V1__customers.sql");
        Files.writeString(v1, Files.readString(v1).replace("name text not null,", "name text not null,\n    phone text,"));
        Events edited = run(RoundTrips.class, onlyNew);
        assertThat(failures(edited).get(0)).startsWith("V3 order rules \u203a up: The schema the released migrations"
                        + " give, up to V2 orders, fails its check before this migration runs")
                .contains("undo the edit and add a new migration")
                .contains("V2 orders (V2__orders.sql) left a schema that differs from its golden file "
                        + golden.resolve("V2.sql")).contains("+    phone text,");
    }

    @Test
    void withoutTheFolderNoGoldenFileIsLookedForOrWritten(@TempDir Path dir) {
        Path golden = dir.resolve("not-there");
        run(RoundTrips.class, "rehearsal.migrations", "filesystem:" + SHOP, "rehearsal.snapshots.dir", golden.toString())
                .assertStatistics(s -> s.started(9).succeeded(9));
        assertThat(golden).doesNotExist();
    }

    @Test
    void updateModeWritesTheFilesExceptOnCi(@TempDir Path dir) throws IOException {
        Path golden = dir.resolve("golden");
        Events events = run(RoundTrips.class, "rehearsal.migrations", "filesystem:" + SHOP,
                "rehearsal.snapshots.dir", golden.toString(), "rehearsal.snapshots.update", "true");
        if (CI) {
            // CI never writes, so an update there cannot start golden files: without the folder there is nothing to check
            events.assertStatistics(s -> s.started(9).succeeded(9));
            assertThat(golden).doesNotExist();
            // once golden files are on, a missing one fails on CI
            Events on = run(RoundTrips.class, "rehearsal.migrations", "filesystem:" + SHOP,
                    "rehearsal.snapshots.dir", golden.toString(), "rehearsal.snapshots.schema", "on");
            on.assertStatistics(s -> s.started(9).failed(3));
            assertThat(failures(on).get(0)).contains("has no golden schema file").contains("With CI set");
            assertThat(golden).doesNotExist();
        } else {
            events.assertStatistics(s -> s.started(9).succeeded(9));
            try (Stream<Path> files = Files.list(golden)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("V1.sql", "V2.sql", "V3.sql");
            }
            assertThat(Files.readString(golden.resolve("V2.sql"))).contains("-- table orders");
        }
    }

    @Test
    void schemaAtReadsAVersionWithoutTouchingTheTestsDatabaseAndMatchesItsGoldenFile(@TempDir Path dir) throws IOException {
        Path golden = dir.resolve("golden");
        writeGoldenFiles(Path.of(SHOP), golden);
        run(SchemaAt.class, "rehearsal.migrations", "filesystem:" + SHOP, "rehearsal.snapshots.dir", golden.toString())
                .assertStatistics(s -> s.started(1).succeeded(1));

        Files.writeString(golden.resolve("V2.sql"), Files.readString(golden.resolve("V2.sql"))
                .replace("CREATE INDEX orders_customer_idx", "CREATE INDEX orders_customer_index"));
        Events differs = run(SchemaAt.class, "rehearsal.migrations", "filesystem:" + SHOP,
                "rehearsal.snapshots.dir", golden.toString());
        differs.assertStatistics(s -> s.started(1).failed(1));
        assertThat(failures(differs).get(0)).contains("V2 orders (V2__orders.sql) left a schema that differs from its"
                + " golden file " + golden.resolve("V2.sql")).contains("~ index orders_customer_idx (written differently)");
    }

    @Test
    void aMatrixKeepsOneFolderPerEngine(@TempDir Path dir) throws IOException {
        Path golden = dir.resolve("golden");
        writeGoldenFiles(Path.of(SHOP), golden.resolve("postgresql"));
        run(Matrix.class, "rehearsal.migrations", "filesystem:" + SHOP, "rehearsal.snapshots.dir", golden.toString(),
                "rehearsal.matrix", "embedded").assertStatistics(s -> s.started(1).succeeded(1));
        try (Stream<Path> files = Files.list(golden)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("postgresql");
        }
    }

    @Test
    void theAnnotationNamesAHistorysOwnFolder() throws IOException {
        Path golden = Path.of(OwnFolder.DIR);
        writeGoldenFiles(Path.of(SHOP), golden);
        Files.writeString(golden.resolve("V3.sql"), Files.readString(golden.resolve("V3.sql"))
                .replace("-- view customer_totals", "-- view customer_sums"));
        try {
            Events events = run(OwnFolder.class, "rehearsal.snapshots.dir", "a/folder/the/annotation/overrides");
            events.assertStatistics(s -> s.started(9).failed(1));
            assertThat(failures(events).get(0)).contains("its golden file " + golden.resolve("V3.sql"))
                    .contains("+ view customer_totals (in the database, not in the file)")
                    .contains("- view customer_sums (in the file, not in the database)");
        } finally {
            try (Stream<Path> files = Files.list(golden)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    // ---- fixtures, run only through the engine test kit ----

    @MigrationTest(migrations = "filesystem:" + SHOP, goldenFiles = OwnFolder.DIR)
    static class OwnFolder {
        static final String DIR = "target/golden-files-test/own-folder";

        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest
    static class RoundTrips {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest
    static class SchemaAt {
        @Test
        void atVersionTwo(Rehearsal rehearsal) {
            assertThat(rehearsal.schemaAt("2")).matchesGolden().schema().hasTable("orders").hasNoTable("customer_totals");
            assertThat(rehearsal.currentVersion()).as("the test's own database is untouched").isEmpty();
        }
    }

    @MigrationTest
    static class Matrix {
        @MigrationMatrix
        void allVersions(Rehearsal rehearsal) {
            assertThat(rehearsal.runRoundTrips()).hasNoFailures();
        }
    }
}
