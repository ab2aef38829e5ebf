package dev.rehearsal.core;

import dev.rehearsal.core.internal.postgres.PostgresDialect;
import dev.rehearsal.core.internal.timing.ComponentRecording;
import dev.rehearsal.core.schema.SchemaSnapshot;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Liquibase source checked against Liquibase itself, on the machine's PostgreSQL: the same changelog applied by
 * Liquibase's own {@code update} and {@code rollbackCount} leaves the same schema and the same
 * {@code DATABASECHANGELOG} rows (all but when and in which deployment) as Rehearsal's {@code migrateTo} and its
 * round trips, with contexts and labels, a tag, an include with a repeated id and a MARK_RAN precondition.
 */
class LiquibaseVerificationTest {

    /** Every column Liquibase writes but dateexecuted, orderexecuted and deployment_id, which record when it ran. */
    private static final String ROWS = "select id, author, filename, md5sum, description, comments, exectype, tag,"
            + " liquibase, contexts, labels from databasechangelog order by orderexecuted";
    private ServerDatabase database;

    @BeforeEach
    void database() throws SQLException {
        System.setProperty("liquibase.analytics.enabled", "false");
        database = ServerDatabase.create("liquibase");
    }

    @AfterEach
    void drop() throws SQLException {
        database.close();
    }

    /** Liquibase's own command on the server database, as the team's deployment would run it. */
    private interface Command {
        void run(Liquibase liquibase) throws LiquibaseException;
    }

    private void liquibase(String changelog, Command command) throws Exception {
        Logger.getLogger("liquibase").setLevel(Level.WARNING);
        try (Connection c = database.connect()) {
            Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            Liquibase liquibase = new Liquibase(changelog, new ClassLoaderResourceAccessor(getClass().getClassLoader()), db);
            // its console lines (Running Changeset..., the update summary) to its log, as a CI job would keep them
            Scope.child(Map.of(Scope.Attr.ui.name(), new LoggerUIService(), "liquibase.command.showSummary", "OFF",
                    "liquibase.command.showSummaryOutput", "LOG"), () -> command.run(liquibase));
        }
    }

    /** The rows and the schema as Liquibase left the server database. */
    private State liquibaseState() throws SQLException {
        try (Connection c = database.connect()) {
            List<List<Object>> rows = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(ROWS)) {
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return new State(rows, new PostgresDialect("server").snapshot(c,
                    Set.of("databasechangelog", "databasechangeloglock")));
        }
    }

    private record State(List<List<Object>> rows, SchemaSnapshot schema) {
    }

    private static void assertSame(MigrationRehearsal r, State liquibase, String when) {
        assertThat(r.query(ROWS).rows()).as("DATABASECHANGELOG " + when).containsExactlyElementsOf(liquibase.rows());
        assertThat(r.schema().diff(liquibase.schema()).changes()).as("schema " + when).isEmpty();
    }

    @Test
    void updateAndEachRollbackCountLeaveWhatMigrateToLeaves() throws Exception {
        String changelog = "histories/liquibase-contexts/db.changelog-master.xml";
        Contexts contexts = new Contexts("demo");
        liquibase(changelog, lb -> lb.update(contexts, new LabelExpression()));
        List<State> states = new ArrayList<>();
        states.add(liquibaseState());
        for (int i = 0; i < 6; i++) {
            liquibase(changelog, lb -> lb.rollback(1, null, contexts, new LabelExpression()));
            states.add(liquibaseState());
        }
        assertThat(states.get(0).rows()).hasSize(6);
        assertThat(states.get(6).rows()).isEmpty();

        RehearsalSettings settings = RehearsalSettings.of("classpath:" + changelog);
        settings = settings.withTool(settings.tool().withLiquibaseFilter("demo", ""));
        ComponentRecording recording = ComponentRecording.start();
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            r.migrateTo("latest");
            assertSame(r, states.get(0), "after update");
            for (int i = 1; i <= 6; i++) {
                r.migrateDown();
                assertSame(r, states.get(i), "after rollbackCount " + i);
            }
        } finally {
            // the first move ran Liquibase's update command; every rollback after it ran as one step without it
            assertThat(recording.stop()).containsKey("liquibase.apply").extractingByKey("liquibase.roll-back-step")
                    .extracting(ComponentRecording.Total::calls).isEqualTo(6L);
        }
    }

    @Test
    void roundTripsEndWhereLiquibasesUpdateEnds() throws Exception {
        ComponentRecording recording = ComponentRecording.start();
        for (String changelog : List.of("histories/liquibase-sql/db.changelog.sql", "histories/liquibase-json/changelog.json",
                "histories/liquibase-yaml/changelog.yaml")) {
            liquibase(changelog, lb -> lb.update(new Contexts(), new LabelExpression()));
            State updated = liquibaseState();
            try (MigrationRehearsal r = Histories.rehearse(RehearsalSettings.of("classpath:" + changelog))) {
                RoundTripReport report = r.runRoundTrips();
                assertThat(report.failed()).as(report.toText()).isFalse();
                assertSame(r, updated, "after the round trips of " + changelog);
            }
            drop();
            database();
        }
        // the SQL changelog's second changeset went up, down and up again as single steps, without the commands
        assertThat(recording.stop()).as("steps applied and rolled back without Liquibase's commands")
                .containsKeys("liquibase.apply-step", "liquibase.roll-back-step");
    }
}
