package dev.rehearsal.junit.internal;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.report.ReportFormat;
import dev.rehearsal.snapshots.GoldenMode;
import dev.rehearsal.snapshots.GoldenSchemas;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On GitHub Actions ({@code GITHUB_ACTIONS=true}, which the test kit cannot set, hence this test on the rehearsal
 * itself) the {@code github} format is also printed, where the runner reads workflow commands; elsewhere it is only
 * written to its file.
 */
class GitHubAnnotationsOutputTest {

    private static final String ANNOTATION = "::error file=core/src/test/resources/histories/down-fails/U1__one.sql,"
            + "line=3,title=Rehearsal%3A V1 one%3A down-failed::";

    private static String printed(Path dir, boolean onGitHubActions) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MigrationRehearsal core = MigrationRehearsal.start(RehearsalSettings.of(
                "filesystem:../core/src/test/resources/histories/down-fails"), DatabaseProviders.embeddedPostgres(),
                GitHubAnnotationsOutputTest.class.getClassLoader());
        DefaultRehearsal rehearsal = new DefaultRehearsal(core, new ReportOutput(dir, "annotated",
                Set.of(ReportFormat.TEXT, ReportFormat.JSON, ReportFormat.GITHUB),
                new PrintStream(console, true, StandardCharsets.UTF_8), onGitHubActions),
                GoldenSchemas.in(dir.resolve("golden"), GoldenMode.of(false, Map.of())),
                () -> ProductionVolumes.of(Map.of()), () -> EstimateSettings.DEFAULTS);
        try {
            rehearsal.roundTrips().flatMap(GitHubAnnotationsOutputTest::tests).forEach(test -> {
                try {
                    test.getExecutable().execute();
                } catch (Throwable expected) {
                    // the down fails: that is the finding
                }
            });
        } finally {
            rehearsal.close();
        }
        return console.toString(StandardCharsets.UTF_8);
    }

    private static Stream<DynamicTest> tests(DynamicNode node) {
        return node instanceof DynamicContainer c ? c.getChildren().flatMap(GitHubAnnotationsOutputTest::tests)
                : Stream.of((DynamicTest) node);
    }

    @Test
    void onGitHubActionsTheAnnotationsArePrintedToo(@TempDir Path dir) {
        assertThat(printed(dir, true).lines()).anyMatch(line -> line.startsWith(ANNOTATION));
        assertThat(dir.resolve("annotated.github.txt")).content().startsWith(ANNOTATION);
    }

    @Test
    void elsewhereTheyAreOnlyWritten(@TempDir Path dir) {
        assertThat(printed(dir, false)).doesNotContain("::error").contains("annotated.github.txt");
        assertThat(dir.resolve("annotated.github.txt")).content().startsWith(ANNOTATION);
    }
}
