package dev.rehearsal.core.data;

import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seeding failed. Seeding is one transaction, so nothing of it stays in the database; {@link #loadedBeforeFailure()}
 * says what had been loaded (and was rolled back) when it failed, and the message names the table, column or
 * constraint at fault and how to override it.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class SeedException extends RehearsalException {
    private static final long serialVersionUID = 1L;

    private final transient Map<String, Long> loaded;

    public SeedException(String message, Map<String, Long> loadedBeforeFailure, Throwable cause) {
        super(message, cause);
        this.loaded = Collections.unmodifiableMap(new LinkedHashMap<>(loadedBeforeFailure));
    }

    /** Rows per table loaded before the failure; all of them were rolled back. */
    public Map<String, Long> loadedBeforeFailure() {
        return loaded;
    }
}
