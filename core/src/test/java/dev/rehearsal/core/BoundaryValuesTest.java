package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.data.DataSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded rows hold boundary values by default, so a copy of a varchar(128) column into a varchar(64) one fails in the
 * rehearsal as it fails over production's long values, and the failure says it happened on a boundary value.
 */
class BoundaryValuesTest {

    private static PhaseResult upOfV2(DataSettings data) {
        try (MigrationRehearsal rehearsal = Histories.rehearse(RehearsalSettings.of("classpath:histories/narrowing-copy")
                .withData(data))) {
            RoundTripReport report = rehearsal.runRoundTrips();
            return report.steps().get(1).phases().stream().filter(p -> p.phase() == Phase.UP).findFirst().orElseThrow();
        }
    }

    @Test
    void aNarrowingCopyFailsOnSeededValuesOfTheDeclaredLengthAndSaysSo() {
        PhaseResult up = upOfV2(DataSettings.DEFAULTS.withRoundTripSeeding(100));
        assertThat(up.status()).isEqualTo(Status.FAILED);
        assertThat(up.message()).contains("22001").contains("UPDATE users SET short_handle = handle")
                .containsPattern("It failed over seeded rows that hold boundary values: users.handle: text of exactly 128"
                        + " characters \\(\\d+ rows?\\)")
                .contains("rehearsal.seed.boundaries=false");
    }

    @Test
    void aSeededRunGoesOnOverDataAfterAnUpFailsOverItsRows() {
        try (MigrationRehearsal rehearsal = Histories.rehearse(RehearsalSettings.of("classpath:histories/narrowing-copy")
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(100)))) {
            RoundTripReport report = rehearsal.runRoundTrips();
            assertThat(report.steps().get(1).status()).isEqualTo(Status.FAILED);
            assertThat(report.steps().get(1).phase(Phase.UP).orElseThrow().message())
                    .contains("The rest of the history is still rehearsed over data: a fresh database was built at V2 short"
                            + " handle, which applies over empty tables, and each later step seeds it again.");
            // the later step ran, over seeded rows
            assertThat(report.steps().get(2).status()).as(report.toText()).isEqualTo(Status.PASSED);
            assertThat(report.steps().get(2).rows()).isGreaterThanOrEqualTo(100);
            assertThat(report.toText()).contains("0 skipped or not run")
                    .contains("; the rest of the history is still rehearsed over data");
        }
    }

    @Test
    void withoutBoundaryValuesTheShortGeneratedValuesFitAndTheDefectStaysHidden() {
        assertThat(upOfV2(DataSettings.DEFAULTS.withRoundTripSeeding(100).withBoundaryValues(false)).status())
                .isEqualTo(Status.PASSED);
    }
}
