package dev.rehearsal.core;

import dev.rehearsal.core.model.Migration;

import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Objects;

/**
 * A check of the schema each migration's up leaves, run by the round trip beside its own checks: the golden files of
 * the {@code snapshots} module are one. Register it with {@link MigrationRehearsal#checkEachUp(SchemaCheck)}; an
 * outcome with a failure fails the migration's up phase with that message, and its notes go into the report.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@FunctionalInterface
public interface SchemaCheck {

    /**
     * Judges the schema {@code migration} left.
     *
     * @param migration the migration just applied
     * @param schema    the schema after its up, the tool's history table left out
     * @param dialect   the engine's dialect ({@link Dialect#ddl} writes the schema as DDL)
     * @throws dev.rehearsal.core.model.RehearsalException when the check cannot run (a file it needs cannot be read), naming what and why
     */
    Outcome check(Migration migration, SchemaSnapshot schema, Dialect dialect);

    /**
     * What a check found: a failure message (null when the schema passed) and notes for the report (a file written).
     */
    record Outcome(String failure, List<String> notes) {

        public Outcome {
            notes = List.copyOf(notes);
        }

        /** The schema passed, nothing to say. */
        public static Outcome passed() {
            return new Outcome(null, List.of());
        }

        /** The schema passed; the note says something worth knowing (a golden file written). */
        public static Outcome noted(String note) {
            return new Outcome(null, List.of(Objects.requireNonNull(note)));
        }

        /** The schema is wrong; the message names the migration, the file and the difference. */
        public static Outcome failed(String failure) {
            return new Outcome(Objects.requireNonNull(failure), List.of());
        }

        public boolean isFailure() {
            return failure != null;
        }
    }
}
