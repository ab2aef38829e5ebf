package dev.rehearsal.core.model;

import org.apiguardian.api.API;

import java.util.Objects;
import java.util.Optional;

/**
 * One migration of a history: a versioned step with an up script and, where the project has one, a down script;
 * or a repeatable script (no version) that the tool re-applies after the versioned ones whenever it changes.
 *
 * @param version     the version; {@code null} only for repeatable migrations
 * @param description the human description taken from the file name ({@code add orders status})
 * @param type        versioned or repeatable
 * @param up          the script that applies the migration
 * @param down        the script that reverts it; {@code null} when the history has none (irreversible)
 * @param checksum    the tool's checksum of the up script, {@code null} where the tool has none
 * @param id          the tool's own name for the migration when it is not a version (an Alembic revision such as
 *                    {@code 27c6a30d7c24}); {@code null} otherwise. The version then only orders the history.
 * @param label       how the tool itself names the migration where that differs from the version and description
 *                    ({@code 000010_create_group_channels} for golang-migrate), for messages and reports only;
 *                    {@code null} otherwise. Golden files and lookups keep using the version or the id.
 */
@API(status = API.Status.STABLE, since = "0.1")
public record Migration(MigrationVersion version, String description, Type type,
                        MigrationScript up, MigrationScript down, Integer checksum, String id, String label) {

    /** A migration named by its version. */
    public Migration(MigrationVersion version, String description, Type type, MigrationScript up, MigrationScript down,
                     Integer checksum) {
        this(version, description, type, up, down, checksum, null, null);
    }

    /** A migration the tool names by an id ({@code 27c6a30d7c24}), or by its version when {@code id} is null. */
    public Migration(MigrationVersion version, String description, Type type, MigrationScript up, MigrationScript down,
                     Integer checksum, String id) {
        this(version, description, type, up, down, checksum, id, null);
    }

    /** The same migration, named in messages and reports as its tool names it. */
    public Migration withLabel(String value) {
        return new Migration(version, description, type, up, down, checksum, id, value);
    }

    /** Whether a migration is an ordered, versioned step or a repeatable script. */
    public enum Type { VERSIONED, REPEATABLE }

    public Migration {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(up, "up");
        Objects.requireNonNull(description, "description");
        if (type == Type.VERSIONED && version == null) {
            throw new IllegalArgumentException("a versioned migration needs a version: " + up.name());
        }
    }

    /** The down script, if the history has one. */
    public Optional<MigrationScript> downScript() {
        return Optional.ofNullable(down);
    }

    /** Whether a down script exists. */
    public boolean reversible() {
        return down != null;
    }

    /**
     * {@code V3 add orders status}, {@code R orders summary view}, {@code 27c6a30d7c24 add email} for a tool that
     * names migrations by id, or the tool's own label ({@code 000010_create_group_channels}): how messages and
     * reports name it.
     */
    public String displayName() {
        if (label != null) {
            return label;
        }
        if (id != null) {
            return id + " " + description;
        }
        return type == Type.VERSIONED ? "V" + version + " " + description : "R " + description;
    }

    @Override
    public String toString() {
        return displayName() + " (" + up.name() + ")";
    }
}
