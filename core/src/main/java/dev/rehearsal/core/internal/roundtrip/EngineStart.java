package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.util.function.Supplier;

/**
 * Starts a {@link RehearsalEngine}: its database created while its history is found and read, and on any failure
 * the database dropped and what the source started ended, so that a start that fails leaves nothing behind.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class EngineStart {

    private EngineStart() {
    }

    /**
     * An engine on a fresh database from {@code provider}; if the engine cannot start, the database is dropped and
     * what the source started is ended (Alembic's helper process).
     */
    public static RehearsalEngine start(RehearsalSettings settings, MigrationSource source, DatabaseProvider provider) {
        return start(settings, () -> source, provider);
    }

    /**
     * An engine on a fresh database from {@code provider}, created on a thread of its own while {@code source} finds
     * and reads the history (on a server, creating the database is the longest wait of a run's start); if either
     * fails, the database is dropped before the failure is thrown.
     */
    public static RehearsalEngine start(RehearsalSettings settings, Supplier<MigrationSource> sources,
                                        DatabaseProvider provider) {
        FutureDatabase created = FutureDatabase.create(provider);
        MigrationSource source;
        try {
            source = sources.get();
        } catch (RuntimeException | Error e) {
            created.discard(e);
            throw e;
        }
        EphemeralDatabase database;
        try {
            database = created.get();
        } catch (RuntimeException | Error e) {
            end(source, e);
            throw e;
        }
        try {
            return new RehearsalEngine(settings, source, provider, database);
        } catch (RuntimeException | Error e) {
            database.close();
            end(source, e);
            throw e;
        }
    }

    /** Ends what {@code source} started, adding a failure to end it to {@code failure} (or throwing it). */
    static void end(MigrationSource source, Throwable failure) {
        if (source instanceof AutoCloseable running) {
            try {
                running.close();
            } catch (Exception e) {
                RehearsalException ending = new RehearsalException("Could not end " + source.describe() + ": "
                        + e.getMessage(), e);
                if (failure == null) {
                    throw ending;
                }
                failure.addSuppressed(ending);
            }
        }
    }
}
