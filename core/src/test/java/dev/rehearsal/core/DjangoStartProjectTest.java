package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.schema.ObjectKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Django 5.2 project as {@code django-admin startproject} and {@code startapp} make it, on psycopg 3 (the driver
 * Django picks where it is installed), its first migration written by {@code makemigrations}: run in the current
 * Python stack (the virtualenv .ci/setup.sh builds). A reverse that forgets an index is named; a migration that
 * reaches another database through its own connection alias is stopped before it connects there.
 */
class DjangoStartProjectTest {

    private static final String NOOP_REVERSE = """
            from django.db import migrations

            class Migration(migrations.Migration):
                dependencies = [("shop", "0001_initial")]
                operations = [
                    migrations.RunSQL("create index shop_product_lower_name on shop_product (lower(name))",
                                      reverse_sql=migrations.RunSQL.noop),
                ]
            """;

    private static final String REACHES_LEGACY = """
            from django.db import connections, migrations

            def copy_to_legacy(apps, schema_editor):
                with connections["legacy"].cursor() as cursor:
                    cursor.execute("create table intruder (id int)")

            class Migration(migrations.Migration):
                dependencies = [("shop", "0001_initial")]
                operations = [migrations.RunPython(copy_to_legacy, migrations.RunPython.noop)]
            """;

