package dev.rehearsal.core.internal.scripts;

import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code atlas.sum} checked against sums Atlas itself wrote. ariga/atlas#3460 shows what
 * {@code atlas migrate hash --dir "file://migrations?format=golang-migrate"} writes for three empty golang-migrate
 * pairs ({@code {1,2,3}_foo.{up,down}.sql}): every {@code .sql} file before April 2025, only the {@code .up.sql} files
 * after, as Atlas's {@code GolangMigrateDir} lists only those. Both are accepted; under the up-only sum a changed or
 * added up file is named and a down file is outside the sum, as it is for Atlas.
 */
class AtlasSumTest {

    private static final String LOCATION = "filesystem:migrations";

    /** Atlas's sum over every {@code .sql} file (its own format, and golang-migrate's before April 2025). */
    private static final String EVERY_FILE = """
            h1:vhPiFlhkYSJ1MVyYMAM2gjEm5pjE1ny4RLyYRKvyeB0=
            1_foo.down.sql h1:wIeaJ1N6KNIM8zeLU6ImjpnMm+OEe7yYGv4DbLwdNPw=
            1_foo.up.sql h1:yY3HY7NUpgKBKEn0sCjfU2wSFkQ8wclqvHNUFvuXXcU=
            2_foo.down.sql h1:2yozYxYnTYc8Kt6VlLPZE2q7wb4JCcHrubWAc757t4U=
            2_foo.up.sql h1:q8jCZqYMvVn3uQ4DaQEdQLp646pBz42XnYJ/PrJ0mOs=
            3_foo.down.sql h1:RVM6O9j6C8uYtS7f8qjccaR+jIqteYvKJ/uPTSsCIVA=
            3_foo.up.sql h1:OyohmFzexsLUIY0JHJSFuFzvGO2y6Gm+W5dOJGxxpc4=
            """;

    /** Atlas's sum in the golang-migrate format since April 2025: the up files alone. */
    private static final String UP_FILES = """
            h1:U7koTgSs9HfZBVlJvVyjl3TYQsL1XtYgN3wGlgpbSz4=
            1_foo.up.sql h1:sA//QCV2RBTEr8hSuRTm/DFDWs0VcSQHQKZDIGNQ7Y0=
            2_foo.up.sql h1:hCdlBsxXgDrB+EFoZlQG+TaBBlckwEx0Nfxz+2k7zOc=
            3_foo.up.sql h1:0Mowjo1mHrxPH5DRCcMLoPMo+xRhWeLYWOyrvj4/rL0=
            """;

    @Test
    void bothSumsAtlasWritesForAGolangMigrateFolderAreAccepted() {
        assertThatCode(() -> AtlasSum.verifyIfPresent(folder(EVERY_FILE, Map.of()), LOCATION))
                .doesNotThrowAnyException();
        assertThatCode(() -> AtlasSum.verifyIfPresent(folder(UP_FILES, Map.of()), LOCATION))
                .doesNotThrowAnyException();
    }

    @Test
    void underTheUpFilesSumAChangedUpFileIsNamed() {
        assertThatThrownBy(() -> AtlasSum.verifyIfPresent(folder(UP_FILES, Map.of("2_foo.up.sql", "select 1;\n")),
                LOCATION))
                .isInstanceOf(RehearsalException.class)
                .hasMessageStartingWith("filesystem:migrations/2_foo.up.sql changed after atlas.sum was written"
                        + " (atlas.sum has h1:hCdlBsxXgDrB+EFoZlQG+TaBBlckwEx0Nfxz+2k7zOc=, the file gives h1:")
                .hasMessageContaining("if the change is intended, run atlas migrate hash");
        assertThatThrownBy(() -> AtlasSum.verifyIfPresent(folder(UP_FILES, Map.of("4_foo.up.sql", "select 1;\n")),
                LOCATION))
                .hasMessageStartingWith("filesystem:migrations/atlas.sum does not list 4_foo.up.sql: the file was added"
                        + " without atlas migrate hash");
    }

    /** Atlas's golang-migrate directory hashes no down file, so Atlas takes a changed or added one as it is. */
    @Test
    void aDownFileIsOutsideTheUpFilesSumAndInsideTheOther() {
        Map<String, String> downChanged = Map.of("2_foo.down.sql", "select 1;\n");
        assertThatCode(() -> AtlasSum.verifyIfPresent(folder(UP_FILES, downChanged), LOCATION))
                .doesNotThrowAnyException();
        assertThatCode(() -> AtlasSum.verifyIfPresent(folder(UP_FILES, Map.of("4_foo.down.sql", "select 1;\n")),
                LOCATION)).doesNotThrowAnyException();
        assertThatThrownBy(() -> AtlasSum.verifyIfPresent(folder(EVERY_FILE, downChanged), LOCATION))
                .hasMessageStartingWith("filesystem:migrations/2_foo.down.sql changed after atlas.sum was written"
                        + " (atlas.sum has h1:2yozYxYnTYc8Kt6VlLPZE2q7wb4JCcHrubWAc757t4U=");
    }

    /**
     * Atlas lists a directory's files in Go's byte order of names, not golang-migrate's numeric order (10_ before 1_,
     * ariga/atlas#3017), and chains the hashes in that order.
     */
    @Test
    void theUpFilesAreChainedInAtlasOrderNotGolangMigrateOrder() {
        List<ScriptFile> files = new ArrayList<>(List.of(
                file("1_a.up.sql", "CREATE TABLE a (id int);\n"), file("1_a.down.sql", "DROP TABLE a;\n"),
                file("2_c.up.sql", "CREATE TABLE c (id int);\n"), file("2_c.down.sql", "DROP TABLE c;\n"),
                file("10_b.up.sql", "CREATE TABLE b (id int);\n"), file("10_b.down.sql", "DROP TABLE b;\n")));
        files.add(file(AtlasSum.FILE, """
                h1:Hxip2pZqFWur53KBM0QWhbcWO4Rb4T7uLrGRyR3dUyY=
                10_b.up.sql h1:+ADUxpA/ernhTvNADT2rw9O6QwEdACxUEgtLnPnxL3c=
                1_a.up.sql h1:U0ryZP9DCWepJ9z53V7t792ZmcZ+ljDMYgc4vY490sE=
                2_c.up.sql h1:vOEjwh9YurQO5RVNC8TE8phxMRpQWEXCRCdDwDVvYZc=
                """));
        assertThatCode(() -> AtlasSum.verifyIfPresent(files, LOCATION)).doesNotThrowAnyException();
        assertThat(AtlasSum.hashes(files).keySet()).containsExactly("10_b.down.sql", "10_b.up.sql", "1_a.down.sql",
                "1_a.up.sql", "2_c.down.sql", "2_c.up.sql");
    }

    /** The six empty files of ariga/atlas#3460 with {@code changes} (a name to new content, or a new file), and a sum. */
    private static List<ScriptFile> folder(String sum, Map<String, String> changes) {
        List<ScriptFile> files = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            for (String direction : List.of("up", "down")) {
                String name = i + "_foo." + direction + ".sql";
                files.add(file(name, changes.getOrDefault(name, "")));
            }
        }
        changes.forEach((name, text) -> {
            if (files.stream().noneMatch(f -> f.filename().equals(name))) {
                files.add(file(name, text));
            }
        });
        files.add(file(AtlasSum.FILE, sum));
        return files;
    }

    private static ScriptFile file(String name, String text) {
        return new ScriptFile(name, name, "migrations/" + name, text.getBytes(StandardCharsets.UTF_8));
    }
}
