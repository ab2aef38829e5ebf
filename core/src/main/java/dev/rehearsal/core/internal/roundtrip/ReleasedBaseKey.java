package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.scripts.SqlLayoutSource;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.report.ReportWriter;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The key a base is kept under ({@code rehearsal.only-new.keep-base}): a digest of everything the released
 * migrations' ups depend on. Only histories of plain SQL files have one ({@link SqlLayoutSource}). Rehearsal applies
 * their scripts itself, so their ups depend on the scripts' names and text, the layout (its version table, how it
 * groups statements into transactions), Rehearsal's build and the server's version. A tool that runs the project's
 * code or its own (Flyway, Liquibase, Alembic, Django, Knex...) reads more than a digest of the history takes in, so
 * its base is applied again on every run.
 */
final class ReleasedBaseKey {

    private ReleasedBaseKey() {
    }

    /** The key of the base {@code released} give on {@code server}; empty where {@code source} has none (see above). */
    static Optional<String> of(MigrationSource source, List<Migration> released, String server) {
        Optional<String> build = build();
        if (!(source instanceof SqlLayoutSource layout) || build.isEmpty()) {
            return Optional.empty();
        }
        MessageDigest digest = sha256();
        add(digest, "rehearsal " + ReportWriter.version() + " " + build.get());
        add(digest, "server " + server);
        add(digest, "layout " + layout.format());
        for (Migration migration : released) {
            add(digest, migration.displayName());
            add(digest, migration.up().name());
            add(digest, migration.up().sql());
        }
        return Optional.of(HexFormat.of().formatHex(digest.digest()));
    }

    /** Why {@code source}'s base is not kept, for the report. */
    static String whyNone(MigrationSource source) {
        if (build().isEmpty()) {
            return "not kept: Rehearsal's own classes were not found on disk, so a base kept by another build of it"
                    + " could not be told apart";
        }
        return "not kept: " + source.describe() + " are applied by code that a digest of the history does not take in;"
                + " a base is kept only for histories of plain SQL files (golang-migrate, dbmate, Prisma, Atlas,"
                + " Drizzle, Alembic's offline SQL)";
    }

    /** When Rehearsal's classes were built: a snapshot's version names no single build. */
    private static Optional<String> build() {
        try {
            Path code = Path.of(ReleasedBaseKey.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Optional.of(Files.getLastModifiedTime(code).toString());
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return Optional.empty(); // no code source (a custom class loader): no key
        }
    }

    private static void add(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
