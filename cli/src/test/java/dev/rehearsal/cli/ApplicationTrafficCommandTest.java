package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.rehearsal.cli.CheckCommandTest.rehearsal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rehearsal check --queries ... --query-max-wait ...}: the application's statements played while each
 * migration runs, a wait over the budget failing the run (exit 1), and every report format naming the statement, its
 * wait and the lock it waited behind.
 */
class ApplicationTrafficCommandTest {

    private static final String LOOKUP = "select id, total from orders where id = $1";

    @Test
    void aWaitOverTheBudgetFailsTheRunAndEveryFormatNamesTheStatement(@TempDir Path dir) throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("1_orders.up.sql"), """
                CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total integer NOT NULL);
                INSERT INTO orders (total) SELECT g % 100 FROM generate_series(1, 2000) g;
                """);
        Files.writeString(migrations.resolve("1_orders.down.sql"), "DROP TABLE orders;\n");
        // the rewrite keeps ACCESS EXCLUSIVE on orders for the two seconds its transaction stays open
        Files.writeString(migrations.resolve("2_total_bigint.up.sql"), """
                BEGIN;
                ALTER TABLE orders ALTER COLUMN total TYPE bigint;
                SELECT pg_sleep(2);
                COMMIT;
                """);
        Files.writeString(migrations.resolve("2_total_bigint.down.sql"),
                "ALTER TABLE orders ALTER COLUMN total TYPE integer;\n");
        Path queries = Files.writeString(dir.resolve("queries.sql"), LOOKUP + ";\n");
        Path reports = dir.resolve("reports");

        CheckCommandTest.Run run = rehearsal("check", migrations.toString(), "--queries", queries.toString(),
                "--query-max-wait", "1s", "--risks-since", "1", "-f", "text,json,sarif,junit,html", "-o",
                reports.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("kept the application waiting longer than its budget")
                .contains("application: " + queries + ":1: " + LOOKUP + " waited ");
        JsonNode json = new ObjectMapper().readTree(reports.resolve("rehearsal.json").toFile());
        JsonNode played = json.at("/steps/1/phases/0/locks/queries/0");
        assertThat(played.get("query").asText()).as(json.toPrettyString()).isEqualTo(LOOKUP);
        assertThat(played.get("longestWaitMillis").asLong()).isGreaterThan(1000);
        assertThat(played.at("/behind/mode").asText()).isEqualTo("ACCESS_EXCLUSIVE");
        JsonNode sarif = new ObjectMapper().readTree(reports.resolve("rehearsal.sarif").toFile());
        assertThat(sarif.at("/runs/0/results").findValuesAsText("ruleId")).contains("application-query-waited", "up-failed");
        assertThat(reports.resolve("rehearsal.junit.xml")).content().contains("application: " + queries + ":1: " + LOOKUP);
        assertThat(reports.resolve("rehearsal.html")).content().contains("data-kind=\"query-wait\"")
                .contains("the application's statements");
    }
}
