package dev.rehearsal.core;

import dev.rehearsal.core.DifferentialKit.Verdict;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.postgres.PostgresDialect;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.rehearsal.core.DifferentialKit.agreesWithPsqlWhereTheToolDoes;
import static dev.rehearsal.core.DifferentialKit.changesets;
import static dev.rehearsal.core.DifferentialKit.rollbackLines;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential kit through Rehearsal's script runner on Drizzle Kit's layout: the corpus as {@code <nnnn>_kit.sql}
 * files cut at {@code --> statement-breakpoint} lines, listed in {@code meta/_journal.json}, with
 * {@code <tag>.down.sql} where a changeset has rollback lines. Each case must give the verdict of drizzle-orm's own
 * {@code migrate()} (one release per migration: {@code drizzle-migrate-each.js}) on a plain database, and psql's
 * where drizzle-orm agrees with psql.
 */
class DrizzleDifferentialTest {

    private static final Path MODULES = Path.of("../.ci/tools/node_modules").toAbsolutePath().normalize();
    private static final Path MIGRATE_EACH = Path.of("src/test/resources/tools/drizzle-migrate-each.js");

    @ParameterizedTest(name = "{0} as Drizzle Kit migrations")
    @MethodSource("dev.rehearsal.core.DifferentialKit#cases")
    void theScriptRunnerGivesDrizzlesVerdict(Path file, @TempDir Path dir) throws Exception {
        assertThat(MODULES.resolve("drizzle-orm/package.json")).as("drizzle-orm: run bash .ci/setup.sh").isRegularFile();
        String text = Files.readString(file);
        Assumptions.assumeFalse(DifferentialKit.carriesOnAfterFailure(text),
                "Drizzle has no failOnError: Liquibase's own behaviour, checked by FastPathDifferentialTest");
        Path folder = Files.createDirectories(dir.resolve("drizzle"));
        Files.createDirectories(folder.resolve("meta"));
        StringBuilder entries = new StringBuilder();
        PostgresDialect dialect = new PostgresDialect("kit");
        for (String[] changeset : changesets(text)) {
            int id = Integer.parseInt(changeset[0]);
            String tag = String.format(Locale.ROOT, "%04d_kit", id);
            // as drizzle-kit generate writes it: one statement a chunk
            Files.writeString(folder.resolve(tag + ".sql"), dialect.split(changeset[2]).stream()
                    .map(s -> s.sql().strip()).collect(Collectors.joining("\n--> statement-breakpoint\n")));
            String down = rollbackLines(text, changeset[0]);
            if (!down.isBlank()) {
                Files.writeString(folder.resolve(tag + ".down.sql"), down);
            }
            entries.append(entries.length() == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"idx\":%d,\"version\":\"7\",\"when\":%d,\"tag\":\"%s\",\"breakpoints\":true}",
                    id - 1, 1717000000000L + id * 1000L, tag));
        }
        Files.writeString(folder.resolve("meta/_journal.json"),
                "{\"version\":\"7\",\"dialect\":\"postgresql\",\"entries\":[" + entries + "]}");
        DifferentialKit.Rehearsed rehearsal = DifferentialKit.rehearse(folder, "drizzle");
        Verdict drizzle = drizzleMigrate(folder);
        assertThat(rehearsal.verdict()).as("Rehearsal's script runner against drizzle-orm's migrate()\n"
                + rehearsal.report()).isEqualTo(drizzle);
        agreesWithPsqlWhereTheToolDoes(rehearsal.verdict(), drizzle, text);
    }

    private static Verdict drizzleMigrate(Path folder) throws Exception {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            ProcessBuilder command = new ProcessBuilder(List.of("node", MIGRATE_EACH.toString(),
                    db.connectionDetails().url("postgres"), folder.toString())).redirectErrorStream(true);
            command.environment().put("NODE_PATH", MODULES.toString());
            Process p = command.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            if (p.exitValue() == 0) {
                return Verdict.PASSED;
            }
            Matcher failed = Pattern.compile("Failed: 0*(\\d+)_kit (\\S+)").matcher(out);
            assertThat(failed.find()).as("drizzle-orm's migrate(): " + out).isTrue();
            return new Verdict(failed.group(1), failed.group(2));
        }
    }
}
