package dev.rehearsal.cli;

import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.report.ReportFormat;
import dev.rehearsal.core.report.ReportWriter;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where each format goes: one format to standard output or the {@code --output} file; several into the
 * {@code --output} folder (default {@code ./rehearsal-report}) as {@code rehearsal.<ending>}, with the text table
 * on standard output.
 */
record Outputs(List<ReportFormat> formats, Path file, Path directory) {

    static Outputs of(List<ReportFormat> formats, Path output) {
        if (formats.size() == 1) {
            return new Outputs(formats, output, null);
        }
        return new Outputs(formats, null, output != null ? output : Path.of("rehearsal-report"));
    }

    /** Fails before anything runs when a report could not be written where it should go. */
    void checkWritable() {
        if (file != null) {
            if (Files.isDirectory(file)) {
                throw new RehearsalException("cannot write the report to " + file + ": it is a folder (name a file,"
                        + " or ask for several formats to write into a folder)");
            }
            Path parent = file.toAbsolutePath().getParent();
            writableFolder(parent, file);
            if (Files.exists(file) && !Files.isWritable(file)) {
                throw new RehearsalException("cannot write the report to " + file + ": the file is read-only");
            }
        } else if (directory != null) {
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                throw new RehearsalException("cannot write the reports into " + directory + ": it is a file, not a folder");
            }
            writableFolder(directory.toAbsolutePath(), directory);
        }
    }

    private static void writableFolder(Path folder, Path target) {
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new RehearsalException("cannot write the report to " + target + ": "
                    + (existing == null ? "no such folder" : existing + " is not a writable folder"));
        }
    }

    void write(ReportWriter writer, RoundTripReport report, PrintWriter out, Progress progress) {
        if (file == null && directory == null) {
            out.print(writer.render(formats.get(0)));
            out.flush();
            return;
        }
        if (file != null) {
            write(file, writer.render(formats.get(0)));
            progress.note(formats.get(0).name().toLowerCase(Locale.ROOT) + ": " + file);
            if (formats.get(0) != ReportFormat.TEXT) {
                out.print(report.toText());
                out.flush();
            }
            return;
        }
        for (ReportFormat format : formats) {
            Path path = directory.resolve("rehearsal." + format.extension());
            write(path, writer.render(format));
            progress.note(format.name().toLowerCase(Locale.ROOT) + ": " + path);
        }
        out.print(report.toText());
        if (formats.contains(ReportFormat.GITHUB) && "true".equalsIgnoreCase(System.getenv("GITHUB_ACTIONS"))) {
            out.print(writer.render(ReportFormat.GITHUB)); // the runner turns these lines into annotations
        }
        out.flush();
    }

    private static void write(Path path, String content) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(path, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + path + ": " + e.getMessage(), e);
        }
    }
}
