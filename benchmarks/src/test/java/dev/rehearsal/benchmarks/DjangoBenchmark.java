package dev.rehearsal.benchmarks;

import dev.rehearsal.core.DjangoSettings;
import dev.rehearsal.core.KnexSettings;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.ToolSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rehearsal driving a project's Django against Django's own in-process loop: one Python process, django.setup() once,
 * {@code call_command("migrate", app, name)} for each migration up, down and up again, on the one connection Django
 * keeps. The history is the generated one of the other benchmarks, each migration a RunSQL with its reverse, in the
 * current Python stack (.ci/venvs/current: Django 5.2, psycopg 3). A short version in every CI run.
 */
class DjangoBenchmark {

    private static final Path PYTHON = Path.of("..", ".ci", "venvs", "current", "bin", "python").toAbsolutePath()
            .normalize();

    @Test
    void shortHistory(@TempDir Path dir) throws Exception {
        measure(dir, 12, 1);
    }

    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
    void sixtyMigrations(@TempDir Path dir) throws Exception {
        measure(dir, 60, 3);
    }

    /** What parallel parts gain on a Django history long enough for them: see {@link HelperLoop#partsAgainstOnePart}. */
    @Test
    @EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
            disabledReason = "run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
    void aLongHistoryInParts(@TempDir Path dir) throws Exception {
        assertThat(PYTHON).as("the current Python stack: run bash .ci/setup.sh").isExecutable();
        int migrations = 120;
        Path project = project(dir.resolve("project"), migrations);
        HelperLoop.partsAgainstOnePart("Django", migrations, settings(project));
    }

    private static RehearsalSettings settings(Path project) {
        return RehearsalSettings.of("filesystem:" + project.resolve("ledger/migrations"))
                .withTool(ToolSettings.DEFAULTS.withHelpers(new DjangoSettings(PYTHON.toString(), ""),
                        KnexSettings.DEFAULTS));
    }

    private static void measure(Path dir, int migrations, int rounds) throws Exception {
        assertThat(PYTHON).as("the current Python stack: run bash .ci/setup.sh").isExecutable();
        Path project = project(dir.resolve("project"), migrations);
        RehearsalSettings settings = settings(project);
        HelperLoop.measure("Django", "Django's own loop (call_command per migration)", migrations, rounds, project, settings,
                db -> List.of(PYTHON.toString(), "-c", """
                import os, sys
                os.environ.update(PGHOST=sys.argv[1], PGPORT=sys.argv[2], PGDATABASE=sys.argv[3], PGUSER=sys.argv[4],
                                  PGPASSWORD=sys.argv[5], DJANGO_SETTINGS_MODULE="benchsite.settings")
                import django
                django.setup()
                from django.core.management import call_command
                from django.db.migrations.loader import MigrationLoader
                names = sorted(name for app, name in MigrationLoader(None).disk_migrations if app == "ledger")
                for i, name in enumerate(names):
                    call_command("migrate", "ledger", name, verbosity=0)
                    call_command("migrate", "ledger", names[i - 1] if i else "zero", verbosity=0)
                    call_command("migrate", "ledger", name, verbosity=0)
                """, db.host(), String.valueOf(db.port()), db.database(), db.user(), db.password()), Map.of());
    }

    /** manage.py, a settings module and one app whose migrations run the generated history's SQL. */
    static Path project(Path dir, int migrations) throws IOException {
        List<HelperLoop.Step> steps = HelperLoop.steps(dir.resolve("sql"), migrations);
        Files.createDirectories(dir.resolve("benchsite"));
        Path folder = Files.createDirectories(dir.resolve("ledger/migrations"));
        Files.writeString(dir.resolve("manage.py"), """
                import os
                import sys

                if __name__ == "__main__":
                    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
                    from django.core.management import execute_from_command_line
                    execute_from_command_line(sys.argv)
                """);
        Files.writeString(dir.resolve("benchsite/__init__.py"), "");
        Files.writeString(dir.resolve("benchsite/settings.py"), """
                import os
                SECRET_KEY = "benchmark-only"
                INSTALLED_APPS = ["ledger"]
                USE_TZ = True
                DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql",
                                         "HOST": os.environ.get("PGHOST", "127.0.0.1"),
                                         "PORT": os.environ.get("PGPORT", "5432"),
                                         "NAME": os.environ.get("PGDATABASE", "ledger"),
                                         "USER": os.environ.get("PGUSER", "postgres"),
                                         "PASSWORD": os.environ.get("PGPASSWORD", "")}}
                """);
        Files.writeString(dir.resolve("ledger/__init__.py"), "");
        Files.writeString(folder.resolve("__init__.py"), "");
        String previous = null;
        for (HelperLoop.Step step : steps) {
            String name = String.format(Locale.ROOT, "%04d_%s", step.number(),
                    step.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_"));
            Files.writeString(folder.resolve(name + ".py"), """
                    from django.db import migrations


                    class Migration(migrations.Migration):
                        dependencies = [%s]
                        operations = [migrations.RunSQL(%s, reverse_sql=%s)]
                    """.formatted(previous == null ? "" : "(\"ledger\", \"" + previous + "\")",
                    HelperLoop.literal(step.up()), HelperLoop.literal(step.down())));
            previous = name;
        }
        return dir;
    }
}
