package dev.rehearsal.core.internal.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rule Rehearsal's code can report (the rule names written in its sources: failures, lock risks, MariaDB's,
 * the running application's) has the anchor its SARIF {@code helpUri} links to, on the page it names in docs/.
 */
class SarifHelpUriTest {

    private static final Path SOURCES = Path.of("src/main/java");
    /** A line that names a risk's rule: the rules are the hyphenated string literals on it. */
    private static final Pattern RISK_LINE = Pattern.compile("risk\\(allowed, |new LockRisk\\(|RULE = \"|BREAKS_RUNNING_APP = \"");
    private static final Pattern RULE = Pattern.compile("\"([a-z]+(?:-[a-z]+)+)\"");

    @Test
    void everyRuleTheCodeReportsLinksToItsEntryInTheDocs() throws IOException {
        Set<String> rules = new TreeSet<>(SarifWriter.FAILURES.keySet());
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (RISK_LINE.matcher(line).find()) {
                        Matcher m = RULE.matcher(line);
                        while (m.find()) {
                            rules.add(m.group(1));
                        }
                    }
                }
            }
        }
        assertThat(rules).as("rules found in the sources").contains("non-concurrent-index", "writes-blocked",
                "breaks-running-app", "non-atomic-script", "deadlock-with-readers", "column-type-rewrite",
                "up-failed", "down-failed", "restore-failed", "up-again-failed", "estimate-at-production-volume");
        for (String rule : rules) {
            String uri = SarifWriter.helpUri(rule);
            assertThat(uri).startsWith(BuildProperties.docs());
            String[] pageAndAnchor = uri.substring(BuildProperties.docs().length()).split("#");
            assertThat(Path.of("../docs", pageAndAnchor[0])).as(uri).content()
                    .contains("<a id=\"" + pageAndAnchor[1] + "\"></a>");
        }
    }
}
