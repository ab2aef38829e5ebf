package dev.rehearsal.core.locks;

import org.apiguardian.api.API;

/**
 * A probe the lock tracer's watcher cancelled because a migration statement waited for it. With {@code cycle} the
 * probe was itself waiting for the migration: a deadlock, which the server would have broken by killing one of the
 * two, often the migration. In production that probe is an application session, so a cycle is a finding.
 *
 * @param statement index of the migration's waiting statement in the trace
 * @param table     the probed table
 * @param kind      what the probe was doing
 * @param cycle     whether the probe was waiting for the migration too
 * @param count     how many times such a probe was cancelled while that statement ran
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record ProbeCollision(int statement, String table, ProbeResult.Kind kind, boolean cycle, int count) {
}
