package dev.rehearsal.core.internal.tools.flyway;

import dev.rehearsal.core.internal.sql.ForcedFailure;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/** Throws the forced failure after the migration {@code version}'s last statement, inside its transaction. */
record FlywayFailAtEnd(String version) implements Callback {
    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.AFTER_EACH_MIGRATE && context.getMigrationInfo() != null
                && context.getMigrationInfo().getVersion() != null
                && context.getMigrationInfo().getVersion().getVersion().equals(version);
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        throw new IllegalStateException(new ForcedFailure());
    }

    @Override
    public String getCallbackName() {
        return "rehearsal-fail-at-end";
    }
}
