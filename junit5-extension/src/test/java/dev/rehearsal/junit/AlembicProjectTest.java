package dev.rehearsal.junit;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/**
 * {@code @MigrationTest} on an Alembic project as `alembic init` and `alembic revision --autogenerate` write it (core's
 * test fixture, unmodified), run by its own Alembic in Debian's Python; then a copy whose downgrade forgets an index.
 */
class AlembicProjectTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    static Path reports;

    @Test
    void eachRevisionGetsItsThreeTestsThroughAlembicItself() {
        EngineRuns.run(reports, Project.class, "rehearsal.alembic.python", PYTHON).testEvents()
                .assertStatistics(s -> s.started(15).succeeded(15));
    }

    @Test
    void aDowngradeThatForgetsAnIndexFailsItsDownTest(@TempDir Path copy) throws Exception {
        Path source = Path.of("../core/src/test/resources/alembic-autogen");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = copy.resolve(source.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.writeString(target, Files.readString(f)
                        .replace("    op.drop_index(op.f('ix_user_full_name'), table_name='user')\n", ""));
            }
        }
        EngineRuns.run(reports, Broken.class, "rehearsal.alembic.python", PYTHON,
                "rehearsal.migrations", "filesystem:" + copy.resolve("alembic/versions")).testEvents()
                .assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                        m.contains("The down script of d47ad6525116 shorter full name") && m.contains("ix_user_full_name")))));
    }

    @MigrationTest(migrations = "filesystem:../core/src/test/resources/alembic-autogen/alembic/versions")
    static class Project {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }

    @MigrationTest
    static class Broken {
        @TestFactory
        Stream<DynamicNode> roundTrips(Rehearsal rehearsal) {
            return rehearsal.roundTrips();
        }
    }
}
