package dev.rehearsal.snapshots;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.StepResult;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema golden files per migration version (issue 13, part 1 and the first half of part 2): written on the first
 * run, compared on every later one, rewritten on request, never written on CI; an edited migration that every round
 * trip still passes fails against the files it was recorded in.
 */
class GoldenSchemasTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    static RoundTripReport rehearse(RehearsalSettings settings, DatabaseProvider provider, GoldenSchemas golden) {
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, provider, GoldenSchemasTest.class.getClassLoader())) {
            r.checkEachUp(golden);
            return r.runRoundTrips();
        }
    }

    private RoundTripReport rehearseShop(Path goldenDir, GoldenMode mode) {
        return rehearse(RehearsalSettings.of("classpath:histories/shop"), DatabaseProviders.embeddedPostgres(),
                golden(goldenDir, mode));
    }

    private GoldenSchemas golden(Path dir, GoldenMode mode) {
        return GoldenSchemas.in(dir, mode).printingTo(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    static PhaseResult up(RoundTripReport report, String migration) {
        StepResult step = report.steps().stream().filter(s -> s.migration().startsWith(migration)).findFirst().orElseThrow();
        return step.phases().stream().filter(p -> p.phase() == PhaseResult.Phase.UP).findFirst().orElseThrow();
    }

    static String note(RoundTripReport report, String migration) {
        return report.steps().stream().filter(s -> s.migration().startsWith(migration)).findFirst().orElseThrow().note();
    }

    @Test
    void theFirstRunWritesOneReviewableFilePerVersionAndLaterRunsCompareWithThem(@TempDir Path dir) throws IOException {
        RoundTripReport first = rehearseShop(dir, GoldenMode.WRITE_MISSING);
        assertThat(first.failed()).as(first.toText()).isFalse();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("V1.sql", "V2.sql", "V3.sql");
        }
        assertThat(note(first, "V2")).contains("golden file written: " + dir.resolve("V2.sql"));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Rehearsal wrote the golden schema file "
                + dir.resolve("V1.sql"));

        String v3 = Files.readString(dir.resolve("V3.sql"));
        System.out.println(v3);
        assertThat(v3).startsWith("-- Rehearsal schema golden file, format 1: the PostgreSQL schema after version 3.\n")
                .contains("""
                        -- table customers
                        CREATE TABLE customers (
                            id bigint DEFAULT nextval('customers_id_seq'::regclass) NOT NULL,
                            email email_address NOT NULL,
                            name text NOT NULL,
                            tier customer_tier DEFAULT 'basic'::customer_tier NOT NULL,
                            created_at timestamp with time zone DEFAULT now() NOT NULL
                        );
                        COMMENT ON TABLE customers IS 'People who buy';
                        COMMENT ON COLUMN customers.email IS 'Login and contact address';""")
                .contains("-- extension pgcrypto\nCREATE EXTENSION pgcrypto SCHEMA public;")
                .contains("-- type customer_tier\nCREATE TYPE customer_tier AS ENUM ('basic', 'gold');")
                .contains("CREATE DOMAIN email_address AS text CONSTRAINT email_address_check CHECK (VALUE ~~ '%@%'::text);")
                .contains("-- sequence order_numbers\nCREATE SEQUENCE order_numbers AS bigint INCREMENT BY 10")
                .contains("ALTER SEQUENCE order_numbers OWNED BY orders.number;")
                .contains("id bigint GENERATED ALWAYS AS IDENTITY NOT NULL")
                .contains("-- index orders_number_idx\nCREATE UNIQUE INDEX orders_number_idx ON public.orders USING btree"
                        + " (number) WHERE (status <> 'void'::text);")
                .contains("CHECK (total < 1000000::numeric) NOT VALID;")
                .contains("-- trigger orders.orders_normalize_status\nCREATE TRIGGER orders_normalize_status BEFORE")
                .contains("-- view customer_totals\nCREATE VIEW customer_totals AS")
                .contains("-- function normalize_status()\nCREATE OR REPLACE FUNCTION public.normalize_status()")
                // no owners, no privileges, no object ids, no server version, no trailing blanks
                .doesNotContain("OWNER").doesNotContain("GRANT").doesNotContainPattern("[ \\t]\\n")
                .doesNotContainPattern("PostgreSQL 1\\d");
        // the tables come in name order, each followed by what hangs on it
        assertThat(v3.indexOf("-- table customers")).isLessThan(v3.indexOf("-- constraint customers.customers_pkey"));
        assertThat(v3.indexOf("-- constraint customers.customers_pkey")).isLessThan(v3.indexOf("-- table orders"));

        printed.reset();
        RoundTripReport second = rehearseShop(dir, GoldenMode.VERIFY_ONLY);
        assertThat(second.failed()).as(second.toText()).isFalse();
        assertThat(note(second, "V2")).doesNotContain("golden file");
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(Files.readString(dir.resolve("V3.sql"))).isEqualTo(v3);
    }

    @Test
    void anEditedMigrationThatWasAlreadyRecordedFailsNamingTheMigrationTheFileAndTheDifference(@TempDir Path dir)
            throws IOException {
        Path golden = dir.resolve("golden");
        assertThat(rehearseShop(golden, GoldenMode.WRITE_MISSING).failed()).isFalse();
        // V1 gains a column after it was applied; its undo drops the table, so every round trip still passes
        Path edited = copyHistory("shop", dir.resolve("edited"));
        Path v1 = edited.resolve("V1__customers.sql");
        Files.writeString(v1, Files.readString(v1).replace("name text not null,", "name text not null,\n    phone text,"));

        RoundTripReport report = rehearse(RehearsalSettings.of("filesystem:" + edited), DatabaseProviders.embeddedPostgres(),
                golden(golden, GoldenMode.WRITE_MISSING));

        PhaseResult up = up(report, "V1");
        assertThat(up.status()).isEqualTo(PhaseResult.Status.FAILED);
        assertThat(up.message())
                .contains("V1 customers (V1__customers.sql) left a schema that differs from its golden file "
                        + golden.resolve("V1.sql"))
                .contains("~ table customers (written differently)")
                .contains("    +    phone text,")
                .contains("this is drift")
                .contains("-Drehearsal.snapshots.update=true");
        // the round trip itself is sound: down and up again pass
        StepResult v1Step = report.steps().get(0);
        assertThat(v1Step.phases()).filteredOn(p -> p.phase() != PhaseResult.Phase.UP)
                .allSatisfy(p -> assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED));
        // the golden file was not touched
        assertThat(Files.readString(golden.resolve("V1.sql"))).doesNotContain("phone");
    }

    @Test
    void updateModeRewritesWhatChangedAndPrintsWhatItWrote(@TempDir Path dir) throws IOException {
        Path golden = dir.resolve("golden");
        rehearseShop(golden, GoldenMode.WRITE_MISSING);
        Path edited = copyHistory("shop", dir.resolve("edited"));
        Path v2 = edited.resolve("V2__orders.sql");
        Files.writeString(v2, Files.readString(v2).replace("create index orders_customer_idx on orders (customer_id);", ""));
        printed.reset();

        RoundTripReport report = rehearse(RehearsalSettings.of("filesystem:" + edited), DatabaseProviders.embeddedPostgres(),
                golden(golden, GoldenMode.UPDATE));

        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(note(report, "V2")).contains("golden file rewritten: " + golden.resolve("V2.sql"))
                .contains("- index orders_customer_idx (in the file, not in the database)");
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Rehearsal rewrote the golden schema file " + golden.resolve("V2.sql"))
                .contains("Rehearsal rewrote the golden schema file " + golden.resolve("V3.sql"))
                .doesNotContain(golden.resolve("V1.sql").toString());
        assertThat(Files.readString(golden.resolve("V2.sql"))).doesNotContain("orders_customer_idx");
        try (Stream<Path> files = Files.list(golden)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void onCiNothingIsWrittenAndAMissingFileFails(@TempDir Path dir) {
        Path golden = dir.resolve("golden");
        RoundTripReport report = rehearseShop(golden, GoldenMode.of(true, Map.of("CI", "true")));

        assertThat(up(report, "V2").status()).isEqualTo(PhaseResult.Status.FAILED);
        assertThat(up(report, "V2").message()).contains("V2 orders (V2__orders.sql) has no golden schema file: expected "
                + golden.resolve("V2.sql")).contains("With CI set, Rehearsal never writes golden files");
        assertThat(golden).doesNotExist();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aGoldenFileThatCannotBeReadFailsNamingTheFileAndTheLine(@TempDir Path dir) throws IOException {
        rehearseShop(dir, GoldenMode.WRITE_MISSING);
        Path v2 = dir.resolve("V2.sql");
        String text = Files.readString(v2);
        Files.writeString(v2, text.replace("\n-- table orders\n", "\ncreate table stray (id int);\n-- table orders\n")
                .replaceFirst("-- table customers", "-- table customers\n-- table customers"));
        Files.writeString(dir.resolve("V3.sql"), Files.readString(dir.resolve("V3.sql")).replace("format 1:", "format 7:"));
        Files.writeString(dir.resolve("V1.sql"), "CREATE TABLE customers ();\n");

        RoundTripReport report = rehearseShop(dir, GoldenMode.WRITE_MISSING);

        assertThat(up(report, "V1").message()).contains("The golden schema file " + dir.resolve("V1.sql")
                + " cannot be read: line 1: the first line should be \"-- Rehearsal schema golden file, format 1:")
                .contains("delete it and run the tests again");
        assertThat(up(report, "V2").message()).contains(dir.resolve("V2.sql") + " cannot be read: line ")
                .containsPattern("\"(create table stray \\(id int\\);\" stands outside any object's entry"
                        + "|-- table customers\" appears twice)");
        assertThat(up(report, "V3").message()).contains("line 1: it was written in format 7 by a newer Rehearsal");
        // update mode writes them again from the migrations
        RoundTripReport updated = rehearseShop(dir, GoldenMode.UPDATE);
        assertThat(updated.failed()).as(updated.toText()).isFalse();
        assertThat(Files.readString(dir.resolve("V1.sql"))).startsWith("-- Rehearsal schema golden file, format 1");
    }

    @Test
    void theModeFollowsCiAndTheUpdateFlag() {
        assertThat(GoldenMode.of(false, Map.of())).isEqualTo(GoldenMode.WRITE_MISSING);
        assertThat(GoldenMode.of(true, Map.of())).isEqualTo(GoldenMode.UPDATE);
        assertThat(GoldenMode.of(true, Map.of("CI", "true"))).isEqualTo(GoldenMode.VERIFY_ONLY);
        assertThat(GoldenMode.of(false, Map.of("CI", "1"))).isEqualTo(GoldenMode.VERIFY_ONLY);
        assertThat(GoldenMode.of(false, Map.of("CI", "false"))).isEqualTo(GoldenMode.WRITE_MISSING);
    }

    @Test
    void aGoldenFileOfAnotherEngineIsNamedAsSuch(@TempDir Path dir) throws IOException {
        rehearseShop(dir, GoldenMode.WRITE_MISSING);
        Files.writeString(dir.resolve("V1.sql"), Files.readString(dir.resolve("V1.sql"))
                .replace("the PostgreSQL schema", "the MariaDB schema").replace("pgcrypto", "pgcrypto2"));
        RoundTripReport report = rehearseShop(dir, GoldenMode.WRITE_MISSING);
        assertThat(up(report, "V1").message()).contains("it holds the MariaDB schema but this rehearsal runs on PostgreSQL")
                .contains("rehearsal.snapshots.dir");
    }

    static Path copyHistory(String name, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/histories", name))) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
