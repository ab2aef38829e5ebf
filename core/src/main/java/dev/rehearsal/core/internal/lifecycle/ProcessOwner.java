package dev.rehearsal.core.internal.lifecycle;

import org.apiguardian.api.API;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM that owns something Rehearsal leaves outside itself (an embedded server, a throwaway database on a
 * server): its host, process id and start time. A later run reaps what an owner left when that owner is gone; a pid
 * alone is not enough (pids are reused), so the start time must match too. An owner on another host is never
 * judged gone: this machine cannot tell.
 *
 * @param host      the host name
 * @param pid       the JVM's process id
 * @param startedAt the JVM's start, in epoch milliseconds
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record ProcessOwner(String host, long pid, long startedAt) {

    private static final Pattern MARK = Pattern.compile("owner (\\S+) pid (\\d+) started (\\d+)");

    /** This JVM. */
    public static ProcessOwner current() {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessOwner(hostName(), self.pid(), startOf(self).orElse(0L));
    }

    /** {@code owner <host> pid <pid> started <millis>}, the form kept in comments and files. */
    public String mark() {
        return "owner " + host + " pid " + pid + " started " + startedAt;
    }

    /** The owner a mark names, if it names one. */
    public static Optional<ProcessOwner> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = MARK.matcher(text);
        return m.find() ? Optional.of(new ProcessOwner(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))))
                : Optional.empty();
    }

    /** Whether this owner is a process of this host that no longer runs (its pid is free or now another process's). */
    public boolean isGone() {
        if (!host.equals(hostName())) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !Processes.running(process.get())) {
            return true;
        }
        Optional<Long> start = startOf(process.get());
        // start times are read with a clock tick of precision: allow a second either way
        return start.isPresent() && Math.abs(start.get() - startedAt) > 1_000;
    }

    private static Optional<Long> startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("\\s", "_");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
