package dev.rehearsal.core;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which migrations a change adds, in a real git repository: a history read from the class path (a build's output
 * folder) maps back to its source files, and the branch CI names is the base when none is given.
 */
class NewMigrationsTest {

    @Test
    void classPathMigrationsMapBackToTheirSourceFilesAndCiNamesTheBase(@TempDir Path repo) throws Exception {
        Path sources = Files.createDirectories(repo.resolve("src/main/resources/db/migration"));
        Path built = Files.createDirectories(repo.resolve("target/classes/db/migration"));
        Files.writeString(repo.resolve(".gitignore"), "target/\n");
        for (String name : List.of("V1__accounts.sql", "V2__email.sql")) {
            Files.writeString(sources.resolve(name), "select 1;\n");
        }
        git(repo, "init", "-q", "-b", "trunk");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "released");
        git(repo, "checkout", "-q", "-b", "change");
        Files.writeString(sources.resolve("V2__email.sql"), "select 2;\n"); // an edited one: judged, not new
        Files.writeString(sources.resolve("V3__name.sql"), "select 3;\n");
        // committed on the change's branch, as CI sees a pull request: told from an edit by git's diff alone
        git(repo, "add", ".");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "change");
        List<Migration> migrations = new ArrayList<>();
        int v = 0;
        for (String name : List.of("V1__accounts.sql", "V2__email.sql", "V3__name.sql")) {
            Files.copy(sources.resolve(name), built.resolve(name));
            migrations.add(new Migration(MigrationVersion.parse(String.valueOf(++v)), name, Migration.Type.VERSIONED,
                    new MigrationScript(name, built.resolve(name).toString(), "select 1;"), null, null));
        }
        MigrationHistory history = new MigrationHistory("classpath:db/migration", migrations, List.of());

        NewMigrations judged = NewMigrations.of(history, null, null, repo, Map.of("GITHUB_BASE_REF", "trunk"));
        assertThat(judged.names()).as(judged.note()).containsExactlyInAnyOrder("V2 V2__email.sql", "V3 V3__name.sql");
        assertThat(judged.note()).contains("since trunk");
        assertThat(judged.edited()).containsExactly("V2 V2__email.sql");
        assertThat(judged.note()).contains("released and edited since: V2 V2__email.sql");
        // a pull request's rehearsal starts at the migration it adds: production will not run the edited one again
        assertThat(judged.firstNew(history)).map(Migration::displayName).contains("V3 V3__name.sql");

        // a build folder git does not ignore: its copies are untracked files, yet V2 is still the released one edited
        Files.delete(repo.resolve(".gitignore"));
        git(repo, "add", ".gitignore");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "no ignores");
        NewMigrations unignored = NewMigrations.of(history, null, null, repo, Map.of("GITHUB_BASE_REF", "trunk"));
        assertThat(unignored.edited()).as(unignored.note()).containsExactly("V2 V2__email.sql");
        assertThat(unignored.firstNew(history)).map(Migration::displayName).contains("V3 V3__name.sql");
    }

    private static void git(Path dir, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(arguments));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
