package dev.rehearsal.cli;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.model.Remedies;
import dev.rehearsal.snapshots.CaptureResult;
import dev.rehearsal.snapshots.DataSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rehearsal snapshot capture <jdbc-url>}: captures a database (production, or a replica of it) in one read-only
 * transaction, masks its personal data and writes a snapshot file that {@code rehearsal check --from-snapshot} (and
 * JUnit's {@code @FromSnapshot}) restores. What {@link DataSnapshot} does for JVM projects, for every team.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true, versionProvider = RehearsalCli.Version.class,
        subcommands = {SnapshotCommand.Capture.class},
        description = {"Masked data snapshots: capture a database once, rehearse the next migrations over its data."})
final class SnapshotCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "capture", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
            versionProvider = RehearsalCli.Version.class,
            description = {
                    "Captures the database at <jdbc-url> in one read-only transaction, masks its personal data with the"
                            + " secret in REHEARSAL_MASKING_KEY and writes the snapshot file.",
                    "The migrations folder tells which version the database is at (from its tool's history table)."
                            + " A column that looks personal and has no masking rule fails the capture, and no file is"
                            + " written."},
            parameterListHeading = "%nArguments:%n",
            optionListHeading = "%nOptions:%n",
            footerHeading = "%nExamples:%n",
            footer = {"  REHEARSAL_MASKING_KEY=... rehearsal snapshot capture jdbc:postgresql://replica:5432/shop \\",
                    "      --migrations db/migrations --masking masking.yaml --output shop.rehearsal",
                    "  rehearsal check db/migrations --from-snapshot shop.rehearsal"})
    static final class Capture implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "<jdbc-url>", description = "The database to capture (PostgreSQL or MariaDB).")
        String url;

        @Option(names = "--migrations", required = true, paramLabel = "<folder>",
                description = "The migrations of that database, as rehearsal check takes them.")
        Path migrations;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "<file>", description = "The snapshot file to write.")
        Path output;

        @Option(names = "--masking", paramLabel = "<yaml>",
                description = "Masking rules by column (columns: {customers.notes: text}), over the defaults by name.")
        Path masking;

        @Option(names = "--masking-key-file", paramLabel = "<file>",
                description = "A file holding the masking secret (at least 16 characters), for CI systems that hand"
                        + " secrets over as files; else REHEARSAL_MASKING_KEY.")
        Path maskingKeyFile;

        @Option(names = "--subset", paramLabel = "<table>:<where>:<limit>",
                description = "Keep only these rows of a table (and the rows they reference and that reference them);"
                        + " repeatable.")
        List<String> subsets = new ArrayList<>();

        @Option(names = "--user", paramLabel = "<user>",
                description = "The user (or REHEARSAL_JDBC_USER); the password comes from REHEARSAL_JDBC_PASSWORD.")
        String user;

        @Option(names = "--layout", paramLabel = "<layout>", description = "The migrations' layout when detection cannot tell.")
        String layout;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                if (!Files.exists(migrations)) {
                    throw new RehearsalException("--migrations " + migrations + " does not exist: give the folder that"
                            + " holds the migrations of the database");
                }
                RehearsalSettings settings = RehearsalSettings.of("filesystem:" + migrations.toAbsolutePath().normalize())
                        .withRemedies(Remedies.COMMAND_LINE);
                if (layout != null) {
                    settings = settings.withFormat(layout);
                }
                MigrationSource source = MigrationSources.detect(settings, SnapshotCommand.class.getClassLoader());
                String who = user != null ? user : System.getenv("REHEARSAL_JDBC_USER");
                DataSnapshot.Capture capture = DataSnapshot.capture(url, who, System.getenv("REHEARSAL_JDBC_PASSWORD"), source);
                if (masking != null) {
                    capture.maskingRules(masking);
                }
                if (maskingKeyFile != null) {
                    try {
                        capture.maskingKey(Files.readString(maskingKeyFile).strip());
                    } catch (IOException e) {
                        throw new RehearsalException("--masking-key-file " + maskingKeyFile + " cannot be read: "
                                + e.getMessage());
                    }
                }
                for (String subset : subsets) {
                    String[] parts = subset.split(":", 3);
                    if (parts.length != 3 || !parts[2].trim().matches("\\d+")) {
                        throw new RehearsalException("--subset " + subset + " is not <table>:<where>:<limit>, such as"
                                + " \"customers:country = 'NL':500\" (an empty where keeps every row)");
                    }
                    capture.subset(parts[0].trim(), parts[1].isBlank() ? null : parts[1], Long.parseLong(parts[2].trim()));
                }
                CaptureResult result = capture.writeTo(output);
                err.println(String.format(Locale.ROOT, "rehearsal: captured %,d rows of %d table%s at %s, %d columns"
                                + " masked, into %s (%,d bytes)", result.totalRows(), result.rows().size(),
                        result.rows().size() == 1 ? "" : "s",
                        result.migration().displayName(), result.masked().size(), result.file(), result.bytes()));
                return RehearsalCli.CLEAN;
            } catch (RehearsalException | IllegalArgumentException e) {
                err.println("rehearsal: " + String.join("\n  ", e.getMessage() == null ? List.of(e.toString())
                        : e.getMessage().lines().toList()));
                return RehearsalCli.ERROR;
            } finally {
                err.flush();
            }
        }
    }
}
