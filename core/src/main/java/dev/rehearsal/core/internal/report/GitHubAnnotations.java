package dev.rehearsal.core.internal.report;

import dev.rehearsal.core.report.Finding;
import org.apiguardian.api.API;

import java.util.List;

/**
 * Findings as GitHub Actions workflow commands ({@code ::error file=...,line=...,title=...::message}): printed to
 * a step's output, each becomes an annotation on the file and line in the run's summary and the pull request's diff.
 * Failures are errors, risks warnings; risks a migration allows are left out. Escaped as the runner expects:
 * {@code %}, CR and LF in messages, and also {@code :} and {@code ,} in properties.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class GitHubAnnotations {

    private GitHubAnnotations() {
    }

    public static List<String> lines(List<Finding> findings) {
        return findings.stream().filter(f -> f.suppressed() == null).map(f -> "::"
                + (f.level() == Finding.Level.ERROR ? "error" : f.level() == Finding.Level.WARNING ? "warning" : "notice")
                + " file=" + property(f.file()) + ",line=" + Math.max(1, f.line()) + ",title=" + property("Rehearsal: "
                + f.title()) + "::" + data(f.message())).toList();
    }

    static String data(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    static String property(String s) {
        return data(s).replace(":", "%3A").replace(",", "%2C");
    }
}
