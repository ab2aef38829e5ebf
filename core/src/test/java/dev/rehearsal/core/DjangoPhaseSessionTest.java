package dev.rehearsal.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each Django migration and direction runs on sessions as a deploy's {@code manage.py migrate} in a new process has
 * them: nothing an up leaves on its session (a {@code search_path}, a setting, a temporary table, an advisory lock)
 * reaches its down or the next step, and no session is left open between phases. A migration's own psycopg
 * connection to another database is stopped before it connects there. A {@code startproject} project on Django 5.2
 * and psycopg 3, in the current Python stack (the virtualenv .ci/setup.sh builds).
 */
class DjangoPhaseSessionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anUpsSearchPathDoesNotReachItsDown(@TempDir Path dir) throws IOException, InterruptedException {
        Path migrations = DjangoStartProjectTest.startProject(dir, "none");
        Files.writeString(migrations.resolve("0002_billing_invoices.py"), """
                from django.db import migrations

                class Migration(migrations.Migration):
                    dependencies = [("shop", "0001_initial")]
                    operations = [
                        migrations.RunSQL(
                            ["CREATE SCHEMA billing", "SET search_path TO billing, public",
                             "CREATE TABLE invoices (id serial PRIMARY KEY, total numeric NOT NULL)"],
                            reverse_sql=["DROP TABLE invoices", "DROP SCHEMA billing"]),
                    ]
                """);
        try (MigrationRehearsal r = Histories.rehearse(DjangoStartProjectTest.settings(migrations))) {
            RoundTripReport report = r.runRoundTrips();
            StepResult billing = report.steps().get(1);
            assertThat(billing.phase(Phase.UP)).hasValueSatisfying(up ->
                    assertThat(up.status()).as(report.toText()).isEqualTo(Status.PASSED));
            assertThat(billing.phase(Phase.DOWN)).hasValueSatisfying(down -> {
                assertThat(down.status()).as(report.toText()).isEqualTo(Status.FAILED);
                assertThat(down.message()).contains("0002_billing_invoices.py").contains("SQLState:  42P01")
                        .contains("DROP TABLE invoices");
            });
        }
    }

    @Test
    void everyPhaseStartsOnASessionFreeOfWhatTheLastOneLeft(@TempDir Path dir) throws IOException,
            InterruptedException {
        Path migrations = DjangoStartProjectTest.startProject(dir, "none");
        Path log = dir.resolve("sessions.jsonl");
        Files.writeString(migrations.resolve("0002_leaves_session_state.py"), """
                import json
                from django.db import migrations


                def record(schema_editor, phase):
                    with schema_editor.connection.cursor() as cursor:
                        cursor.execute(
                            "select pg_backend_pid(), current_setting('rehearsal_test.mark', true),"
                            " to_regclass('pg_temp.scratch') is not null,"
                            " (select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()),"
                            " current_setting('search_path')")
                        row = cursor.fetchone()
                    with open(%s, "a") as f:
                        f.write(json.dumps({"phase": phase, "backend": row[0], "mark": row[1], "temp_table": row[2],
                                            "advisory_locks": row[3], "search_path": row[4]}) + "\\n")


                def leave_state(schema_editor):
                    with schema_editor.connection.cursor() as cursor:
                        cursor.execute("SET rehearsal_test.mark = 'left'")
                        cursor.execute("SET search_path TO pg_catalog, public")
                        cursor.execute("CREATE TEMP TABLE scratch (id int)")
                        cursor.execute("SELECT pg_advisory_lock(7502)")


                def forwards(apps, schema_editor):
                    record(schema_editor, "up")
                    leave_state(schema_editor)


                def backwards(apps, schema_editor):
                    record(schema_editor, "down")
                    leave_state(schema_editor)


                class Migration(migrations.Migration):
                    dependencies = [("shop", "0001_initial")]
                    operations = [migrations.RunPython(forwards, backwards)]
                """.formatted(JSON.writeValueAsString(log.toString())));

        try (MigrationRehearsal r = Histories.rehearse(DjangoStartProjectTest.settings(migrations))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();

            List<JsonNode> phases = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                phases.add(JSON.readTree(line));
            }
            assertThat(phases).extracting(p -> p.path("phase").asText()).containsSubsequence("up", "down", "up");
            assertThat(phases).as("each phase on a session of its own").extracting(p -> p.path("backend").asInt())
                    .doesNotHaveDuplicates();
            assertThat(phases).allSatisfy(p -> {
                assertThat(p.path("mark").isNull()).as("a setting left: %s", p).isTrue();
                assertThat(p.path("temp_table").asBoolean()).as("a temporary table left: %s", p).isFalse();
                assertThat(p.path("advisory_locks").asInt()).as("an advisory lock left: %s", p).isZero();
                assertThat(p.path("search_path").asText()).as("a search_path left: %s", p)
                        .doesNotStartWith("pg_catalog");
            });
            assertThat(((Number) r.query("select count(*) from pg_stat_activity where datname = current_database()"
                    + " and application_name = 'rehearsal-django'").singleValue().orElseThrow()).longValue())
                    .as("Django sessions open between phases").isZero();
        }
    }

    @Test
    void aMigrationsOwnPsycopgConnectionToAnotherDatabaseIsStoppedBeforeItConnects(@TempDir Path dir)
            throws IOException, InterruptedException, SQLException {
        try (ServerDatabase foreign = ServerDatabase.create("audit")) {
            Path migrations = DjangoStartProjectTest.startProject(dir, "none");
            Files.writeString(migrations.resolve("0002_audit_products.py"), """
                    import psycopg
                    from django.db import migrations


                    def audit(apps, schema_editor):
                        with psycopg.connect("dbname=%s host=127.0.0.1 user=postgres") as connection:
                            connection.execute("create table audit (what text)")
                            connection.execute("insert into audit values ('products audited')")


                    class Migration(migrations.Migration):
                        dependencies = [("shop", "0001_initial")]
                        operations = [migrations.RunPython(audit, migrations.RunPython.noop)]
                    """.formatted(foreign.name()));
            RoundTripReport report;
            try (MigrationRehearsal r = Histories.rehearse(DjangoStartProjectTest.settings(migrations))) {
                report = r.runRoundTrips();
            }
            PhaseResult up = report.steps().get(1).phase(Phase.UP).orElseThrow();
            assertThat(up.status()).as(report.toText()).isEqualTo(Status.FAILED);
            assertThat(up.message()).contains("Django was about to connect to database \"" + foreign.name() + "\"")
                    .contains("Rehearsal stopped Django before it connected there, so nothing ran there")
                    .contains("opened by: psycopg.connect, called at shop/migrations/0002_audit_products.py line 6")
                    .contains("named by: the code that opened the session");
            assertThat(foreign.tables()).isEmpty();
        }
    }
}
