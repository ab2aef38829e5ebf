package dev.rehearsal.core.internal.runtime;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationSources;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.internal.tools.ToolDescriptor;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry is the one list of tools: formats are unique, messages and docs/layouts.md name every tool from it, and
 * two tools claiming a folder at the same level make it ambiguous rather than one winning by list order.
 */
class ToolRegistryTest {

    private static final Path LAYOUTS_DOC = Path.of("..", "docs", "layouts.md");
    private static final String BEGIN = "<!-- tools: generated from ToolRegistry.ALL by ToolRegistryTest; do not edit -->";
    private static final String END = "<!-- end of tools -->";

    /**
     * A folder of each tool's own layout, as its users keep it (this repository's fixtures and samples), and the
     * format detection must give it. A tool added to the registry without a folder here fails this test.
     */
    private static final Map<String, String> FOLDERS = Map.ofEntries(
            Map.entry("flyway", "classpath:histories/good"),
            Map.entry("golang-migrate", "classpath:histories/golang-migrate"),
            Map.entry("dbmate", "classpath:histories/dbmate"),
            Map.entry("prisma", "classpath:histories/prisma"),
            Map.entry("alembic", "classpath:alembic-project/versions"),
            Map.entry("liquibase", "classpath:histories/liquibase/db.changelog-master.xml"),
            Map.entry("atlas", "classpath:histories/atlas"),
            Map.entry("drizzle", "classpath:histories/drizzle"),
            Map.entry("sqitch", "classpath:histories/sqitch"),
            Map.entry("django", "filesystem:../samples/django-postgres/inventory/migrations"),
            Map.entry("knex", "filesystem:../samples/knex-postgres/migrations"),
            Map.entry("typeorm", "filesystem:../samples/typeorm-postgres/migrations"));

    @Test
    void everyToolHasItsOwnFormatAndIsInTheSupportedList() {
        assertThat(ToolRegistry.ALL).extracting(ToolDescriptor::format)
                .containsExactlyInAnyOrder("flyway", "golang-migrate", "dbmate", "prisma", "alembic", "liquibase",
                        "atlas", "drizzle", "sqitch", "django", "knex", "typeorm", "command")
                .allMatch(f -> f.equals(f.toLowerCase(Locale.ROOT)));
        ToolRegistry.ALL.forEach(t -> assertThat(MigrationSources.SUPPORTED).contains(t.format() + " (" + t.layout() + ")"));
    }

    @Test
    void eachToolsOwnLayoutIsDetectedAsThatTool() {
        assertThat(FOLDERS.keySet()).as("every tool detected from its files has a folder here; command is configured")
                .containsExactlyInAnyOrderElementsOf(ToolRegistry.ALL.stream().map(ToolDescriptor::format)
                        .filter(f -> !f.equals("command")).toList());
        FOLDERS.forEach((format, location) -> {
            MigrationSource source = ToolRegistry.detect(RehearsalSettings.of(location), getClass().getClassLoader());
            assertThat(source.getClass().getPackageName()).as(format + " at " + location)
                    .isEqualTo("dev.rehearsal.core.internal.tools." + format.replace("-", ""));
        });
    }

    /** docs/layouts.md's list of tools is generated from the registry; -Drehearsal.docs.update=true rewrites it. */
    @Test
    void theLayoutsDocListsTheRegistry() throws IOException {
        String doc = Files.readString(LAYOUTS_DOC);
        String table = ToolRegistry.ALL.stream()
                .map(t -> "| `" + t.format() + "` | " + t.layout().replace("|", "\\|").replace("<", "&lt;") + " |")
                .collect(Collectors.joining("\n", BEGIN + "\n| format | files |\n|---|---|\n", "\n" + END));
        int from = doc.indexOf(BEGIN);
        int to = doc.indexOf(END);
        assertThat(from).as("docs/layouts.md holds the generated block").isNotNegative();
        String updated = doc.substring(0, from) + table + doc.substring(to + END.length());
        if (Boolean.getBoolean("rehearsal.docs.update")) {
            Files.writeString(LAYOUTS_DOC, updated);
        }
        assertThat(doc).as("docs/layouts.md is behind ToolRegistry.ALL: run this test with -Drehearsal.docs.update=true")
                .isEqualTo(updated);
    }

    @Test
    void twoDecisiveFilesInOneFolderAreAmbiguous(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("sqitch.plan"), "%project=x\n\nfirst 2024-01-01T00:00:00Z a <a@b> # one\n");
        Files.createDirectories(dir.resolve("meta"));
        Files.writeString(dir.resolve("meta/_journal.json"), "{\"entries\": []}");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + dir);
        assertThatThrownBy(() -> ToolRegistry.detect(settings, getClass().getClassLoader()))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("fit several layouts: drizzle, sqitch")
                .hasMessageContaining("format = \"drizzle\"")
                .hasMessageContaining("sqitch.plan");
    }
}
