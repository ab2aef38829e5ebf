package dev.rehearsal.core.internal.timing;

import jdk.jfr.FlightRecorder;
import org.apiguardian.api.API;

/**
 * Times one piece of a rehearsal's work ({@code tool}, {@code schema.catalog}, {@code locks.begin}...) as a
 * {@link ComponentEvent} once the JDK's Flight Recorder is running, and as nothing before: the first use of an event
 * class sets up the recorder's metadata, about a tenth of a second of a process's start that a run nobody records
 * should not pay (nor count in its first migration's time). A recording started later, by a benchmark or by
 * {@code jcmd JFR.start}, receives the events from then on.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ComponentTiming implements AutoCloseable {

    private static final ComponentTiming NONE = new ComponentTiming(null);

    private final ComponentEvent event;

    private ComponentTiming(ComponentEvent event) {
        this.event = event;
    }

    /** Starts timing {@code component}; closing the returned timing ends it. */
    public static ComponentTiming time(String component) {
        return FlightRecorder.isInitialized() ? new ComponentTiming(ComponentEvent.time(component)) : NONE;
    }

    /**
     * Records {@code nanos} spent on {@code component} outside the JVM, as a helper process measured and reported it.
     */
    public static void reported(String component, long nanos) {
        if (FlightRecorder.isInitialized()) {
            ComponentEvent.reported(component, nanos);
        }
    }

    /** Ends the timing: commits the event where a recording takes it. */
    @Override
    public void close() {
        if (event != null) {
            event.close();
        }
    }
}
