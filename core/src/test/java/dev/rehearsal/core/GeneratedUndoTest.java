package dev.rehearsal.core;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.internal.scripts.UndoFiles;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Down scripts Rehearsal generates for migrations that have none (issue 17, part 3): derived from the catalog before
 * and after the up, run after the up on seeded rows, and called verified only when the schema comes back exactly;
 * data they cannot bring back is named. On request they are written next to the migrations, and a later run
 * rehearses them as the migrations' own down scripts.
 */
class GeneratedUndoTest {

    private static final DataSettings SEEDED = DataSettings.DEFAULTS.withRoundTripSeeding(30);

    private static String note(RoundTripReport report, String prefix) {
        return report.steps().stream().filter(s -> s.migration().startsWith(prefix)).findFirst().orElseThrow().note();
    }

    @Test
    void everyKindOfChangeGetsAVerifiedUndoOrSaysWhyNot() {
        RoundTripReport report;
        try (MigrationRehearsal r = Histories.rehearse(Histories.settings("undo-generated").withData(SEEDED))) {
            report = r.runRoundTrips();
        }
        assertThat(report.failed()).as(report.toText()).isFalse();
        assertThat(note(report, "V1")).contains("generated undo verified: 1 statement, the schema back exactly");
        assertThat(note(report, "V2")).contains("generated undo verified: 3 statements, the schema back exactly,"
                + " the data back");
        // a rename is renamed back, so the values stay
        assertThat(note(report, "V3")).contains("generated undo verified: 1 statement, the schema back exactly,"
                + " the data back");
        // the trigger, the foreign key and the sequence go with the table
        assertThat(note(report, "V4")).contains("generated undo verified: 3 statements, the schema back exactly");
        assertThat(report.steps().get(2).phases()).allSatisfy(p -> assertThat(p.status()).isEqualTo(PhaseResult.Status.PASSED));
        assertThat(note(report, "V5")).contains("generated undo verified: 2 statements, the schema back exactly,"
                + " the data back");
        // the column comes back with its default, constraint and index; its values cannot
        assertThat(note(report, "V6")).contains("generated undo verified: 4 statements, the schema back exactly,"
                + " data not back (lossy): customers.tier");
        assertThat(note(report, "V7")).contains("generated undo verified: 1 statement");
        assertThat(note(report, "V8")).contains("generated undo: none, as ~ type order_status")
                .contains("PostgreSQL cannot take a label out of an enum")
                .contains("(write U8__order_status_shipped.sql yourself if the migration must be reversible)");
        // a NOT NULL column without a default cannot come back over rows whose values are gone: named, not verified
        assertThat(note(report, "V10")).contains("generated undo not verified: it failed")
                .contains("ALTER TABLE \"customers\" ALTER COLUMN \"name\" SET NOT NULL").contains("23502")
                .contains("write U10__drop_name.sql yourself");
        // a renamed table is renamed back, with what hangs on it, so its rows stay
        assertThat(note(report, "V11")).contains("generated undo verified: 2 statements, the schema back exactly,"
                + " the data back");
        assertThat(note(report, "V9")).contains("generated undo verified: 1 statement, the schema back exactly");
    }

    @Test
    void verifiedUndoScriptsAreWrittenOnRequestAndThenRehearsedAsTheMigrationsOwn(@TempDir Path dir) throws IOException {
        Path history = dir.resolve("migration");
        Files.createDirectories(history);
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/histories/undo-generated"))) {
            for (Path f : files.toList()) {
                Files.copy(f, history.resolve(f.getFileName()));
            }
        }
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withData(SEEDED)
                .withTool(ToolSettings.DEFAULTS.withWriteUndo(true));
        RoundTripReport first;
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(),
                getClass().getClassLoader())) {
            first = r.runRoundTrips();
        }
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank()) {
            assertThat(note(first, "V2")).contains("not written: the CI environment variable is set");
            assertThat(history.resolve("U2__add_tier.sql")).doesNotExist();
            return;
        }
        assertThat(note(first, "V2")).contains("written to " + history.resolve("U2__add_tier.sql"));
        assertThat(history.resolve("U8__order_status_shipped.sql")).doesNotExist();
        assertThat(history.resolve("U10__drop_name.sql")).doesNotExist();
        assertThat(Files.readString(history.resolve("U2__add_tier.sql")))
                .startsWith("-- Generated by Rehearsal from the schema before and after V2__add_tier.sql, and verified:")
                .contains("ALTER TABLE \"customers\" DROP COLUMN \"tier\";");
        assertThat(Files.readString(history.resolve("U6__drop_tier.sql")))
                .contains("it cannot bring back the values of customers.tier, which the up dropped or changed");

        // the next run finds them as down scripts, and keeps the files it did not write
        try (MigrationRehearsal r = MigrationRehearsal.start(settings.withData(SEEDED.declareLossy("6")),
                DatabaseProviders.embeddedPostgres(), getClass().getClassLoader())) {
            RoundTripReport second = r.runRoundTrips();
            assertThat(second.failed()).as(second.toText()).isFalse();
            for (String v : List.of("V1", "V2", "V3", "V4", "V5", "V6", "V7", "V9")) {
                assertThat(second.steps().stream().filter(s -> s.migration().startsWith(v + " ")).findFirst().orElseThrow()
                        .phase(PhaseResult.Phase.DOWN).orElseThrow().status()).as(v).isEqualTo(PhaseResult.Status.PASSED);
            }
            assertThat(note(second, "V8")).contains("generated undo: none");
            assertThat(note(second, "V10")).contains("generated undo not verified");
        }
    }

    @Test
    void undoFilesAreNeverWrittenOnCiAndGoToTheSourcesNotTheBuildFolder(@TempDir Path project) throws IOException {
        Path sources = project.resolve("src/test/resources/db/migration");
        Files.createDirectories(sources);
        Files.writeString(sources.resolve("V2__x.sql"), "alter table t add column c int;");
        Path built = project.resolve("target/test-classes/db/migration/V2__x.sql");
        Migration m = new Migration(MigrationVersion.parse("2"), "x", Migration.Type.VERSIONED,
                new MigrationScript("V2__x.sql", built.toString(), "alter table t add column c int;"), null, null);
        assertThat(UndoFiles.write(m, "U2__x.sql", "-- header\n", "ALTER TABLE t DROP COLUMN c;\n", "true", project))
                .contains("not written: the CI environment variable is set");
        assertThat(sources.resolve("U2__x.sql")).doesNotExist();
        assertThat(UndoFiles.write(m, "U2__x.sql", "-- header\n", "ALTER TABLE t DROP COLUMN c;\n", null, project))
                .isEqualTo("written to " + sources.resolve("U2__x.sql") + ": review it and commit it");
        assertThat(sources.resolve("U2__x.sql")).hasContent("-- header\nALTER TABLE t DROP COLUMN c;");
        assertThat(UndoFiles.write(m, "U2__x.sql", "", "-- other\n", null, project)).contains("exists");
        assertThat(sources.resolve("U2__x.sql")).hasContent("-- header\nALTER TABLE t DROP COLUMN c;");
    }
}
