package dev.rehearsal.core;

import dev.rehearsal.core.DifferentialKit.Verdict;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rehearsal.core.DifferentialKit.changesets;
import static dev.rehearsal.core.DifferentialKit.rollbackLines;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential kit through Rehearsal's script runner on golang-migrate's layout ({@code <n>_kit.up.sql} and
 * {@code .down.sql}). golang-migrate cannot be installed where the suite runs (no Debian or npm package), so the
 * reference is what its PostgreSQL driver does with a file: send it whole as one query, which {@code psql -c} does
 * too; PostgreSQL then runs a file of several statements in one transaction, and a lone statement outside one.
 * Cases decided by the tool's own bookkeeping (its version row written as a role that cannot) are left out: only
 * golang-migrate itself could say.
 */
class GolangMigrateDifferentialTest {

    @ParameterizedTest(name = "{0} as golang-migrate migrations")
    @MethodSource("dev.rehearsal.core.DifferentialKit#cases")
    void theScriptRunnerRunsEachFileAsOneQuery(Path file, @TempDir Path dir) throws Exception {
        String text = Files.readString(file);
        Assumptions.assumeFalse(DifferentialKit.carriesOnAfterFailure(text) || DifferentialKit.decidedByTheToolsBookkeeping(text),
                "decided by the tool's own behaviour, which only the tool can show");
        Path folder = Files.createDirectories(dir.resolve("migrations"));
        for (String[] changeset : changesets(text)) {
            String name = String.format(Locale.ROOT, "%06d_kit", Integer.parseInt(changeset[0]));
            Files.writeString(folder.resolve(name + ".up.sql"), changeset[2]);
            String down = rollbackLines(text, changeset[0]);
            if (!down.isBlank()) { // golang-migrate needs no down file; without one Rehearsal restores
                Files.writeString(folder.resolve(name + ".down.sql"), down);
            }
        }
        DifferentialKit.Rehearsed rehearsal = DifferentialKit.rehearse(folder, "golang-migrate");
        assertThat(rehearsal.verdict()).as("Rehearsal against each file sent as one query\n" + rehearsal.report())
                .isEqualTo(oneQueryPerFile(text));
    }

    private static Verdict oneQueryPerFile(String changelog) throws Exception {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            ConnectionDetails at = db.connectionDetails();
            for (String[] changeset : changesets(changelog)) {
                Process p = new ProcessBuilder(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v",
                        "VERBOSITY=verbose", "-h", at.host(), "-p", String.valueOf(at.port()), "-U", at.user(), "-d",
                        at.database(), "-c", changeset[2])).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    Matcher m = Pattern.compile("ERROR:\\s+([0-9A-Z]{5}):").matcher(out);
                    return new Verdict(changeset[0], m.find() ? m.group(1) : "psql: " + out.strip());
                }
            }
            return Verdict.PASSED;
        }
    }
}
