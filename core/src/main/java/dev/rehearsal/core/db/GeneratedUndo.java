package dev.rehearsal.core.db;

import org.apiguardian.api.API;

import java.util.List;

/**
 * A down script Rehearsal derived from what an up did to the schema (the catalog before and after it), for a
 * migration that has none. It is only a candidate: the round trip runs it after the up and keeps it only when the
 * schema comes back exactly ({@code verified}); data the up dropped or rewrote cannot come back from a schema.
 *
 * @param sql         the statements, in the order they must run; empty when nothing could be generated
 * @param unsupported why part of the up cannot be undone from the catalog (an enum label added, a renamed column),
 *                    one entry per change; empty when every change has a statement
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record GeneratedUndo(String sql, List<String> unsupported) {

    public GeneratedUndo {
        unsupported = List.copyOf(unsupported);
    }

    /** Nothing generated, for this reason (an engine without a generator). */
    public static GeneratedUndo none(String why) {
        return new GeneratedUndo("", List.of(why));
    }

    /** Whether every change of the up has a statement here. */
    public boolean complete() {
        return unsupported.isEmpty() && !sql.isBlank();
    }
}
