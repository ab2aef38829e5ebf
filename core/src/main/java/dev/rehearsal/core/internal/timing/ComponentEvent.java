package dev.rehearsal.core.internal.timing;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A JDK Flight Recorder event for one piece of a rehearsal's work ({@code tool}, {@code schema.catalog},
 * {@code locks.begin}...), so that the time of a phase can be broken down by component. Code times its work through
 * {@link ComponentTiming}, which touches this class only once the recorder runs: Rehearsal starts no recording itself.
 * The benchmarks record these events ({@link ComponentRecording}); {@code jfr print --events dev.rehearsal.Component}
 * shows them in any recording.
 */
@Name(ComponentEvent.NAME)
@Label("Rehearsal component")
@Category("Rehearsal")
@Description("One piece of a rehearsal's work: the migration tool, a schema read, the lock trace, fingerprints...")
@StackTrace(false)
final class ComponentEvent extends Event implements AutoCloseable {

    /** The event's name in a recording. */
    static final String NAME = "dev.rehearsal.Component";

    @Label("Component")
    String component;

    @Label("Reported nanoseconds")
    @Description("Time measured outside the JVM (a tool's helper process), where the event itself takes none")
    long reportedNanos;

    private ComponentEvent(String component) {
        this.component = component;
    }

    /** Starts timing {@code component}; closing the returned event ends it. */
    static ComponentEvent time(String component) {
        ComponentEvent event = new ComponentEvent(component);
        event.begin();
        return event;
    }

    /**
     * Records {@code nanos} spent on {@code component} outside the JVM, as a helper process measured and reported it
     * (its time is in the event's reportedNanos, not its duration).
     */
    static void reported(String component, long nanos) {
        ComponentEvent event = new ComponentEvent(component);
        if (event.isEnabled()) {
            event.reportedNanos = nanos;
            event.commit();
        }
    }

    /** Ends the timing and commits the event where a recording takes it. */
    @Override
    public void close() {
        commit();
    }
}
