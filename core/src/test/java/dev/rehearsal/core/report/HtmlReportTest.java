package dev.rehearsal.core.report;

import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.estimate.EstimateSettings;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.estimate.VolumeEstimate;
import dev.rehearsal.core.locks.ProbeResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.rehearsal.core.data.TableSeed.table;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTML report of the Flyway sample's shop (samples/flyway-postgres), with its unsafe lock examples on top: 100,000
 * orders, then the round trips of a plain {@code CREATE INDEX} (SHARE on orders: writes wait) and of a column added,
 * backfilled and set NOT NULL in one transaction (ACCESS EXCLUSIVE: everything waits), while probe traffic runs.
 * An estimate of the index build at 5,000,000 orders goes with it. The page is rendered in a real headless Chromium: its DOM must hold each migration's timeline, the locks as bands
 * and probe waits the migration's locks blocked; a screenshot goes to {@code target/html-report.png} (the README's
 * picture is a copy of one).
 */
class HtmlReportTest {

    private static final String SAMPLE = "filesystem:../samples/flyway-postgres/src/main/resources/db/migration,"
            + "filesystem:../samples/flyway-postgres/src/test/resources/db/lock-examples/unsafe";

    private static RoundTripReport report;
    private static ReportWriter writer;

    @BeforeAll
    static void rehearseTheSample() {
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of(SAMPLE),
                DatabaseProviders.embeddedPostgres(), HtmlReportTest.class.getClassLoader())) {
            r.migrateTo("12");
            // the index build at 5,000,000 orders, from two small rehearsals: the report shows estimates when they exist
            VolumeEstimate estimate = r.estimate("13", ProductionVolumes.of(Map.of("orders", 5_000_000L)),
                    EstimateSettings.DEFAULTS.withSizes(2_000L, 8_000L).withRepeats(1));
            r.seed(table("orders").rows(100_000));
            report = r.runRoundTrips();
            writer = ReportWriter.of(report, r.history(), Path.of("")).withEstimates(List.of(estimate));
        }
    }

    @Test
    void theReportHoldsEveryMigrationWithATimelineOfItsUp() {
        String html = writer.render(ReportFormat.HTML);

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>Rehearsal of Flyway migrations at")
                .doesNotContain("http://").doesNotContain("https://"); // nothing fetched, nothing linked out
        assertThat(count(html, "<details class=\"migration ")).isEqualTo(3); // V13, V14 and the repeatable view
        assertThat(html).contains("data-migration=\"V13 index orders created at\"")
                .contains("data-migration=\"V14 add order channel\"");
        assertThat(count(html, "<figure class=\"timeline\" data-phase=\"up\"")).isEqualTo(3);
        // the statements as bars with their lines, the locks as bands with their modes
        assertThat(html).contains("data-kind=\"statement\" data-line=\"2\"")
                .contains("data-kind=\"lock\" data-mode=\"SHARE\" data-relation=\"orders\"")
                .contains("data-kind=\"lock\" data-mode=\"ACCESS_EXCLUSIVE\" data-relation=\"orders\"");
        // the estimate, in the summary and in its migration's section
        assertThat(html).contains("<h2>At production volume</h2>").contains("<h4>At 5,000,000 rows (orders 5,000,000)</h4>")
                .containsPattern("<td class=\"num warn\">about [^<]+</td>"); // writes blocked, in the summary
        // the risks with their safe alternatives
        assertThat(html).contains("<code>non-concurrent-index</code>").contains("CONCURRENTLY")
                .contains("<code>set-not-null</code>");
    }

    @Test
    void probeWaitsTheMigrationBlockedAreMarkedAndTimedOnTheMigrationsClock() {
        ProbeResult writes = report.steps().get(0).phases().get(0).locks().probes().stream()
                .filter(p -> p.kind() == ProbeResult.Kind.WRITE && p.table().equals("orders")).findFirst().orElseThrow();
        assertThat(writes.waits()).as("writes to orders waited behind the index build").isNotEmpty();
        var lock = report.steps().get(0).phases().get(0).locks().locks().stream()
                .filter(l -> l.relation().equals("orders") && l.mode().name().equals("SHARE")).findFirst().orElseThrow();
        // some write waited while the build held SHARE: its wait overlaps the lock on the same clock
        assertThat(writes.waits()).anySatisfy(w -> {
            assertThat(w.startedAt()).isLessThan(lock.acquiredAt().plus(lock.held()));
            assertThat(w.startedAt().plus(w.took())).isGreaterThan(lock.acquiredAt());
        });
        assertThat(writer.render(ReportFormat.HTML))
                .containsPattern("class=\"wait blocked[^\"]*\"[^>]*data-kind=\"probe-wait\" data-probe=\"WRITE\""
                        + " data-table=\"orders\" data-blocked=\"true\"><title>a write on orders at \\d+ ms took \\d+ ms,"
                        + " blocked by SHARE on orders");
    }

    @Test
    void chromiumDrawsTheTimelineAndTheBlockedProbe() throws Exception {
        HeadlessChromium.require();
        Path dir = Path.of("target");
        Path page = writer.write(ReportFormat.HTML, dir, "html-report");

        String dom = HeadlessChromium.measure(page, "svg.timeline", "rect.wait.blocked", "details.migration");
        // parsed as HTML, the inline SVG stays SVG: the timeline and a blocked probe wait were laid out with a size
        assertThat(attribute(dom, "data-size-0")).matches("[1-9]\\d*x[1-9]\\d*");
        assertThat(attribute(dom, "data-size-1")).matches("[1-9]\\d*(\\.\\d+)?x[1-9]\\d*");
        assertThat(attribute(dom, "data-size-2")).matches("[1-9]\\d*x[1-9]\\d*");
        assertThat(dom).contains("data-blocked=\"true\"");

        Path png = dir.resolve("html-report.png");
        HeadlessChromium.screenshot(page, png, 1280, 1900);
        assertThat(Files.size(png)).isGreaterThan(20_000); // a picture, not a blank page
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String attribute(String dom, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as("the page set %s: %s", name, dom.length() > 400 ? dom.substring(0, 400) : dom).isTrue();
        return m.group(1);
    }
}
