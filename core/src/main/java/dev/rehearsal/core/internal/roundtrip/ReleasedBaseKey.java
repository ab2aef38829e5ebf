package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.internal.scripts.SqlLayoutSource;
import dev.rehearsal.core.model.Migration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The key a base is kept under ({@code rehearsal.only-new.keep-base}): a digest of everything the released
 * migrations' ups depend on. Only histories of plain SQL files have one ({@link SqlLayoutSource}). Rehearsal applies
 * their scripts itself, so their ups depend on each migration's fields (version, name, up script, checksum), what
 * the layout applies it with ({@link SqlLayoutSource#appliedWith}: its transactions, what it writes into its version
 * table), Rehearsal's build, and the server ({@code server}: its version, the account and its settings, the server's
 * configured settings, the extensions it offers). A tool that runs the project's code or its own (Flyway, Liquibase, Alembic,
 * Django, Knex...) reads more than a digest of the history takes in, so its base is applied again on every run.
 */
final class ReleasedBaseKey {

    private static final Optional<String> BUILD = build();

    private ReleasedBaseKey() {
    }

    /** The key of the base {@code released} give on {@code server}; empty where {@code source} has none (see above). */
    static Optional<String> of(MigrationSource source, List<Migration> released, String server) {
        if (!(source instanceof SqlLayoutSource layout) || BUILD.isEmpty()) {
            return Optional.empty();
        }
        MessageDigest digest = sha256();
        add(digest, "rehearsal " + BUILD.get());
        add(digest, "server " + server);
        add(digest, "layout " + layout.format());
        for (Migration migration : released) {
            add(digest, String.valueOf(migration.version()));
            add(digest, migration.description() + " " + migration.type() + " " + migration.checksum() + " "
                    + migration.id());
            add(digest, migration.up() == null ? "no up" : migration.up().name());
            add(digest, migration.up() == null ? "" : migration.up().sql());
            add(digest, layout.appliedWith(migration));
        }
        return Optional.of(HexFormat.of().formatHex(digest.digest()));
    }

    /** Why {@code source}'s base is not kept, for the report. */
    static String whyNone(MigrationSource source) {
        if (BUILD.isEmpty()) {
            return "not kept: this build of Rehearsal does not say when it was built (rehearsal.properties), so a base"
                    + " kept by another build could not be told apart";
        }
        return "not kept: " + source.describe() + " are applied by code that a digest of the history does not take in;"
                + " a base is kept only for histories of plain SQL files (golang-migrate, dbmate, Prisma, Atlas,"
                + " Drizzle, Alembic's offline SQL)";
    }

    /** Rehearsal's version and when it was built, as the build wrote them: a snapshot's version names no one build. */
    private static Optional<String> build() {
        try (InputStream in = ReleasedBaseKey.class.getResourceAsStream("/dev/rehearsal/core/rehearsal.properties")) {
            if (in == null) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version", "");
            String built = p.getProperty("build", "");
            return version.isEmpty() || built.isEmpty() || built.contains("${") ? Optional.empty()
                    : Optional.of(version + " built " + built);
        } catch (IOException e) {
            return Optional.empty(); // whyNone says so
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
