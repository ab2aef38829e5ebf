package dev.rehearsal.core.internal.timing;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Flight Recorder recording of {@link ComponentEvent}s only, for the benchmarks and tests that break a rehearsal's
 * time down by component. Nothing in Rehearsal starts one; the caller that does stops it.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ComponentRecording implements AutoCloseable {

    /** Total time and number of events of one component. */
    public record Total(long nanos, long calls) {
    }

    private final Recording recording;

    private ComponentRecording(Recording recording) {
        this.recording = recording;
    }

    /** Starts recording every {@link ComponentEvent}, however short. */
    public static ComponentRecording start() {
        Recording recording = new Recording();
        recording.enable(ComponentEvent.NAME).withThreshold(Duration.ZERO);
        recording.setToDisk(true);
        recording.start();
        return new ComponentRecording(recording);
    }

    /** Stops the recording and returns the totals by component, sorted by name. */
    public Map<String, Total> stop() {
        Map<String, long[]> sums = new TreeMap<>();
        try {
            recording.stop();
            Path file = Files.createTempFile("rehearsal-components", ".jfr");
            try {
                recording.dump(file);
                for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                    if (event.getEventType().getName().equals(ComponentEvent.NAME)) {
                        long[] sum = sums.computeIfAbsent(event.getString("component"), k -> new long[2]);
                        long reported = event.hasField("reportedNanos") ? event.getLong("reportedNanos") : 0;
                        sum[0] += reported > 0 ? reported : event.getDuration().toNanos();
                        sum[1]++;
                    }
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the recording of Rehearsal's components", e);
        } finally {
            recording.close();
        }
        Map<String, Total> totals = new TreeMap<>();
        sums.forEach((k, v) -> totals.put(k, new Total(v[0], v[1])));
        return totals;
    }

    /** Stops the recording without reading it (where {@link #stop()} was not reached). */
    @Override
    public void close() {
        recording.close();
    }
}
