package dev.rehearsal.core;

import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A golang-migrate folder whose own migrator also runs Go code migrations: Rehearsal runs only the SQL, so such a
 * history is refused in one line naming the Go files, never rehearsed without them (which would run
 * {@code 000003_split_name.down.sql} without the Go code that adds its columns). Unnumbered Go files, such as the
 * {@code //go:embed} file of a migrations package, and Go tests are not migrations.
 */
class GolangMigrateGoMigrationsTest {

    /** The first two migrations of histories/golang-migrate, which histories/golang-go-migrations follows. */
    private static final List<String> GOLANG_V1_V2 = List.of("000001_create_users.up.sql",
            "000001_create_users.down.sql", "000002_add_email.up.sql", "000002_add_email.down.sql");

    @Test
    void goCodeMigrationsAreRefusedNamingEachFile(@TempDir Path dir) throws Exception {
        RehearsalSettings settings = Histories.derived(dir, "histories/golang-migrate", GOLANG_V1_V2, Map.of(),
                "histories/golang-go-migrations");
        String location = "filesystem:" + dir;
        assertThatThrownBy(() -> Histories.rehearse(settings))
                .isInstanceOf(RehearsalException.class)
                .hasMessage("golang-migrate history at " + location + ": Go code migrations next to the SQL files"
                        + " (000003_split_name.up.go), which only the project's own migrator runs. Rehearsal runs this"
                        + " layout's .sql files only, so the history would run without them: write them as .up.sql"
                        + " and .down.sql files, or rehearse a folder without them (move them out of " + location
                        + " with the .sql files of their versions).");

        Files.writeString(dir.resolve("000004_seed_admins.go"), "package migrations\n");
        Files.writeString(dir.resolve("000003_split_name_test.go"), "package migrations\n");
        assertThatThrownBy(() -> Histories.rehearse(settings))
                .hasMessageContaining("Go code migrations next to the SQL files (000003_split_name.up.go,"
                        + " 000004_seed_admins.go), which");
    }

    @Test
    void goFilesThatAreNotMigrationsStay(@TempDir Path dir) throws Exception {
        RehearsalSettings settings = Histories.derived(dir, "histories/golang-migrate", GOLANG_V1_V2, Map.of(), null);
        Files.writeString(dir.resolve("migrations.go"), "package migrations\n\nimport \"embed\"\n\n//go:embed *.sql\n"
                + "var SQL embed.FS\n");
        Files.writeString(dir.resolve("000002_add_email_test.go"), "package migrations\n");
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            assertThat(r.history().versioned()).extracting(Migration::displayName)
                    .containsExactly("000001_create_users", "000002_add_email");
        }
    }
}
