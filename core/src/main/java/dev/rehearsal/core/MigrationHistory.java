package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Migration;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The ordered migrations of a project: versioned migrations in version order, then repeatable ones.
 * Immutable; sources build it and runners walk it.
 */
@API(status = API.Status.STABLE, since = "0.1")
public record MigrationHistory(String location, List<Migration> versioned, List<Migration> repeatable) {

    public MigrationHistory {
        List<Migration> sorted = new ArrayList<>(versioned);
        sorted.sort(Comparator.comparing(Migration::version));
        versioned = List.copyOf(sorted);
        repeatable = List.copyOf(repeatable);
    }

    /** The versioned migration with that version, if any. */
    public Optional<Migration> find(MigrationVersion version) {
        return versioned.stream().filter(m -> m.version().equals(version)).findFirst();
    }

    /**
     * The versioned migration with that version.
     *
     * @throws RehearsalException naming the versions that exist when there is none
     */
    public Migration require(String version) {
        Optional<Migration> byId = versioned.stream().filter(m -> version.equals(m.id())).findFirst();
        if (byId.isPresent()) {
            return byId.get();
        }
        Optional<Migration> byVersion;
        try {
            byVersion = find(MigrationVersion.parse(version));
        } catch (IllegalArgumentException e) {
            byVersion = Optional.empty();
        }
        return byVersion.orElseThrow(() -> new RehearsalException("No migration with version " + version + " in "
                + location + "; versions found: " + versionList()));
    }

    /** The highest version, if there is any versioned migration. */
    public Optional<MigrationVersion> latest() {
        return versioned.isEmpty() ? Optional.empty() : Optional.of(versioned.get(versioned.size() - 1).version());
    }

    /** Versioned migrations strictly after {@code from} (all when {@code from} is null) up to and including {@code to}. */
    public List<Migration> between(MigrationVersion from, MigrationVersion to) {
        int start = from == null ? 0 : firstAbove(from);
        int end = to == null ? versioned.size() : firstAbove(to);
        return start < end ? versioned.subList(start, end) : List.of();
    }

    /** The migration just before the given one, if any. */
    public Optional<Migration> previous(Migration migration) {
        int i = firstAbove(migration.version()) - 1;
        if (i < 0 || (versioned.get(i) != migration && !versioned.get(i).equals(migration))) {
            i = versioned.indexOf(migration); // not in this history: -1
        }
        return i > 0 ? Optional.of(versioned.get(i - 1)) : Optional.empty();
    }

    /**
     * By binary search over the versions in order, the index of the first versioned migration above {@code version}
     * (the count when there is none): a long history's round trips ask at every phase.
     */
    private int firstAbove(MigrationVersion version) {
        int low = 0;
        int high = versioned.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (versioned.get(mid).version().compareTo(version) <= 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Versions listed whole up to this many; a longer history shows its first and last ones. */
    private static final int LISTED_WHOLE = 12;

    /**
     * The versions, as the tool names them, for a message: every one in a short history; the first three and the last
     * five, and how many there are, in a longer one (the last are the ones a change is about).
     */
    String versionList() {
        List<String> names = versioned.stream().map(m -> m.id() != null ? m.id() : m.version().toString()).toList();
        if (names.isEmpty()) {
            return "none";
        }
        if (names.size() <= LISTED_WHOLE) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, 3)) + ", ..., " + String.join(", ", names.subList(names.size() - 5,
                names.size())) + " (" + names.size() + " in all)";
    }
}
