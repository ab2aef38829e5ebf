package dev.rehearsal.core;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long history's round trips run in parallel parts, each on its own database (rehearsal.parallel): the plan's
 * steps, outcomes and messages are those of one run, a failure that blocks the rest blocks the later parts too, the
 * database ends where one run leaves it, and a rehearsal the caller changed before the plan runs in one part.
 */
class ParallelPartsTest {

    /** 122 migrations: three parts of at least {@link MigrationRehearsal#MIGRATIONS_PER_PART}. */
    private static final int ENTITIES = 12;
    private static final int FLYWAY_ENTITIES = 8;

    @Test
    void partsGiveTheOutcomesOfOneRunAndLeaveTheDatabaseAtTheLastVersion(@TempDir Path dir) throws IOException {
        Path history = RealisticHistory.write(dir, ENTITIES);
        // two broken down scripts, one in the first part and one in the last: a leftover and a missing revert
        List<Path> downs = downScripts(history);
        Files.writeString(downs.get(8), "select 1;\n");
        Files.writeString(downs.get(downs.size() - 5), "select 1;\n");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate");

        List<String> one = outcomes(rehearse(settings.withParallel(1), 1));
        List<String> inParts = outcomes(rehearse(settings.withParallel(3), 3));

        assertThat(one).hasSize(2 + 10 * ENTITIES).filteredOn(o -> o.contains("FAILED")).hasSize(2);
        assertThat(inParts).isEqualTo(one);
    }

    /**
     * Flyway histories too: each part drives its own Flyway, the outcomes and messages are one run's (a repeatable
     * migration last), and the database ends with the history table one run leaves, which Flyway validates.
     */
    @Test
    void aFlywayHistoryInPartsGivesTheOutcomesAndTheHistoryTableOfOneRun(@TempDir Path dir) throws Exception {
        Path flyway = Files.createDirectories(dir.resolve("flyway"));
        int version = 0;
        // 82 migrations: two parts, the fewest that show it (a block passed on to a later part is tested above)
        for (Path up : upScripts(RealisticHistory.write(dir.resolve("golang"), FLYWAY_ENTITIES))) {
            String name = up.getFileName().toString();
            String description = name.substring(name.indexOf('_') + 1, name.length() - ".up.sql".length());
            version++;
            Files.copy(up, flyway.resolve("V" + version + "__" + description + ".sql"));
            Path down = up.resolveSibling(name.replace(".up.sql", ".down.sql"));
            // a broken down in the second part: it leaves its objects behind
            Files.writeString(flyway.resolve("U" + version + "__" + description + ".sql"),
                    version == 60 ? "select 1;\n" : Files.readString(down));
        }
        Files.writeString(flyway.resolve("R__entity_count.sql"), "create or replace view entity_count as"
                + " select count(*) as tables from information_schema.tables where table_schema = 'public';\n");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + flyway);