    @Test
    void aStartProjectOnPsycopg3RehearsesAndItsNoopReverseIsNamed(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path migrations = startProject(dir, "none");
        Files.writeString(migrations.resolve("0002_lower_name_index.py"), NOOP_REVERSE);
        try (MigrationRehearsal r = Histories.rehearse(settings(migrations))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.steps()).hasSize(2);
            assertThat(report.steps().get(0).status()).as(report.toText()).isEqualTo(Status.PASSED);
            assertThat(report.steps().get(1).phase(Phase.DOWN)).hasValueSatisfying(down -> {
                assertThat(down.status()).isEqualTo(Status.FAILED);
                assertThat(down.message()).contains("shop_product_lower_name");
            });
        }
    }

    private static final String OWNED_PRODUCT = """
            from django.conf import settings
            from django.db import models

            class Product(models.Model):
                name = models.CharField(max_length=40)
                price = models.DecimalField(max_digits=8, decimal_places=2)
                owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            """;

    /** Needs auth's latest migration (contenttypes' second comes between auth's), and forgets its index going down. */
    private static final String NOOP_REVERSE_AFTER_AUTH = """
            from django.db import migrations

            class Migration(migrations.Migration):
                dependencies = [("shop", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
                operations = [
                    migrations.RunSQL("create index shop_product_lower_name on shop_product (lower(name))",
                                      reverse_sql=migrations.RunSQL.noop),
                ]
            """;

    /**
     * An app whose model refers to the user model: Django's {@code migrate shop 0001_initial} first applies the
     * contenttypes and auth migrations it depends on, which {@code migrate shop zero} leaves in place, as production
     * applied them long before. Each step applies what it depends on before it starts, and says so: the first round
     * trip passes, and the second, whose down forgets its index, is blamed for that index alone.
     */
    @Test
    void aModelThatRefersToTheUserModelStartsWithWhatItDependsOnApplied(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path migrations = startProject(dir, "none", OWNED_PRODUCT);
        assertThat(Files.readString(migrations.resolve("0001_initial.py"))).contains("swappable_dependency");
        Files.writeString(migrations.resolve("0002_lower_name_index.py"), NOOP_REVERSE_AFTER_AUTH);
        try (MigrationRehearsal r = Histories.rehearse(settings(migrations))) {
            RoundTripReport report = r.runRoundTrips();
            StepResult first = report.steps().get(0);
            assertThat(first.status()).as(report.toText()).isEqualTo(Status.PASSED);
            assertThat(first.note()).contains("migrations from outside the history that it depends on"
                    + " (contenttypes 0001_initial, auth 0001_initial)");
            StepResult second = report.steps().get(1);
            assertThat(second.note()).as("in the order Django applied them, a run of one app by its first and last").contains("(contenttypes"
                    + " 0002_remove_content_type_name, auth 0002_alter_permission_name_max_length ..."
                    + " 0012_alter_user_first_name_max_length (11 migrations))");
            assertThat(second.phase(Phase.DOWN)).hasValueSatisfying(down -> {
                assertThat(down.status()).isEqualTo(Status.FAILED);
                assertThat(down.message()).contains("shop_product_lower_name").doesNotContain("auth_");
            });
        }
    }

    /**
     * Only new: the released base is judged (golden files) as the released migrations leave it, before the new
     * migration's step applies what it depends on from auth and contenttypes: contenttypes' second migration, which
     * drops {@code django_content_type.name}, is the new migration's, not the base's.
     */
    @Test
    void onlyNewJudgesTheBaseBeforeTheNewMigrationsDependenciesAreApplied(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path migrations = startProject(dir, "none", OWNED_PRODUCT);
        Files.writeString(migrations.resolve("0002_lower_name_index.py"), NOOP_REVERSE_AFTER_AUTH);
        Map<String, Boolean> contentTypeName = new LinkedHashMap<>();
        try (MigrationRehearsal r = Histories.rehearse(settings(migrations))) {
            r.checkEachUp((migration, schema, dialect) -> {
                contentTypeName.put(migration.id(), schema.column("django_content_type", "name").isPresent());
                return SchemaCheck.Outcome.passed();
            });
            r.applyReleased(r.migration("0001_initial").version());
            RoundTripReport report = r.runRoundTrips();

            assertThat(report.steps()).hasSize(1);
            StepResult step = report.steps().get(0);
            assertThat(step.note()).contains("taken as released", "contenttypes 0002_remove_content_type_name");
            assertThat(step.phase(Phase.DOWN)).hasValueSatisfying(down ->
                    assertThat(down.message()).contains("shop_product_lower_name").doesNotContain("auth_"));
        }
        assertThat(contentTypeName).as("django_content_type.name where the check ran: the base as released, then"
                + " the new migration over contenttypes 0002").containsExactly(Map.entry("0001_initial", true),
                Map.entry("0002_lower_name_index", false));
    }

    /**
     * What a migration depends on from another app fails to apply: its up fails, as Django's own migrate of it would,
     * naming the other app's migration, its statement and the SQLState, and the run fails.
     */
    @Test
    void aDependencyFromAnotherAppThatFailsToApplyFailsTheUp(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path migrations = startProject(dir, "none");
        Path legacy = legacyApp(dir);
        Files.writeString(legacy.resolve("0001_initial.py"), """
                from django.db import migrations

                class Migration(migrations.Migration):
                    operations = [migrations.RunSQL("insert into legacy_missing values (1)")]
                """);
        Files.writeString(migrations.resolve("0002_note.py"), """
                from django.db import migrations

                class Migration(migrations.Migration):
                    dependencies = [("shop", "0001_initial"), ("legacy", "0001_initial")]
                    operations = [migrations.RunSQL("create table shop_note (id int)", "drop table shop_note")]
                """);
        Files.writeString(migrations.resolve("0003_later.py"), """
                from django.db import migrations

                class Migration(migrations.Migration):
                    dependencies = [("shop", "0002_note")]
                    operations = [migrations.RunSQL("create table shop_later (id int)", "drop table shop_later")]
                """);
        try (MigrationRehearsal r = Histories.rehearse(settings(migrations))) {
            RoundTripReport report = r.runRoundTrips();

            assertThat(report.failed()).as(report.toText()).isTrue();
            assertThat(report.steps().get(0).status()).isEqualTo(Status.PASSED);
            assertThat(report.steps().get(2).status()).as("the rest cannot run").isEqualTo(Status.SKIPPED);
            assertThat(report.steps().get(1).phase(Phase.UP)).hasValueSatisfying(up -> {
                assertThat(up.status()).isEqualTo(Status.FAILED);
                assertThat(up.message()).contains("What 0002_note note depends on from outside the history failed to"
                                + " apply").contains(legacy.resolve("0001_initial.py").toString())
                        .contains("statement: insert into legacy_missing values (1)")
                        .contains("SQLState:  42P01");
            });
        }
    }

    /**
     * Seeded: what a migration depends on from another app fails over the rows seeded at an earlier step (a shorter
     * type that the seeded codes of the declared length do not fit). The step fails, naming the other app's migration
     * and the boundary values its table holds, and the run carries on over empty tables as it does after a migration
     * of the history's own fails over seeded rows: the later step still runs, over seeded rows.
     */
    @Test
    void aDependencyFromAnotherAppThatFailsOverSeededRowsLetsTheRestRunOverData(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path migrations = startProject(dir, "none");
        Path legacy = legacyApp(dir);
        Files.writeString(legacy.resolve("0001_initial.py"), """
                from django.db import migrations

                class Migration(migrations.Migration):
                    operations = [migrations.RunSQL("create table legacy_item (code varchar(12) not null)",
                                                    "drop table legacy_item")]
                """);
        Files.writeString(legacy.resolve("0002_short_codes.py"), """
                from django.db import migrations

                class Migration(migrations.Migration):
                    dependencies = [("legacy", "0001_initial")]
                    operations = [migrations.RunSQL(
                        "alter table legacy_item alter column code type varchar(3)",
                        "alter table legacy_item alter column code type varchar(12)")]
                """);
        Files.writeString(migrations.resolve("0002_note.py"), """
                from django.db import migrations

                class Migration(migrations.Migration):
                    dependencies = [("shop", "0001_initial"), ("legacy", "0001_initial")]
                    operations = [migrations.RunSQL("create table shop_note (id int)", "drop table shop_note")]
                """);
        Files.writeString(migrations.resolve("0003_short.py"), """
                from django.db import migrations

                class Migration(migrations.Migration):
                    dependencies = [("shop", "0002_note"), ("legacy", "0002_short_codes")]
                    operations = [migrations.RunSQL("create table shop_short (id int)", "drop table shop_short")]
                """);
        Files.writeString(migrations.resolve("0004_later.py"), """
                from django.db import migrations

                class Migration(migrations.Migration):
                    dependencies = [("shop", "0003_short")]
                    operations = [migrations.RunSQL("create table shop_later (id int)", "drop table shop_later")]
                """);
        try (MigrationRehearsal r = Histories.rehearse(settings(migrations)
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(20)))) {
            RoundTripReport report = r.runRoundTrips();

            assertThat(report.failed()).isTrue();
            assertThat(report.steps()).extracting(StepResult::status).as(report.toText())
                    .containsExactly(Status.PASSED, Status.PASSED, Status.FAILED, Status.PASSED);
            StepResult failed = report.steps().get(2);
            assertThat(failed.phase(Phase.UP)).hasValueSatisfying(up -> assertThat(up.message())
                    .contains("What 0003_short short depends on from outside the history failed to apply")
                    .contains(legacy.resolve("0002_short_codes.py").toString())
                    .contains("statement: alter table legacy_item alter column code type varchar(3)")
                    .contains("SQLState:  22001")
                    .containsPattern("It failed over seeded rows that hold boundary values: legacy_item.code: text of"
                            + " exactly 12 characters \\(\\d+ rows?\\)")
                    .contains("fix the failing migration named above, or the data it meets")
                    .contains("The rest of the history is still rehearsed over data: a fresh database was built at"
                            + " 0003_short short, which applies with what it depends on over empty tables")
                    .contains("0003_short short itself was applied there without checks"));
            assertThat(failed.note()).contains("the rest of the history is still rehearsed over data");
            StepResult later = report.steps().get(3);
            assertThat(later.note()).as("it starts where the fresh database is: nothing to rebuild")
                    .doesNotContain("rebuilt");
            assertThat(later.rows()).as("the later step ran over seeded rows").isPositive();
        }
    }

    /** A second app of the project, {@code legacy}, installed, with an empty migrations folder (returned). */
    private static Path legacyApp(Path dir) throws IOException {
        Path settings = dir.resolve("mysite/settings.py");
        Files.writeString(settings, Files.readString(settings).replace("'shop',", "'shop',\n    'legacy',"));
        Path legacy = Files.createDirectories(dir.resolve("legacy/migrations"));
        Files.writeString(dir.resolve("legacy/__init__.py"), "");
        Files.writeString(legacy.resolve("__init__.py"), "");
        return legacy;
    }

    private static final String IRREVERSIBLE_INDEX = """
            from django.db import migrations

            class Migration(migrations.Migration):
                dependencies = [("shop", "0001_initial")]
                operations = [migrations.RunSQL("create index shop_product_price on shop_product (price)")]
            """;

    /**
     * A RunSQL without reverse_sql is rehearsed by restore: the database is copied before its up, which
     * PostgreSQL allows only with nobody connected, so the connection Django keeps between migrations is closed first.
     */
    @Test
    void anIrreversibleMigrationIsRestoredFromACopyWhileDjangoKeepsItsConnection(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path migrations = startProject(dir, "none");
        Files.writeString(migrations.resolve("0002_price_index.py"), IRREVERSIBLE_INDEX);
        try (MigrationRehearsal r = Histories.rehearse(settings(migrations))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps().get(1).phase(Phase.RESTORE)).hasValueSatisfying(restore ->
                    assertThat(restore.status()).isEqualTo(Status.PASSED));
            assertThat(r.schema().on("shop_product", ObjectKind.INDEX))
                    .anySatisfy(i -> assertThat(i.name()).isEqualTo("shop_product_price"));
        }
    }

    @Test
    void aMigrationThatReachesAnotherDatabaseIsStoppedBeforeItRunsAnything(@TempDir Path dir)
            throws IOException, InterruptedException, SQLException {
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            Path migrations = startProject(dir, foreign.name());
            Files.writeString(migrations.resolve("0002_copy_to_legacy.py"), REACHES_LEGACY);
            RoundTripReport report;
            try (MigrationRehearsal r = Histories.rehearse(settings(migrations))) {
                report = r.runRoundTrips();
            }
            PhaseResult up = report.steps().get(1).phase(Phase.UP).orElseThrow();
            assertThat(up.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(up.message())
                    .contains("Django was about to connect to database \"" + foreign.name() + "\"")
                    .contains("Rehearsal stopped Django before it connected there, so nothing ran there")
                    .contains("opened by: psycopg.connect, called at shop/migrations/0002_copy_to_legacy.py line 4");
            assertThat(foreign.tables()).isEmpty();
        }
    }

    static RehearsalSettings settings(Path migrations) {
        return RehearsalSettings.of("filesystem:" + migrations).withTool(ToolSettings.DEFAULTS.withHelpers(
                new DjangoSettings(AlembicTemplatesTest.CURRENT.toString(), ""), KnexSettings.DEFAULTS));
    }

    /**
     * startproject, startapp, a model, makemigrations: the project's migrations folder. {@code legacy} names the
     * database of a second connection alias, as a project that also reaches an older database declares one.
     */
    static Path startProject(Path dir, String legacy) throws IOException, InterruptedException {
        return startProject(dir, legacy, """
                from django.db import models

                class Product(models.Model):
                    name = models.CharField(max_length=40)
                    price = models.DecimalField(max_digits=8, decimal_places=2)
                """);
    }

    /** As {@link #startProject(Path, String)}, with the app's {@code models.py}. */
    static Path startProject(Path dir, String legacy, String models) throws IOException, InterruptedException {
        assertThat(AlembicTemplatesTest.CURRENT).as("the current Python stack is missing: run bash .ci/setup.sh")
                .isExecutable();
        run(dir, "-m", "django", "startproject", "mysite", ".");
        run(dir, "manage.py", "startapp", "shop");
        Path settings = dir.resolve("mysite/settings.py");
        String text = Files.readString(settings)
                .replace("'django.contrib.staticfiles',", "'django.contrib.staticfiles',\n    'shop',")
                .replaceAll("(?s)DATABASES = \\{.*?\n}\n", """
                        DATABASES = {
                            'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'mysite',
                                        'HOST': '127.0.0.1', 'PORT': '5432', 'USER': 'postgres'},
                            'legacy': {'ENGINE': 'django.db.backends.postgresql', 'NAME': '%s',
                                       'HOST': '127.0.0.1', 'PORT': '5432', 'USER': 'postgres'},
                        }
                        """.formatted(legacy));
        assertThat(text).contains("'shop',").contains("'legacy'");
        Files.writeString(settings, text);
        Files.writeString(dir.resolve("shop/models.py"), models);
        run(dir, "manage.py", "makemigrations", "shop");
        assertThat(dir.resolve("shop/migrations/0001_initial.py")).exists();
        return dir.resolve("shop/migrations");
    }

    private static void run(Path dir, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(AlembicTemplatesTest.CURRENT.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS) && process.exitValue() == 0).as(String.join(" ", command)
                + "\n" + said).isTrue();
    }
}
