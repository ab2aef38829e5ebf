package dev.rehearsal.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project whose env.py is written as pytest-alembic's setup guide and example projects write it: it takes
 * {@code config.attributes["connection"]}, where pytest-alembic puts an Engine, falls back to an engine from
 * {@code sqlalchemy.url}, and calls {@code connectable.connect()} on what it got. Rehearsal hands a connection whose
 * {@code connect()} gives that same session, so the env.py runs unchanged on SQLAlchemy 1.4 (Debian's stack) and 2.0
 * (the current one, where a plain Connection has no {@code connect()}), and the report says which branch of env.py
 * ran. The project is src/test/resources/alembic-pytest-alembic.
 */
class AlembicPytestAlembicTest {

    private static final Path FIXTURE = Path.of("src/test/resources/alembic-pytest-alembic");

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"/usr/bin/python3, postgresql", "current, postgresql+psycopg"})
    void pytestAlembicsEnvPyRoundTripsAndTheReportNamesTheBranchThatRan(String python, String driver,
                                                                        @TempDir Path dir) throws IOException {
        Path versions = copy(dir, driver);
        try (MigrationRehearsal r = Histories.rehearse(settings(versions, python))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.steps()).hasSize(2);
            assertThat(report.source()).contains("env.py took the connection Rehearsal hands in"
                    + " config.attributes[\"connection\"] and called its connect()")
                    .contains("that branch was not run");
            r.migrateTo("latest");
            assertThat(r.schema().column("created_at", "note")).isPresent();
        }
    }

    /**
     * pytest-alembic's env.py for asyncio (its docs' "slightly more versatile setup"): an AsyncEngine is handed, as
     * pytest-alembic hands one for a project on an async driver, and env.py runs its migrations through it.
     */
    @Test
    void itsEnvPyForAsyncioGetsAnAsyncEngineOnAnAsyncDriver(@TempDir Path dir) throws IOException {
        Path versions = copy(dir, "postgresql+asyncpg");
        Files.writeString(dir.resolve("migrations/env.py"), """
                import asyncio

                from alembic import context
                from models import Base
                from sqlalchemy import engine_from_config, pool
                from sqlalchemy.ext.asyncio.engine import AsyncEngine

                target_metadata = Base.metadata


                def run_migrations_online():
                    connectable = context.config.attributes.get("connection", None)

                    if connectable is None:
                        connectable = AsyncEngine(
                            engine_from_config(
                                context.config.get_section(context.config.config_ini_section),
                                prefix="sqlalchemy.",
                                poolclass=pool.NullPool,
                                future=True,
                            )
                        )

                    if isinstance(connectable, AsyncEngine):
                        asyncio.run(run_async_migrations(connectable))
                    else:
                        with connectable.connect() as connection:
                            do_run_migrations(connection)


                async def run_async_migrations(connectable):
                    async with connectable.connect() as connection:
                        await connection.run_sync(do_run_migrations)

                    await connectable.dispose()


                def do_run_migrations(connection):
                    context.configure(connection=connection, target_metadata=target_metadata)

                    with context.begin_transaction():
                        context.run_migrations()


                run_migrations_online()
                """);
        try (MigrationRehearsal r = Histories.rehearse(settings(versions, "current"))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(report.source()).contains("env.py took the AsyncEngine Rehearsal hands in"
                    + " config.attributes[\"connection\"]");
        }
    }

    /** {@code current}: the virtualenv of the current stack .ci/setup.sh builds; else the interpreter named. */
    private static RehearsalSettings settings(Path versions, String python) {
        String interpreter = python.equals("current") ? AlembicTemplatesTest.CURRENT.toString() : python;
        if (python.equals("current")) {
            assertThat(AlembicTemplatesTest.CURRENT).as("the current Python stack is missing: run bash .ci/setup.sh")
                    .isExecutable();
        }
        return RehearsalSettings.of("filesystem:" + versions).withTool(ToolSettings.DEFAULTS.withAlembic(
                new AlembicSettings(interpreter, "", "", List.of(), Map.of())));
    }

    /** The fixture in {@code dir}, its sqlalchemy.url naming {@code driver}, as the project's own would. */
    private static Path copy(Path dir, String driver) throws IOException {
        try (Stream<Path> files = Files.walk(FIXTURE)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(FIXTURE.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        Path ini = dir.resolve("alembic.ini");
        Files.writeString(ini, Files.readString(ini).replace("postgresql://app@db.internal/app",
                driver + "://app@db.internal/app"));
        return dir.resolve("migrations/versions");
    }
}
