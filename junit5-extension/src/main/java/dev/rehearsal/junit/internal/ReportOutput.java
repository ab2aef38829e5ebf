package dev.rehearsal.junit.internal;

import dev.rehearsal.core.report.ReportFormat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * Where and how a test's reports go: the folder, the file name without ending ({@code <Class>.<method>}), the formats
 * ({@code rehearsal.report.formats}; text, JSON and HTML always), the console, and whether to print GitHub annotations
 * there (on GitHub Actions, with the {@code github} format).
 */
record ReportOutput(Path directory, String name, Set<ReportFormat> formats, PrintStream out, boolean annotate) {

    ReportOutput {
        formats = Set.copyOf(formats);
    }
}
