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
 * Liquibase changelogs in a real git repository: a changelog file grows by changesets, so each changeset of a changed
 * file is new, released as it was, or edited; an edited one Liquibase runs again when it changes (runOnChange) is new.
 */
class ChangesetEditsTest {

    private static final String XML_HEAD = "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n";

    @Test
    void eachChangesetOfAChangedChangelogIsNewReleasedOrEdited(@TempDir Path repo) throws Exception {
        Path xml = repo.resolve("changelog.xml");
        Path sql = repo.resolve("changelog.sql");
        Files.writeString(xml, XML_HEAD
                + "  <changeSet id=\"1\" author=\"ann\"><sql>create table a (id int)</sql></changeSet>\n"
                + "  <changeSet id=\"2\" author=\"ann\"><sql>create table b (id int)</sql></changeSet>\n"
                + "  <changeSet id=\"3\" author=\"ann\" runOnChange=\"true\"><sql>create or replace view v as select 1</sql></changeSet>\n"
                + "</databaseChangeLog>\n");
        Files.writeString(sql, "--liquibase formatted sql\n\n--changeset bob:1\ncreate table c (id int);\n\n"
                + "--changeset bob:2\ncreate table d (id int);\n\n"
                + "--changeset jane doe:3\ncreate table f (id int);\n--rollback drop table f;\n");
        git(repo, "init", "-q", "-b", "trunk");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "released");
        git(repo, "checkout", "-q", "-b", "change");
        Files.writeString(xml, XML_HEAD
                + "  <changeSet id=\"1\" author=\"ann\"><sql>create table a (id int)</sql></changeSet>\n"
                + "  <changeSet id=\"2\" author=\"ann\">\n    <sql>create table b (id int, note text)</sql>\n  </changeSet>\n"
                + "  <changeSet id=\"3\" author=\"ann\" runOnChange=\"true\"><sql>create or replace view v as select 2</sql></changeSet>\n"
                + "  <changeSet id=\"4\" author=\"ann\"><sql>create table e (id int)</sql></changeSet>\n"
                + "</databaseChangeLog>\n");
        // the first SQL changeset only re-indented: the same changeset; the second edited
        // and the third only given a context, a comment and another rollback: outside Liquibase's checksum
        Files.writeString(sql, "--liquibase formatted sql\n\n--changeset bob:1\ncreate   table c (id int);\n\n"
                + "--changeset bob:2\ncreate table d (id bigint);\n\n"
                + "--changeset jane doe:3 context:prod\n--comment: the f table\ncreate table f (id int);\n"
                + "--rollback drop table if exists f;\n");
        List<Migration> migrations = new ArrayList<>();
        int v = 0;
        for (String name : List.of("changelog.xml::1::ann", "changelog.xml::2::ann", "changelog.xml::3::ann",
                "changelog.xml::4::ann", "changelog.sql::1::bob", "changelog.sql::2::bob", "changelog.sql::3::jane doe")) {
            Path file = repo.resolve(name.substring(0, name.indexOf("::")));
            migrations.add(new Migration(MigrationVersion.parse(String.valueOf(++v)), name, Migration.Type.VERSIONED,
                    new MigrationScript(name, file.toString(), ""), null, null, null, name)); // labelled by the name
        }
        MigrationHistory history = new MigrationHistory(repo.toString(), migrations, List.of());

        NewMigrations judged = NewMigrations.of(history, null, "trunk", repo, Map.of());

        assertThat(judged.names()).as(judged.note()).containsExactlyInAnyOrder("changelog.xml::2::ann",
                "changelog.xml::3::ann", "changelog.xml::4::ann", "changelog.sql::2::bob");
        assertThat(judged.edited()).containsExactlyInAnyOrder("changelog.xml::2::ann", "changelog.sql::2::bob");
        assertThat(judged.firstNew(history)).map(Migration::displayName).contains("changelog.xml::3::ann");
    }

    private static void git(Path dir, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(arguments));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
