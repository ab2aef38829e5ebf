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
 * {@code rehearsal check} on a golang-migrate history whose concurrent index, cancelled while it builds, is kept
 * INVALID by its retry's {@code IF NOT EXISTS}: the run fails (exit 1) and every report names the finding at the
 * statement's line; {@code -D rehearsal.retry=false} leaves the retries out.
 */
class RetryCommandTest {

    @Test
    void aMigrationThatIsNotRetrySafeFailsTheRunInEveryFormat(@TempDir Path dir) throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("1_users.up.sql"),
                "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n");
        Files.writeString(migrations.resolve("1_users.down.sql"), "DROP TABLE users;\n");
        Files.writeString(migrations.resolve("2_email_key.up.sql"),
                "-- one address per user\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n");
        Files.writeString(migrations.resolve("2_email_key.down.sql"), "DROP INDEX CONCURRENTLY IF EXISTS users_email_key;\n");
        Path reports = dir.resolve("reports");

        CheckCommandTest.Run run = rehearsal("check", migrations.toString(), "-f", "text,json,sarif,junit,html", "-o",
                reports.toString());

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED in retry: not-retry-safe").contains("index users_email_key INVALID");
        JsonNode json = new ObjectMapper().readTree(reports.resolve("rehearsal.json").toFile());
        JsonNode retry = json.at("/steps/1/phases/2");
        assertThat(retry.get("phase").asText()).as(json.toPrettyString()).isEqualTo("retry");
        assertThat(retry.get("status").asText()).isEqualTo("FAILED");
        JsonNode sarif = new ObjectMapper().readTree(reports.resolve("rehearsal.sarif").toFile());
        JsonNode result = sarif.at("/runs/0/results/0");
        assertThat(result.get("ruleId").asText()).as(sarif.toPrettyString()).isEqualTo("not-retry-safe");
        assertThat(result.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(2);
        assertThat(sarif.at("/runs/0/tool/driver/rules/0/helpUri").asText()).endsWith("reports.md#not-retry-safe");
        assertThat(reports.resolve("rehearsal.junit.xml")).content().contains("retry").contains("not-retry-safe");
        assertThat(reports.resolve("rehearsal.html")).content().contains("retry failed");

        CheckCommandTest.Run off = rehearsal("check", migrations.toString(), "-D", "rehearsal.retry=false");
        assertThat(off.exit()).as(off.out() + off.err()).isZero();
        assertThat(off.out()).doesNotContain("not-retry-safe").doesNotContain("points rehearsed");
    }
}
