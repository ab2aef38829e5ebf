package dev.rehearsal.core.internal.scripts;

import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Atlas's integrity file, {@code atlas.sum}, checked as {@code atlas migrate} checks it before it applies anything:
 * the files Atlas's directory lists, in name order, each one's hash taken over the names and contents of all files up
 * to it (so a change shows from the file changed onwards), and a first line that sums the entries. Which files those
 * are depends on the directory format Atlas wrote the sum in, and the sum itself tells: Atlas's own format (and its
 * golang-migrate format before Atlas's change of April 2025, ariga/atlas#3460) hashes every top-level {@code *.sql}
 * file; its golang-migrate format since then hashes only the {@code *.up.sql} files, the ones its
 * {@code GolangMigrateDir} lists, so a sum that lists only up files is checked against those alone and a down file
 * is outside it, as it is for Atlas. Atlas itself says only "checksum mismatch"; this names the file that was changed,
 * added or removed. Written by hand (a few lines of SHA-256 and Base64) because no Java library reads Atlas's format.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AtlasSum {

    public static final String FILE = "atlas.sum";
    private static final String SQL = ".sql";
    private static final String UP_SQL = ".up.sql";
    private static final Pattern SUM_IGNORE = Pattern.compile("^([ -~]*)atlas:sum(?: +([ -~]*))?");

    private AtlasSum() {
    }

    /** Whether the location has an {@code atlas.sum} at its top. */
    public static boolean present(List<ScriptFile> files) {
        return files.stream().anyMatch(f -> f.relativePath().equals(FILE));
    }

    /**
     * Checks the location's {@code atlas.sum}, when it has one, against its files.
     *
     * @throws RehearsalException naming the sum file and the file that does not match, and how to fix it
     */
    public static void verifyIfPresent(List<ScriptFile> files, String location) {
        ScriptFile sumFile = files.stream().filter(f -> f.relativePath().equals(FILE)).findFirst().orElse(null);
        if (sumFile == null) {
            return;
        }
        String where = location + "/" + FILE;
        List<String> lines = sumFile.text().lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("h1:")) {
            throw new RehearsalException(where + ", line 1: expected the directory sum (h1:...), as atlas migrate hash"
                    + " writes it. Run atlas migrate hash to write the file again.");
        }
        Map<String, String> recorded = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] parts = lines.get(i).split("h1:", 2);
            if (parts.length != 2) {
                throw new RehearsalException(where + ", line " + (i + 1) + ": expected <file> h1:<hash>, found \""
                        + lines.get(i) + "\". Run atlas migrate hash to write the file again.");
            }
            recorded.put(parts[0].strip(), parts[1].strip());
        }
        if (!lines.get(0).substring(3).strip().equals(total(recorded))) {
            throw new RehearsalException(where + " was edited by hand: its first line is not the sum of its entries,"
                    + " so Atlas refuses the directory (checksum mismatch). Run atlas migrate hash.");
        }
        // each entry hashes every file before it too: a file removed or added shifts all later entries, so those
        // are told first, and the first entry that differs after them is the file that changed
        Map<String, String> actual = hashes(files, hashedSuffix(recorded.keySet()));
        for (String name : recorded.keySet()) {
            if (!actual.containsKey(name)) {
                throw new RehearsalException(where + " lists " + name + ", which is not in " + location + ": a"
                        + " migration file was removed or renamed, and Atlas refuses the directory (checksum"
                        + " mismatch). Restore it, or run atlas migrate hash.");
            }
        }
        for (String name : actual.keySet()) {
            if (!recorded.containsKey(name)) {
                throw new RehearsalException(where + " does not list " + name + ": the file was added without atlas"
                        + " migrate hash, and Atlas refuses the directory (checksum mismatch). Run atlas migrate hash"
                        + " if the file belongs there.");
            }
        }
        for (String name : actual.keySet()) {
            String expected = recorded.get(name);
            if (!expected.equals(actual.get(name))) {
                throw new RehearsalException(location + "/" + name + " changed after " + FILE + " was written (" + FILE
                        + " has h1:" + expected + ", the file gives h1:" + actual.get(name) + "), and Atlas refuses the"
                        + " directory (checksum mismatch). A migration that may have been applied somewhere should not"
                        + " change: undo the edit and add a new migration; if the change is intended, run atlas"
                        + " migrate hash.");
            }
        }
    }

    /**
     * The files a sum covers, told by the names it lists: only {@code *.up.sql} names are the golang-migrate format
     * of later Atlas versions, whose directory hashes the up files alone; anything else covers every {@code *.sql}.
     */
    private static String hashedSuffix(Set<String> recorded) {
        return !recorded.isEmpty() && recorded.stream().allMatch(name -> name.endsWith(UP_SQL)) ? UP_SQL : SQL;
    }

    /** Each top-level {@code .sql} file's entry, as Atlas computes it (files marked {@code atlas:sum ignore} have none). */
    public static Map<String, String> hashes(List<ScriptFile> files) {
        return hashes(files, SQL);
    }

    /**
     * The entries of the top-level files whose names end in {@code suffix}, in Go's byte order of names as Atlas
     * lists them, each hashed after all the files before it.
     */
    private static Map<String, String> hashes(List<ScriptFile> files, String suffix) {
        List<ScriptFile> sql = files.stream()
                .filter(f -> !f.relativePath().contains("/") && f.filename().endsWith(suffix))
                .sorted((a, b) -> compareBytes(a.filename(), b.filename())).toList();
        MessageDigest running = sha256();
        Map<String, String> entries = new LinkedHashMap<>();
        for (ScriptFile f : sql) {
            running.update(f.filename().getBytes(StandardCharsets.UTF_8));
            Matcher m = SUM_IGNORE.matcher(f.text());
            if (m.find() && "ignore".equals(m.group(2) == null ? null : m.group(2).strip())) {
                continue;
            }
            running.update(f.content());
            entries.put(f.filename(), Base64.getEncoder().encodeToString(clone(running).digest()));
        }
        return entries;
    }

    private static String total(Map<String, String> entries) {
        MessageDigest sum = sha256();
        entries.forEach((name, hash) -> {
            sum.update(name.getBytes(StandardCharsets.UTF_8));
            sum.update(hash.getBytes(StandardCharsets.UTF_8));
        });
        return Base64.getEncoder().encodeToString(sum.digest());
    }

    /** The text {@code atlas migrate hash} writes for these files: for tests and fixtures. */
    public static String write(List<ScriptFile> files) {
        Map<String, String> entries = hashes(files);
        StringBuilder sb = new StringBuilder("h1:").append(total(entries)).append('\n');
        entries.forEach((name, hash) -> sb.append(name).append(" h1:").append(hash).append('\n'));
        return sb.toString();
    }

    /** Go sorts names by their bytes. */
    private static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest clone(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests can be cloned on every JDK Rehearsal supports", e);
        }
    }
}
