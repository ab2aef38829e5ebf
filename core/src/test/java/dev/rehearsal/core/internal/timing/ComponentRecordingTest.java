package dev.rehearsal.core.internal.timing;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ComponentRecordingTest {

    @Test
    void recordsEachComponentsTimeAndCallsOnlyWhileARecordingRuns() throws Exception {
        try (ComponentTiming ignored = ComponentTiming.time("before")) {
            Thread.sleep(1);
        }
        ComponentRecording recording = ComponentRecording.start();
        for (int i = 0; i < 3; i++) {
            try (ComponentTiming ignored = ComponentTiming.time("tool")) {
                Thread.sleep(2);
            }
        }
        try (ComponentTiming ignored = ComponentTiming.time("schema.catalog")) {
            Thread.sleep(1);
        }
        Map<String, ComponentRecording.Total> totals = recording.stop();
        assertThat(totals).containsOnlyKeys("tool", "schema.catalog");
        assertThat(totals.get("tool").calls()).isEqualTo(3);
        assertThat(totals.get("tool").nanos()).isGreaterThanOrEqualTo(6_000_000L);
        assertThat(totals.get("schema.catalog").calls()).isEqualTo(1);
    }
}
