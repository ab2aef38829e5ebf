package dev.rehearsal.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rehearsal.report.formats} through the extension: SARIF, JUnit XML and GitHub annotations written next to the
 * text and JSON reports, pointing at the down script's source and the line that failed; an unknown format named.
 */
class ReportFormatsTest {

    private static final String DOWN = "core/src/test/resources/histories/down-fails/U1__one.sql";

    @TempDir
    static Path reports;

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/histories/down-fails")
    static class DownFails {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @Test
    void machineFormatsAreWrittenNextToTheTextTheJsonAndTheHtmlWhenAsked(@TempDir Path plain) throws Exception {
        EngineRuns.run(plain, DownFails.class);
        try (Stream<Path> files = Files.list(plain)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("DownFails.roundTrips.html", "DownFails.roundTrips.json", "DownFails.roundTrips.txt");
        }
        // the HTML page shows the failed down with its message
        assertThat(plain.resolve("DownFails.roundTrips.html")).content().startsWith("<!DOCTYPE html>")
                .contains("data-migration=\"V1 one\" data-status=\"FAILED\"").contains("<h4>down failed</h4>")
                .contains("does_not_exist");

        EngineExecutionResults results = EngineRuns.run(reports, DownFails.class, "rehearsal.report.formats",
                "sarif, junit, github");
        assertThat(results.testEvents().failed().count()).isEqualTo(1);
        assertThat(reports.resolve("DownFails.roundTrips.txt")).exists();
        assertThat(reports.resolve("DownFails.roundTrips.json")).exists();
        JsonNode sarif = new ObjectMapper().readTree(reports.resolve("DownFails.roundTrips.sarif").toFile());
        JsonNode result = sarif.at("/runs/0/results/0");
        assertThat(result.get("ruleId").asText()).isEqualTo("down-failed");
        assertThat(result.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo(DOWN);
        assertThat(result.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(3);
        assertThat(reports.resolve("DownFails.roundTrips.junit.xml")).content()
                .contains("<testcase classname=\"V1 one\" name=\"down\"").contains("type=\"down-failed\"");
        assertThat(reports.resolve("DownFails.roundTrips.github.txt")).content()
                .startsWith("::error file=" + DOWN + ",line=3,title=Rehearsal%3A V1 one%3A down-failed::");
    }

    @Test
    void anUnknownFormatIsNamedWithTheOnesThereAre() {
        EngineExecutionResults results = EngineRuns.run(reports, DownFails.class, "rehearsal.report.formats", "sarif, pdf");
        assertThat(results.allEvents().failed().stream().map(e -> e.getPayload(org.junit.platform.engine
                .TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                .map(Throwable::getMessage).orElse(""))).anyMatch(m -> m.contains("rehearsal.report.formats: Unknown"
                + " report format \"pdf\": use one of text, json, sarif, junit, github"));
    }
}