        List<String> one;
        List<String> tableOfOne;
        try (MigrationRehearsal r = start(settings.withParallel(1))) {
            one = outcomes(r.runRoundTrips());
            tableOfOne = flywayHistoryTable(r);
        }
        try (MigrationRehearsal r = start(settings.withParallel(2))) {
            RoundTripReport report = r.runRoundTrips();
            List<String> inParts = outcomes(report);
            assertThat(r.parallelParts()).isEqualTo(2);
            assertThat(report.steps()).as("the second part ran on its own").noneMatch(step -> step.note() != null
                    && step.note().contains("could not run on a database of its own"));
            assertThat(one).hasSize(2 + 10 * FLYWAY_ENTITIES + 1).filteredOn(o -> o.contains("FAILED")).hasSize(1);
            assertThat(one.get(59)).contains("FAILED");
            assertThat(inParts).isEqualTo(one);
            // the repeatable migration's two rows: applied, then applied again over itself by its retry phase
            assertThat(flywayHistoryTable(r)).hasSize(2 + 10 * FLYWAY_ENTITIES + 2).isEqualTo(tableOfOne);
            assertThat(tableOfOne.get(tableOfOne.size() - 1)).startsWith("null entity count SQL R__entity_count.sql")
                    .isEqualTo(tableOfOne.get(tableOfOne.size() - 2));
        }
        RehearsalSettings customized = settings.withParallel(3).withTool(settings.tool()
                .withFlywayCustomizer(FlywayConfigurationTest.RenamesTheHistoryTable.class.getName()));
        try (MigrationRehearsal r = start(customized)) {
            r.roundTripSteps();
            assertThat(r.parallelParts()).as("a customizer is the team's code: one part").isEqualTo(1);
        }
        assertThat(partThreads()).as("every part's thread ended with its rehearsal").isZero();
    }

    /**
     * Alembic histories too: each part runs its revisions through a helper process of its own (its own Alembic, its
     * own sessions, its own database), and the outcomes, the messages and where the database ends are one run's.
     */
    @Test
    void anAlembicHistoryInPartsGivesTheOutcomesOfOneRun(@TempDir Path dir) throws IOException {
        // 82 revisions: two parts; a broken downgrade in the second
        Path sql = RealisticHistory.write(dir.resolve("sql"), FLYWAY_ENTITIES);
        Files.writeString(downScripts(sql).get(59), "select 1;\n");
        Path versions = alembicProject(dir.resolve("project"), upScripts(sql));
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + versions)
                .withTool(ToolSettings.DEFAULTS.withAlembic(AlembicTest.DEBIAN));

        List<String> one = outcomes(rehearse(settings.withParallel(1), 1));
        RoundTripReport parts = rehearse(settings.withParallel(2), 2);
        List<String> inParts = outcomes(parts);

        // the second part ran on its own: a part that cannot start says so in the notes, and its steps run here
        assertThat(parts.steps()).noneMatch(st -> st.note() != null && st.note().contains("rehearsal.parallel=1"));
        assertThat(one).hasSize(2 + 10 * FLYWAY_ENTITIES).filteredOn(o -> o.contains("FAILED")).hasSize(1);
        assertThat(one.get(59)).contains("FAILED");
        assertThat(inParts).isEqualTo(one);
    }

    /**
     * A part lists its history again through a helper of its own: where that listing is not the plan's (a revision
     * added to the folder after the rehearsal read it), the part does not start, its steps run here, each under its
     * own migration's name, and the first of them says why.
     */
    @Test
    void aPartWhoseToolListsOtherMigrationsLeavesItsStepsToThisRehearsal(@TempDir Path dir) throws IOException {
        Path sql = RealisticHistory.write(dir.resolve("sql"), FLYWAY_ENTITIES);
        Path versions = alembicProject(dir.resolve("project"), upScripts(sql));
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + versions)
                .withTool(ToolSettings.DEFAULTS.withAlembic(AlembicTest.DEBIAN)).withParallel(2);
        try (MigrationRehearsal r = start(settings)) {
            List<Migration> read = r.history().versioned();
            String previous = read.get(read.size() - 1).id();
            for (int i = 1; i <= 2; i++) { // two more: the second part's share then starts one revision later
                Files.writeString(versions.resolve("c0ffee00000" + i + "_late.py"), """
                        from alembic import op

                        revision = 'c0ffee00000%d'
                        down_revision = '%s'
                        branch_labels = None
                        depends_on = None


                        def upgrade():
                            op.execute("create table late%d (id int)")


                        def downgrade():
                            op.execute("drop table late%d")
                        """.formatted(i, previous, i, i));
                previous = "c0ffee00000" + i;
            }

            RoundTripReport report = r.runRoundTrips();

            assertThat(r.parallelParts()).isEqualTo(2);
            assertThat(report.steps()).extracting(StepResult::migration)
                    .containsExactlyElementsOf(read.stream().map(Migration::displayName).toList());
            assertThat(report.failed()).as(report.toText()).isFalse();
            int firstOfPart2 = new Shard(1, 2).of(read).size();
            assertThat(report.steps().get(firstOfPart2).note())
                    .contains("part 2/2 of the round trips could not run on a database of its own")
                    .contains("its tool lists this part's migrations differently from the history the rehearsal"
                            + " read: where the plan has " + read.get(firstOfPart2).displayName() + ", it lists "
                            + read.get(firstOfPart2 + 1).displayName() + "; were migrations added or removed during"
                            + " the run?");
            assertThat(r.currentVersion()).isEqualTo(r.history().latest());
        }
        assertThat(partThreads()).as("every part's thread ended with its rehearsal").isZero();
    }

    /**
     * Knex histories too: each part runs its migrations through a Node helper of its own (its own Knex, its own
     * sessions, its own database), and the outcomes and the messages are one run's.
     */
    @Test
    void aKnexHistoryInPartsGivesTheOutcomesOfOneRun(@TempDir Path dir) throws IOException {
        // 82 migrations: two parts; a broken down in the second
        Path sql = RealisticHistory.write(dir.resolve("sql"), FLYWAY_ENTITIES);
        Files.writeString(downScripts(sql).get(59), "select 1;\n");
        Path migrations = KnexPhaseSessionTest.project(Files.createDirectories(dir.resolve("project")));
        List<Path> ups = upScripts(sql);
        for (int i = 0; i < ups.size(); i++) {
            Path up = ups.get(i);
            String name = up.getFileName().toString().replace(".up.sql", "");
            Files.writeString(migrations.resolve(String.format(Locale.ROOT, "%03d_%s.js", i + 1,
                    name.replaceFirst("^\\d+_", ""))), """
                    exports.up = (knex) => knex.raw(%s);
                    exports.down = (knex) => knex.raw(%s);
                    """.formatted(javascriptString(Files.readString(up)),
                    javascriptString(Files.readString(up.resolveSibling(name + ".down.sql")))));
        }
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + migrations);

        List<String> one = outcomes(rehearse(settings.withParallel(1), 1));
        RoundTripReport parts = rehearse(settings.withParallel(2), 2);

        assertThat(parts.steps()).noneMatch(st -> st.note() != null && st.note().contains("rehearsal.parallel=1"));
        assertThat(one).hasSize(2 + 10 * FLYWAY_ENTITIES).filteredOn(o -> o.contains("FAILED")).hasSize(1);
        assertThat(one.get(59)).contains("FAILED");
        assertThat(outcomes(parts)).isEqualTo(one);
    }

    /**
     * Django histories too: each part runs its migrations through a helper of its own (its own Django, its own
     * sessions, its own database), and the outcomes and the messages are one run's. A startproject project whose app
     * makes a model that refers to the user model and deletes it again (Django's content types and permissions
     * then keep rows in one run that a later part never had), then adds the SQL history's scripts as RunSQL
     * migrations.
     */
    @Test
    void aDjangoHistoryInPartsGivesTheOutcomesOfOneRun(@TempDir Path dir) throws Exception {
        // 85 migrations: two parts; a broken down in the second
        Path sql = RealisticHistory.write(dir.resolve("sql"), FLYWAY_ENTITIES);
        Files.writeString(downScripts(sql).get(59), "select 1;\n");
        Path migrations = DjangoStartProjectTest.startProject(Files.createDirectories(dir.resolve("project")), "none");
        Files.writeString(migrations.resolve("0002_coupon.py"), """
                from django.conf import settings
                from django.db import migrations, models


                class Migration(migrations.Migration):
                    dependencies = [("shop", "0001_initial"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
                    operations = [migrations.CreateModel("Coupon", [
                        ("id", models.BigAutoField(primary_key=True)),
                        ("owner", models.ForeignKey(on_delete=models.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ])]
                """);
        Files.writeString(migrations.resolve("0003_delete_coupon.py"), """
                from django.db import migrations


                class Migration(migrations.Migration):
                    dependencies = [("shop", "0002_coupon")]
                    operations = [migrations.DeleteModel("Coupon")]
                """);
        List<Path> ups = upScripts(sql);
        String previous = "0003_delete_coupon";
        for (int i = 0; i < ups.size(); i++) {
            Path up = ups.get(i);
            String name = up.getFileName().toString().replace(".up.sql", "");
            String migration = String.format(Locale.ROOT, "%04d_%s", i + 4, name.replaceFirst("^\\d+_", ""));
            Files.writeString(migrations.resolve(migration + ".py"), """
                    from django.db import migrations


                    class Migration(migrations.Migration):
                        dependencies = [("shop", "%s")]
                        operations = [migrations.RunSQL(%s, reverse_sql=%s)]
                    """.formatted(previous, "r\"\"\"" + Files.readString(up) + "\"\"\"",
                    "r\"\"\"" + Files.readString(up.resolveSibling(name + ".down.sql")) + "\"\"\""));
            previous = migration;
        }
        RehearsalSettings settings = DjangoStartProjectTest.settings(migrations);

        List<String> one = outcomes(rehearse(settings.withParallel(1), 1));
        RoundTripReport parts = rehearse(settings.withParallel(2), 2);

        assertThat(parts.steps()).noneMatch(st -> st.note() != null && st.note().contains("rehearsal.parallel=1"));
        // 0002_coupon's round trip passes: auth's migrations it depends on are applied before it starts
        assertThat(one).hasSize(5 + 10 * FLYWAY_ENTITIES).filteredOn(o -> o.contains("FAILED")).hasSize(1);
        assertThat(one.get(62)).contains("FAILED");
        assertThat(outcomes(parts)).isEqualTo(one);
    }

    /**
     * A JavaScript template literal of {@code sql}, as a migration's author writes SQL over several lines, with
     * Knex's binding marks ({@code ?}) escaped for knex.raw.
     */
    private static String javascriptString(String sql) {
        return "`" + sql.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${").replace("?", "\\\\?")
                + "`";
    }

    /**
     * An Alembic project whose revisions run the SQL history's scripts, one revision per up script, with the env.py of
     * {@code alembic init}; returns its versions folder.
     */
    private static Path alembicProject(Path dir, List<Path> ups) throws IOException {
        Path versions = Files.createDirectories(dir.resolve("alembic/versions"));
        Files.writeString(dir.resolve("alembic.ini"), "[alembic]\nscript_location = alembic\n"
                + "sqlalchemy.url = driver://user:pass@localhost/dbname\n");
        Files.writeString(dir.resolve("alembic/env.py"), AlembicTest.INIT_ENV_PY);
        String previous = null;
        for (int i = 0; i < ups.size(); i++) {
            Path up = ups.get(i);
            String name = up.getFileName().toString().replace(".up.sql", "");
            String id = String.format(Locale.ROOT, "%012x", 0xb1000000L + i);
            Files.writeString(versions.resolve(id + "_" + name.replaceFirst("^\\d+_", "") + ".py"), """
                    \"\"\"%s\"\"\"
                    from alembic import op
                    import sqlalchemy as sa

                    revision = '%s'
                    down_revision = %s
                    branch_labels = None
                    depends_on = None


                    def upgrade():
                        op.execute(sa.text(%s))


                    def downgrade():
                        op.execute(sa.text(%s))
                    """.formatted(name, id, previous == null ? "None" : "'" + previous + "'",
                    pythonString(Files.readString(up)),
                    pythonString(Files.readString(up.resolveSibling(name + ".down.sql")))));
            previous = id;
        }
        return versions;
    }

    /**
     * A raw triple-quoted Python string of {@code sql}, as a revision's author writes SQL, its colons escaped for
     * SQLAlchemy's text() (bind parameters).
     */
    private static String pythonString(String sql) {
        return "r\"\"\"" + sql.replace(":", "\\:") + "\"\"\"";
    }

    /** Flyway's history table as it matters to Flyway: each row's version, script, checksum and success. */
    private static List<String> flywayHistoryTable(MigrationRehearsal r) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select version, description, type, script, checksum, success"
                     + " from flyway_schema_history order by installed_rank")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4)
                        + " " + rs.getString(5) + " " + rs.getBoolean(6));
            }
        }
        return rows;
    }

    @Test
    void anUpThatFailsToApplyInAPartBlocksTheStepsOfTheLaterParts(@TempDir Path dir) throws IOException {
        Path history = RealisticHistory.write(dir, ENTITIES);
        // in the second of three parts: the third part's steps, run meanwhile, must be given back as not run
        Files.writeString(upScripts(history).get(50), "create tabel broken (id int);\n");
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate");

        List<String> one = outcomes(rehearse(settings.withParallel(1), 1));
        List<String> inParts = outcomes(rehearse(settings.withParallel(3), 3));

        assertThat(one.get(50)).contains("FAILED");
        assertThat(one.get(one.size() - 1)).contains("SKIPPED").contains("failed to apply");
        assertThat(inParts).isEqualTo(one);
    }

    /**
     * While this rehearsal waits for a later part's steps, it brings its own database up to the steps the part has
     * finished (ten or more at a time), rather than applying every later up after the last part is done: here the
     * second part's downs sleep (only its steps run them, never the ups that catch up), so this rehearsal's own steps
     * end long before that part's, however busy the machine, and it catches up in between. The outcomes and the last
     * version are still one run's.
     */
    @Test
    void thisRehearsalCatchesUpWithASlowerPartWhileItWaits(@TempDir Path dir) throws IOException {
        Path history = RealisticHistory.write(dir, FLYWAY_ENTITIES);
        List<Path> downs = downScripts(history);
        for (Path down : downs.subList(downs.size() / 2, downs.size())) {
            Files.writeString(down, Files.readString(down) + "\nselect pg_sleep(0.12);\n");
        }
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate");
        List<String> one = outcomes(rehearse(settings.withParallel(1), 1));

        ComponentRecording recording = ComponentRecording.start();
        List<String> inParts;
        Map<String, ComponentRecording.Total> timings;
        try {
            inParts = outcomes(rehearse(settings.withParallel(2), 2));
        } finally {
            timings = recording.stop();
        }

        assertThat(inParts).isEqualTo(one);
        assertThat(timings).as("caught up while waiting for the second part's steps")
                .containsKey("parts.catch-up (while waiting)");
        assertThat(timings.get("parts.catch-up (while waiting)").calls()).as("times caught up while waiting")
                .isGreaterThanOrEqualTo(2);
        assertThat(timings.get("parts.catch-up").calls()).as("the catch-up after the last step").isEqualTo(1);
    }

    /**
     * A part whose database cannot be made does not lose its steps: they run here, one after the other, and the first
     * of them says why.
     */
    @Test
    void aPartThatCannotStartLeavesItsStepsToThisRehearsalAndSaysWhy(@TempDir Path dir) {
        Path history = RealisticHistory.write(dir, ENTITIES);
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate");
        List<String> one = outcomes(rehearse(settings.withParallel(1), 1));
        DatabaseProvider embedded = DatabaseProviders.embeddedPostgres();
        AtomicInteger made = new AtomicInteger();
        DatabaseProvider onlyOneDatabase = new DatabaseProvider() {
            @Override
            public String describe() {
                return embedded.describe();
            }

            @Override
            public EphemeralDatabase createDatabase() {
                if (made.incrementAndGet() > 1) {
                    throw new RehearsalException("no second database on this server");
                }
                return embedded.createDatabase();
            }

            @Override
            public void close() {
            }
        };
        try (MigrationRehearsal r = MigrationRehearsal.start(settings.withParallel(2), onlyOneDatabase,
                ParallelPartsTest.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();

            assertThat(outcomes(report)).isEqualTo(one);
            int firstOfPart2 = new Shard(1, 2).of(r.history().versioned()).size();
            assertThat(report.steps().get(firstOfPart2).note())
                    .contains("part 2/2 of the round trips could not run on a database of its own")
                    .contains("no second database on this server").contains("rehearsal.parallel=1");
            assertThat(r.currentVersion()).isEqualTo(r.history().latest());
        }
    }

    @Test
    void aRehearsalChangedBeforeThePlanRunsInOnePart(@TempDir Path dir) {
        Path history = RealisticHistory.write(dir, ENTITIES);
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate")
                .withParallel(2);
        try (MigrationRehearsal r = start(settings)) {
            r.roundTripSteps();
            assertThat(r.parallelParts()).as("nothing changed yet").isEqualTo(2);
            r.dataSource();
            r.roundTripSteps();
            assertThat(r.parallelParts()).as("its data source handed out").isEqualTo(1);
        }
        try (MigrationRehearsal r = start(settings)) {
            r.migrateTo("1");
            r.roundTripSteps();
            assertThat(r.parallelParts()).as("a migration applied before").isEqualTo(1);
        }
        try (MigrationRehearsal r = start(settings)) {
            r.seedEachStep(10);
            r.roundTripSteps();
            assertThat(r.parallelParts()).as("seeded before each step").isEqualTo(1);
        }
        try (MigrationRehearsal r = start(settings.withParallel(RehearsalSettings.PARALLEL_AUTO))) {
            r.roundTripSteps();
            assertThat(r.parallelParts()).as("auto: as many as the processors, at most 4 and one per %d migrations",
                            MigrationRehearsal.MIGRATIONS_PER_PART)
                    .isEqualTo(Math.max(1, Math.min(Math.min(Runtime.getRuntime().availableProcessors(), 4),
                            (2 + 10 * ENTITIES) / MigrationRehearsal.MIGRATIONS_PER_PART)));
        }
        assertThat(partThreads()).as("every part's thread ended with its rehearsal").isZero();
    }

    private static RoundTripReport rehearse(RehearsalSettings settings, int parts) {
        try (MigrationRehearsal r = start(settings)) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(r.parallelParts()).isEqualTo(parts);
            assertThat(report.steps()).as("every part ran on its own").noneMatch(step -> step.note() != null
                    && step.note().contains("could not run on a database of its own"));
            if (!report.steps().get(report.steps().size() - 1).status().equals(PhaseResult.Status.SKIPPED)) {
                assertThat(r.currentVersion()).as("where one run leaves the database")
                        .isEqualTo(r.history().latest());
            }
            return report;
        } finally {
            assertThat(partThreads()).as("every part's thread ended with its rehearsal").isZero();
        }
    }

    private static MigrationRehearsal start(RehearsalSettings settings) {
        return MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(),
                ParallelPartsTest.class.getClassLoader());
    }

    private static long partThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("rehearsal-part-")).count();
    }

    private static List<Path> downScripts(Path history) throws IOException {
        return scripts(history, ".down.sql");
    }

    private static List<Path> upScripts(Path history) throws IOException {
        return scripts(history, ".up.sql");
    }

    private static List<Path> scripts(Path history, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(history)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /**
     * What must be equal between runs: each step's name, outcome, and each phase's outcome and message. A helper's
     * traceback names the folder its process unpacked its script into, one per process, so that folder is left out.
     */
    private static List<String> outcomes(RoundTripReport report) {
        return report.steps().stream().map(s -> s.migration() + " " + s.status() + " " + s.phases().stream()
                .map(p -> p.phase() + ":" + p.status() + ":" + p.message().replaceAll("rehearsal-helper\\d+",
                        "rehearsal-helper")).toList()).toList();
    }
}
