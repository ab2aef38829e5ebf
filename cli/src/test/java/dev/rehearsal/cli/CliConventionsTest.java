package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.cli.CheckCommandTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.rehearsal.cli.CheckCommandTest.rehearsal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conventions of the command lines teams know: {@code -D} keys for the tool, an unknown key named with the
 * closest known one, {@code --verbose}, shell completion. (Exit codes of signals and the terminal's progress line
 * need a real process: {@code LauncherIT}.)
 */
class CliConventionsTest {

    private static Path flywayHistory(Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("db/migration"));
        Files.writeString(folder.resolve("V1__accounts.sql"), "create table accounts (id bigint primary key);\n");
        Files.writeString(folder.resolve("U1__accounts.sql"), "drop table accounts;\n");
        Files.writeString(folder.resolve("V2__email.sql"), "alter table accounts add column email text;\n");
        Files.writeString(folder.resolve("U2__email.sql"), "alter table accounts drop column email;\n");
        return folder;
    }

    @Test
    void dKeysOfTheToolReachItsConfigurationForTheRunOnly(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.json");
        Run run = rehearsal("check", flywayHistory(dir).toString(), "-D", "flyway.table=team_history",
                "-D", "spring.jpa.database=POSTGRESQL", "-D", "seed.locale=de", "-f", "json", "-o", report.toString(),
                "--verbose", "--no-locks");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        // Flyway took its history table's name from the -D, as Flyway's own command line would
        assertThat(json.at("/steps/0/note").asText()).contains("Flyway configuration from system properties");
        assertThat(run.err()).contains("tool property flyway.table from -D")
                .contains("tool property spring.jpa.database from -D")
                .contains("setting rehearsal.seed.locale from -D");
        assertThat(System.getProperty("flyway.table")).as("put back after the run").isNull();
        assertThat(System.getProperty("spring.jpa.database")).isNull();
    }

    @Test
    void aKeyNeitherRehearsalNorAToolReadsIsRefusedInOneLineNamingTheClosest(@TempDir Path dir) throws Exception {
        Run misspelt = rehearsal("check", flywayHistory(dir).toString(), "-D", "sed.rows=3");
        assertThat(misspelt.exit()).isEqualTo(2);
        assertThat(misspelt.err().strip().lines()).singleElement().asString()
                .startsWith("rehearsal: Unknown setting rehearsal.sed.rows (-D): did you mean rehearsal.seed.rows?")
                .doesNotContain("rehearsal.jdbc.url"); // not the list of every setting

        Run foreign = rehearsal("check", flywayHistory(dir).toString(), "-D", "hibernate.dialect=x");
        assertThat(foreign.exit()).isEqualTo(2);
        assertThat(foreign.err().strip().lines()).singleElement().asString()
                .contains("Unknown setting rehearsal.hibernate.dialect (-D)")
                .contains("the tool's own properties (spring.*, flyway.*, liquibase.*)");
    }

    @Test
    void verboseSaysWhatTheRunIsSetUpWithAndEachPhasesTimes(@TempDir Path dir) throws Exception {
        Path history = flywayHistory(dir);
        Run verbose = rehearsal("check", history.toString(), "--verbose", "--no-locks");
        assertThat(verbose.exit()).as(verbose.err()).isZero();
        assertThat(verbose.err()).contains("setting rehearsal.locks.trace from --no-locks")
                .contains("database: ").contains("(2 migrations)")
                .containsPattern("\\n    up: passed, SQL \\d+ ms, checks \\d+ ms")
                .containsPattern("\\n    up again: passed, SQL \\d+ ms");

        Run plain = rehearsal("check", history.toString(), "--no-locks");
        assertThat(plain.err()).doesNotContain("database: ").doesNotContain("    up: passed");
        Run quiet = rehearsal("check", history.toString(), "--no-locks", "--verbose", "--quiet");
        assertThat(quiet.err()).doesNotContain("database: ");
    }

    @Test
    void completionPrintsTheScriptForBashAndZsh() {
        Run bash = rehearsal("completion", "bash");
        assertThat(bash.exit()).isZero();
        assertThat(bash.out()).contains("complete -F").contains("check").contains("--format").contains("--jdbc-url")
                .contains("snapshot").contains("completion");
        Run zsh = rehearsal("completion", "zsh");
        assertThat(zsh.exit()).isZero();
        assertThat(zsh.out()).contains("ZSH_VERSION").contains("bashcompinit").contains("--format");
        Run fish = rehearsal("completion", "fish");
        assertThat(fish.exit()).isEqualTo(2);
        assertThat(fish.err().strip().lines()).singleElement().asString().contains("bash").contains("zsh");
    }
}
