package dev.rehearsal.core.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The machine formats of a real rehearsal: a down script that fails at its third line, and an index built without
 * CONCURRENTLY on a table with rows, each found at its source file (mapped back from {@code target/test-classes} to
 * {@code src/test/resources}, relative to the repository's root) and line in SARIF, GitHub annotations and JUnit XML.
 */
class ReportFormatsTest {

    private static final String DOWN_FAILS = "core/src/test/resources/histories/down-fails/U1__one.sql";
    private static final String INDEX = "core/src/test/resources/histories/locks-index/V2__index_email.sql";

    private static ReportWriter rehearse(RehearsalSettings settings) {
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(),
                ReportFormatsTest.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            return ReportWriter.of(report, r.history(), Path.of(""));
        }
    }

    /**
     * A partial report written after an interruption names the step that was cut off, in JSON (still valid, whatever
     * the name holds) and at the top of the HTML report; without a name it is only marked partial.
     */
    @Test
    void aPartialReportNamesTheStepThatWasCutOff() throws Exception {
        ReportWriter writer = rehearse(RehearsalSettings.of("classpath:histories/down-fails"));
        JsonNode json = new ObjectMapper().readTree(writer.partial("V1 \"one\"").render(ReportFormat.JSON));
        assertThat(json.get("partial").asBoolean()).isTrue();
        assertThat(json.get("interruptedDuring").asText()).isEqualTo("V1 \"one\"");
        assertThat(json.get("steps")).hasSize(1);
        assertThat(writer.partial("V1 one").render(ReportFormat.HTML)).contains("Partial report")
                .contains("It was interrupted during V1 one: that step's last phase was cut off");

        JsonNode unnamed = new ObjectMapper().readTree(writer.partial().render(ReportFormat.JSON));
        assertThat(unnamed.get("partial").asBoolean()).isTrue();
        assertThat(unnamed.has("interruptedDuring")).isFalse();
        assertThat(writer.partial().render(ReportFormat.HTML)).contains("Partial report")
                .doesNotContain("It was interrupted during");
        JsonNode whole = new ObjectMapper().readTree(writer.render(ReportFormat.JSON));
        assertThat(whole.has("partial")).isFalse();
        assertThat(whole.fieldNames().next()).as("the format version comes first").isEqualTo("formatVersion");
        assertThat(whole.get("formatVersion").asInt()).isEqualTo(1);
    }

    @Test
    void aFailedDownIsAnErrorAtTheStatementThatFailed() throws Exception {
        ReportWriter writer = rehearse(RehearsalSettings.of("classpath:histories/down-fails"));
        assertThat(writer.findings()).singleElement().satisfies(f -> {
            assertThat(f.level()).isEqualTo(Finding.Level.ERROR);
            assertThat(f.rule()).isEqualTo("down-failed");
            assertThat(f.migration()).isEqualTo("V1 one");
            assertThat(f.phase()).isEqualTo("down");
            assertThat(f.file()).isEqualTo(DOWN_FAILS);
            assertThat(f.line()).isEqualTo(3);
            assertThat(f.message()).contains("does_not_exist");
        });

        JsonNode sarif = new ObjectMapper().readTree(writer.render(ReportFormat.SARIF));
        assertThat(sarif.get("version").asText()).isEqualTo("2.1.0");
        assertThat(sarif.get("$schema").asText()).isEqualTo("https://json.schemastore.org/sarif-2.1.0.json");
        JsonNode run = sarif.get("runs").get(0);
        assertThat(run.at("/tool/driver/name").asText()).isEqualTo("Rehearsal");
        assertThat(run.at("/tool/driver/version").asText()).matches("\\d+\\.\\d+\\.\\d+.*"); // the build's version
        assertThat(run.at("/tool/driver/rules/0/id").asText()).isEqualTo("down-failed");
        assertThat(run.at("/tool/driver/rules/0/helpUri").asText())
                .isEqualTo("https://github.com/rehearsal-dev/rehearsal/blob/main/docs/reports.md#down-failed");
        JsonNode result = run.get("results").get(0);
        assertThat(result.get("ruleId").asText()).isEqualTo("down-failed");
        assertThat(result.get("ruleIndex").asInt()).isZero();
        assertThat(result.get("level").asText()).isEqualTo("error");
        assertThat(result.at("/message/text").asText()).startsWith("V1 one (down): ").contains("does_not_exist");
        assertThat(result.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo(DOWN_FAILS);
        assertThat(result.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(3);

        assertThat(writer.render(ReportFormat.GITHUB).lines().toList()).singleElement().asString()
                .startsWith("::error file=" + DOWN_FAILS + ",line=3,title=Rehearsal%3A V1 one%3A down-failed::")
                .doesNotContain("\n");

        Document junit = xml(writer.render(ReportFormat.JUNIT));
        Element suite = (Element) junit.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("tests")).isEqualTo("3");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        NodeList cases = junit.getElementsByTagName("testcase");
        assertThat(List.of(attribute(cases, 0, "name"), attribute(cases, 1, "name"), attribute(cases, 2, "name")))
                .containsExactly("up", "down", "up again");
        assertThat(attribute(cases, 1, "classname")).isEqualTo("V1 one");
        Element failure = (Element) ((Element) cases.item(1)).getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("down-failed");
        assertThat(failure.getTextContent()).contains("does_not_exist");
    }

    @Test
    void aRiskIsAWarningAtItsStatementAndEveryFormatIsWritten(@TempDir Path dir) throws Exception {
        ReportWriter writer = rehearse(RehearsalSettings.of("classpath:histories/locks-base,classpath:histories/locks-index")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(200)));
        assertThat(writer.findings()).filteredOn(f -> f.rule().equals("non-concurrent-index")).singleElement()
                .satisfies(f -> {
                    assertThat(f.level()).isEqualTo(Finding.Level.WARNING);
                    assertThat(f.file()).isEqualTo(INDEX);
                    assertThat(f.line()).isEqualTo(1);
                    assertThat(f.message()).contains("safer: CREATE INDEX CONCURRENTLY");
                });
        assertThat(writer.findings()).allSatisfy(f -> assertThat(f.level()).isEqualTo(Finding.Level.WARNING));
        assertThat(writer.render(ReportFormat.GITHUB)).contains("::warning file=" + INDEX + ",line=1,title=Rehearsal%3A V2"
                + " index email%3A non-concurrent-index::");
        JsonNode sarif = new ObjectMapper().readTree(writer.render(ReportFormat.SARIF));
        assertThat(sarif.at("/runs/0/results")).anySatisfy(r -> {
            assertThat(r.get("ruleId").asText()).isEqualTo("non-concurrent-index");
            assertThat(r.get("level").asText()).isEqualTo("warning");
        });
        assertThat(xml(writer.render(ReportFormat.JUNIT)).getElementsByTagName("failure").getLength()).isZero();

        for (ReportFormat format : ReportFormat.values()) {
            Path file = writer.write(format, dir, "migrations");
            assertThat(file.getFileName().toString()).isEqualTo("migrations." + format.extension());
            assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(writer.render(format)).isNotBlank();
        }
    }

    /** The JSON report of both rehearsals (a failure; statements, locks, probes and risks) against its schema. */
    @Test
    void theJsonReportKeepsToItsDocumentedSchema() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonSchema schema = JsonSchemaFactory
                .getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(mapper.readTree(Path.of("../docs/report.schema.json").toFile()));
        for (ReportWriter writer : List.of(rehearse(RehearsalSettings.of("classpath:histories/down-fails")),
                rehearse(RehearsalSettings.of("classpath:histories/locks-base,classpath:histories/locks-index")
                        .withData(DataSettings.DEFAULTS.withRoundTripSeeding(200))))) {
            JsonNode report = mapper.readTree(writer.render(ReportFormat.JSON));
            assertThat(schema.validate(report)).as(report.toPrettyString()).isEmpty();
        }
        // the schema does reject what it does not describe
        JsonNode wrong = mapper.readTree("{\"source\": \"x\", \"database\": \"y\", \"failed\": \"no\", \"steps\": []}");
        assertThat(schema.validate(wrong)).isNotEmpty();
    }

    @Test
    void anUnknownFormatNamesTheOnesThereAre() {
        assertThat(ReportFormat.parse(" Sarif ")).isEqualTo(ReportFormat.SARIF);
        assertThatThrownBy(() -> ReportFormat.parse("pdf")).isInstanceOf(RehearsalException.class)
                .hasMessage("Unknown report format \"pdf\": use one of text, json, sarif, junit, github, html");
    }

    private static Document xml(String text) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String attribute(NodeList nodes, int i, String name) {
        return ((Element) nodes.item(i)).getAttribute(name);
    }
}
