package com.example.demo;

import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.junit.MigrationTest;
import dev.rehearsal.junit.Rehearsal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A down script that forgets the index its up created is named, with the script to fix. */
@MigrationTest(migrations = "classpath:db/planted")
class PlantedDefectTest {

    @Test
    void aDownScriptThatForgetsAnIndexIsNamed(Rehearsal rehearsal) {
        RoundTripReport report = rehearsal.runRoundTrips();
        assertThat(report.failed()).isTrue();
        assertThat(report.toText()).contains("customers_created_idx").contains("U2__customers_by_date.sql");
    }
}
