package dev.rehearsal.samples.flyway;

import dev.rehearsal.core.ApplicationQueries;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.StepResult;
import dev.rehearsal.core.locks.LockRisk;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.QueryRecorder;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expand and contract, checked against the application itself. The shop renames customers.full_name to display_name
 * in three migrations: expand (V6: the new column, kept in sync by a trigger), backfill (V7) and contract (V8: the
 * old column dropped). The application released with V5 reads and writes full_name; its statements, recorded from
 * its own test by {@link QueryRecorder}, are the corpus committed beside the migrations. While it still runs, the
 * expand and the backfill keep it working; the contract breaks it, and says so query by query.
 */
@MigrationTest
class ShopRunningApplicationTest {

    /** The statements of the application released with V5, as QueryRecorder wrote them. */
    static final Path CORPUS = Path.of("src/test/resources/db/queries/released-with-v5.sql");

    /** The application's data access as released with V5. */
    static void placeAndRenameACustomer(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            long id;
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into customers (email, full_name) values (?, ?) returning id")) {
                insert.setString(1, "ann@example.org");
                insert.setString(2, "Ann Lee");
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement rename = c.prepareStatement("update customers set full_name = ? where id = ?")) {
                rename.setString(1, "Ann Lee-Smith");
                rename.setLong(2, id);
                rename.executeUpdate();
            }
            try (PreparedStatement read = c.prepareStatement("select id, email, full_name from customers where id = ?")) {
                read.setLong(1, id);
                try (ResultSet rs = read.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                }
            }
        }
    }

    @Test
    void theCommittedCorpusIsWhatTheApplicationRuns(Rehearsal rehearsal, @TempDir Path dir) throws SQLException {
        rehearsal.migrateTo("5");
        Path recorded = dir.resolve("recorded.sql");

        placeAndRenameACustomer(QueryRecorder.record(rehearsal.dataSource(), recorded));

        assertThat(recorded).hasSameTextualContentAs(CORPUS);
    }

    @Test
    void expandAndBackfillKeepTheApplicationWorkingAndTheContractBreaksIt() {
        RehearsalSettings settings = RehearsalSettings.of("classpath:db/migration")
                .withQueries(ApplicationQueries.of(CORPUS));
        RoundTripReport report;
        try (MigrationRehearsal rehearsal = MigrationRehearsal.start(settings)) {
            report = rehearsal.runRoundTrips();
        }
        assertThat(breaks(report, "V6__expand_customer_display_name.sql")).isEmpty();
        assertThat(breaks(report, "V7__backfill_customer_display_name.sql")).isEmpty();
        List<LockRisk> contract = breaks(report, "V8__contract_customer_full_name.sql");
        assertThat(contract).singleElement().satisfies(risk -> {
            assertThat(risk.reason()).startsWith("breaks 3 of 3 queries of the running application")
                    .contains("select id, email, full_name from customers where id = ? (42703: column \"full_name\" does not exist)");
            assertThat(risk.alternative()).startsWith("contract after every running version stops reading customers.full_name");
        });
    }

    private static List<LockRisk> breaks(RoundTripReport report, String script) {
        StepResult step = report.steps().stream().filter(s -> s.script().equals(script)).findFirst().orElseThrow();
        return step.phases().stream().flatMap(p -> p.locks().risks().stream())
                .filter(r -> r.rule().equals(LockRisk.BREAKS_RUNNING_APP)).toList();
    }
}
