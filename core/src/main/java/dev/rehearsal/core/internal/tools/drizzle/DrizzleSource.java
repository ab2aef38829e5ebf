package dev.rehearsal.core.internal.tools.drizzle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.scripts.SqlLayoutSource;
import dev.rehearsal.core.internal.scripts.VersionTable;
import dev.rehearsal.core.internal.scripts.VersionTables;
import dev.rehearsal.core.internal.sql.ScriptTransaction;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drizzle Kit's SQL migrations: a folder with {@code meta/_journal.json}, whose entries name the files
 * ({@code <tag>.sql}) in order, each cut at {@code --> statement-breakpoint} lines. Up only, as Drizzle is; a
 * {@code <tag>.down.sql} next to a file, when the team writes one, is its down script. Drizzle's
 * {@code __drizzle_migrations} table (in the {@code drizzle} schema on PostgreSQL), a row per file with the
 * SHA-256 of its text and the journal's {@code when}, as drizzle-orm's migrator writes it.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DrizzleSource extends SqlLayoutSource {
    public static final String JOURNAL = "meta/_journal.json";
    private static final String BREAKPOINT = "--> statement-breakpoint";
    private final Map<MigrationVersion, Long> when = new HashMap<>();
    private final Map<MigrationVersion, String> hashes = new HashMap<>();

    public DrizzleSource(ScriptLocation location) {
        super(location);
    }

    public static boolean recognizes(List<ScriptFile> files) {
        return files.stream().anyMatch(f -> f.relativePath().equals(JOURNAL));
    }

    @Override
    public String format() {
        return "drizzle";
    }

    @Override
    protected MigrationHistory read(List<ScriptFile> files) {
        Map<String, ScriptFile> byPath = new LinkedHashMap<>();
        files.forEach(f -> byPath.putIfAbsent(f.relativePath(), f));
        ScriptFile journal = byPath.get(JOURNAL);
        if (journal == null) {
            throw new RehearsalException("drizzle history at " + location + ": no " + JOURNAL + ". Drizzle Kit"
                    + " writes it with each migration (drizzle-kit generate); point the location at the folder"
                    + " that holds meta/.");
        }
        JsonNode entries;
        try {
            entries = new ObjectMapper().readTree(journal.content()).path("entries");
        } catch (IOException e) {
            throw problem(journal, 0, "not JSON Drizzle Kit could have written: " + e.getMessage());
        }
        if (!entries.isArray()) {
            throw problem(journal, 0, "no \"entries\" array: this is not a Drizzle Kit journal");
        }
        List<Migration> migrations = new ArrayList<>();
        long previous = Long.MIN_VALUE;
        for (JsonNode entry : entries) {
            String tag = entry.path("tag").asText("");
            if (tag.isEmpty() || !entry.path("idx").isIntegralNumber() || !entry.path("when").isIntegralNumber()) {
                throw problem(journal, 0, "entry " + entry + " lacks its idx, when or tag");
            }
            ScriptFile up = byPath.get(tag + ".sql");
            if (up == null) {
                throw problem(journal, 0, "entry " + entry.path("idx").asInt() + " names " + tag + ".sql, which"
                        + " is not in the folder: drizzle-orm's migrate() would fail reading it. Restore the file,"
                        + " or generate the migrations again.");
            }
            long at = entry.path("when").asLong();
            if (at <= previous) {
                throw problem(journal, 0, "entry " + tag + " has when " + at + ", not after the entry before it"
                        + " (" + previous + "): drizzle-orm's migrate() compares these times and would skip it on"
                        + " a database that has the one before.");
            }
            previous = at;
            MigrationVersion version = MigrationVersion.parse(String.valueOf(entry.path("idx").asInt() + 1));
            when.put(version, at);
            hashes.put(version, VersionTables.sha256(up.text()));
            ScriptFile down = byPath.get(tag + ".down.sql");
            String description = tag.contains("_") ? tag.substring(tag.indexOf('_') + 1).replace('_', ' ') : tag;
            migrations.add(new Migration(version, description, Migration.Type.VERSIONED, script(up, cut(up.text())),
                    down == null ? null : script(down, cut(down.text())), null, tag));
        }
        return new MigrationHistory(location.toString(), migrations, List.of());
    }

    /**
     * drizzle-orm's migrator sends each chunk between {@code --> statement-breakpoint} markers as one query, whether or
     * not its last statement ends with a semicolon; a semicolon before each marker (on its line, so statement lines
     * keep the file's numbers) ends the chunk's last statement there for the engine's splitter too.
     */
    static String cut(String text) {
        return text.replace(BREAKPOINT, ";" + BREAKPOINT);
    }

    /** Its transaction and its journal's time, which drizzle-orm writes into its table ({@code created_at}). */
    @Override
    public String appliedWith(Migration migration) {
        return super.appliedWith(migration) + " when " + when.get(migration.version());
    }

    /** drizzle-orm runs a migration's statements in a transaction, whatever they are, as it runs every pending one. */
    @Override
    protected ScriptTransaction transaction(Migration migration) {
        return ScriptTransaction.ONE;
    }

    @Override
    protected VersionTable versions() {
        throw new IllegalStateException("Drizzle keeps its table in a schema of its own on PostgreSQL only");
    }

    @Override
    protected VersionTable versions(Dialect dialect) {
        return VersionTables.drizzle(dialect.engine() == Engine.POSTGRES ? "drizzle" : null,
                when, hashes);
    }

    @Override
    protected String expectedDown(Migration migration) {
        return migration.up().name().replace(".sql", ".down.sql");
    }

    @Override
    protected String irreversibleReason(Migration migration) {
        return "Drizzle migrations are up-only; write " + expectedDown(migration) + " to rehearse its down";
    }
}
