package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.lifecycle.KeptBases;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A pull request's base copied from one an earlier run kept ({@code rehearsal.only-new.keep-base}). Where the
 * provider keeps bases ({@link KeptBases}) and the released migrations have a key ({@link ReleasedBaseKey}), a run
 * copies the base kept under that key instead of applying them, and a run that finds none applies them and keeps a
 * copy. The copy is a new database made by the server: no session, setting, temporary object or lock of the run that
 * kept it comes along, as none crosses from one deploy to the next.
 */
final class KeptBase {

    private KeptBase() {
    }

    /**
     * Brings the session's database, at {@code from}, to {@code target}, where {@code released} lead: from a kept base,
     * else by the tool's own ups (then kept where it can be). Returns how, with the times, for the report.
     */
    static String reach(DatabaseSession session, MigrationVersion from, MigrationVersion target,
                        List<Migration> released) {
        DatabaseProvider provider = session.provider();
        if (!(provider instanceof KeptBases bases)) {
            return ReleasedBase.applied(session, from, target) + "; not kept: " + provider.describe() + " lasts one"
                    + " run, so bases are kept only on a PostgreSQL server named by rehearsal.jdbc.url";
        }
        if (from != null) {
            return ReleasedBase.applied(session, from, target) + "; not kept: the database was at " + from
                    + " already (a snapshot restored, or a test that migrated first), and a kept base starts from an"
                    + " empty one";
        }
        Optional<String> key;
        try {
            key = ReleasedBaseKey.of(session.source(), released, bases.serverState());
        } catch (RehearsalException e) {
            return ReleasedBase.applied(session, null, target) + "; not kept: " + e.getMessage();
        }
        if (key.isEmpty()) {
            return ReleasedBase.applied(session, null, target) + "; " + ReleasedBaseKey.whyNone(session.source());
        }
        long t0 = System.nanoTime();
        String unusable = "";
        try {
            Optional<EphemeralDatabase> copy = bases.copyOfKept(key.get());
            if (copy.isPresent()) {
                session.restore(session.restorePoint(copy.get(), null));
                return String.format(Locale.ROOT, "copied from %s, the base an earlier run kept of the same released"
                        + " migrations (%d ms)", bases.nameOf(key.get()), (System.nanoTime() - t0) / 1_000_000);
            }
        } catch (RehearsalException e) {
            unusable = "; the kept base could not be copied, so the released migrations were applied: "
                    + e.getMessage();
        }
        String applied = ReleasedBase.applied(session, null, target);
        return applied + unusable + "; " + session.withSessionsClosed((database, reader) -> bases.keep(database,
                key.get()));
    }
}
