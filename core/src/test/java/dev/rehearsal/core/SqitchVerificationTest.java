package dev.rehearsal.core;

import dev.rehearsal.core.internal.postgres.PostgresDialect;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Sqitch layout checked against Sqitch 1.3 itself (Debian's package, installed by .ci/setup.sh), on the machine's
 * PostgreSQL: after {@code sqitch deploy --verify} and after {@code sqitch revert --to @v1.0.0-dev1}, the registry's
 * rows (all but when and by whom) and the schema equal what Rehearsal leaves for the same project.
 */
class SqitchVerificationTest {

    private static final Path PROJECT = Path.of("src/test/resources/histories/sqitch").toAbsolutePath();
    private static final Set<String> REGISTRY = Set.of("sqitch.releases", "sqitch.projects", "sqitch.changes",
            "sqitch.tags", "sqitch.dependencies", "sqitch.events");
    /** The registry without the columns that say when and by whom. */
    private static final List<String> ROWS = List.of(
            "select project, uri from sqitch.projects",
            "select change_id, script_hash, change, project, note, planned_at, planner_name, planner_email"
                    + " from sqitch.changes order by planned_at",
            "select tag_id, tag, project, change_id, note, planned_at, planner_name, planner_email from sqitch.tags order by tag",
            "select change_id, type, dependency, dependency_id from sqitch.dependencies order by 1, 3",
            "select event, change_id, change, project, note, requires::text, conflicts::text, tags::text, planned_at,"
                    + " planner_name, planner_email from sqitch.events order by committed_at");
    private ServerDatabase database;

    @BeforeEach
    void database() throws SQLException {
        database = ServerDatabase.create("sqitch");
    }

    @AfterEach
    void drop() throws SQLException {
        database.close();
    }

    private void sqitch(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sqitch", "--chdir", PROJECT.toString()));
        command.addAll(List.of(args));
        command.add("db:pg://postgres@127.0.0.1:5432/" + database.name());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SQITCH_USER_CONFIG", "/dev/null"); // the machine's own Sqitch settings stay out
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError("Sqitch is needed for this test: run bash .ci/setup.sh (it installs Debian's sqitch)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }

    private List<List<String>> registry(Connection c) throws SQLException {
        List<List<String>> all = new ArrayList<>();
        for (String sql : ROWS) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(String.valueOf(rs.getObject(i)));
                    }
                    all.add(row);
                }
            }
        }
        return all;
    }

    private record State(List<List<String>> registry, SchemaSnapshot schema) {
    }

    private State sqitchState() throws SQLException {
        try (Connection c = database.connect()) {
            return new State(registry(c), new PostgresDialect("server").snapshot(c, REGISTRY));
        }
    }

    private State rehearsalState(MigrationRehearsal r) throws SQLException {
        try (Connection c = r.database().dataSource().getConnection()) {
            return new State(registry(c), r.schema());
        }
    }

    @Test
    void deployAndRevertLeaveTheSameRegistryAndSchemaAsRehearsal() throws Exception {
        sqitch("deploy", "--verify");
        State deployed = sqitchState();
        sqitch("revert", "-y", "--to", "@v1.0.0-dev1");
        State reverted = sqitchState();
        assertThat(deployed.registry()).hasSizeGreaterThan(8);
        try (MigrationRehearsal r = Histories.rehearse("sqitch")) {
            r.migrateTo("latest");
            State afterDeploy = rehearsalState(r);
            assertThat(afterDeploy.registry()).as("registry after deploy").containsExactlyElementsOf(deployed.registry());
            assertThat(afterDeploy.schema().diff(deployed.schema()).changes()).as("schema after deploy").isEmpty();
            r.migrateTo("@v1.0.0-dev1");
            State afterRevert = rehearsalState(r);
            assertThat(afterRevert.registry()).as("registry after revert").containsExactlyElementsOf(reverted.registry());
            assertThat(afterRevert.schema().diff(reverted.schema()).changes()).as("schema after revert").isEmpty();
        }
    }
}
