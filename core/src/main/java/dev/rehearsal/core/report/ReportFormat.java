package dev.rehearsal.core.report;

import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The forms a round-trip report is written in: for people (text), for programs (JSON), for code scanning (SARIF
 * 2.1.0), for CI servers' test views (JUnit XML), for GitHub Actions' annotations on the diff, and for reviewers who
 * would rather look than read (HTML).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum ReportFormat {
    /** The table of migrations and phases, with notes, waits and risks. */
    TEXT("txt"),
    /** Everything: each phase's statements, locks, probe waits, risks and data problems. */
    JSON("json"),
    /** SARIF 2.1.0: one result per failure and per risk, with file, line and rule. */
    SARIF("sarif"),
    /** JUnit XML: one test case per phase. */
    JUNIT("junit.xml"),
    /** GitHub Actions workflow commands ({@code ::error file=...,line=...::...}), one per failure and risk. */
    GITHUB("github.txt"),
    /**
     * One self-contained HTML page (no network): a summary, then each migration's phases, failures, risks, estimates
     * and a timeline of the statements, the locks they held and the probe traffic that waited behind them.
     */
    HTML("html");

    private final String extension;

    ReportFormat(String extension) {
        this.extension = extension;
    }

    /** The file name's ending: {@code <name>.<extension>}. */
    public String extension() {
        return extension;
    }

    /** {@code sarif}, {@code junit}, ... in any case. */
    public static ReportFormat parse(String name) {
        for (ReportFormat f : values()) {
            if (f.name().equalsIgnoreCase(name.trim())) {
                return f;
            }
        }
        throw new RehearsalException("Unknown report format \"" + name + "\": use one of " + Arrays.stream(values())
                .map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
