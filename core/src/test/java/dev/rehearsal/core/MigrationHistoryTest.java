package dev.rehearsal.core;

import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;

import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The history's lookups by version, answered by binary search over the versions in order. */
class MigrationHistoryTest {

    private static Migration migration(String version) {
        return new Migration(MigrationVersion.parse(version), "m" + version, Migration.Type.VERSIONED,
                new MigrationScript("V" + version + "__m.sql", "V" + version + "__m.sql", "select " + version), null,
                null);
    }

    private final Migration v1 = migration("1");
    private final Migration v2 = migration("2");
    private final Migration v2p1 = migration("2.1");
    private final Migration v10 = migration("10");
    // given out of order: the history orders them by version (10 after 2.1, not after 1)
    private final MigrationHistory history = new MigrationHistory("test", List.of(v10, v2, v1, v2p1), List.of());

    @Test
    void betweenIsAfterTheFirstVersionUpToAndIncludingTheSecond() {
        assertThat(history.versioned()).containsExactly(v1, v2, v2p1, v10);
        assertThat(history.between(null, null)).containsExactly(v1, v2, v2p1, v10);
        assertThat(history.between(null, MigrationVersion.parse("2"))).containsExactly(v1, v2);
        assertThat(history.between(MigrationVersion.parse("1"), MigrationVersion.parse("2.1"))).containsExactly(v2, v2p1);
        assertThat(history.between(MigrationVersion.parse("2"), null)).containsExactly(v2p1, v10);
        // versions that are not in the history bound the range all the same
        assertThat(history.between(MigrationVersion.parse("1.5"), MigrationVersion.parse("3"))).containsExactly(v2, v2p1);
        assertThat(history.between(MigrationVersion.parse("0"), MigrationVersion.parse("0.5"))).isEmpty();
        assertThat(history.between(MigrationVersion.parse("10"), null)).isEmpty();
        assertThat(history.between(MigrationVersion.parse("2.1"), MigrationVersion.parse("2"))).isEmpty();
    }

    @Test
    void previousIsTheMigrationJustBeforeInVersionOrder() {
        assertThat(history.previous(v1)).isEmpty();
        assertThat(history.previous(v2)).containsSame(v1);
        assertThat(history.previous(v10)).containsSame(v2p1);
        // an equal migration, not the same instance, is found too; one not in the history has none
        assertThat(history.previous(migration("2.1"))).containsSame(v2);
        assertThat(history.previous(migration("3"))).isEmpty();
        assertThat(history.previous(new Migration(MigrationVersion.parse("2"), "other", Migration.Type.VERSIONED,
                v2.up(), null, null))).isEmpty();
    }

    /**
     * A version that is not in the history is named with the versions that are: every one of a short history, and
     * of a long one the first and the last, with their number, so that the message stays one readable line.
     */
    @Test
    void aVersionNotInTheHistoryIsNamedWithTheVersionsThatAre() {
        assertThatThrownBy(() -> history.require("3")).isInstanceOf(RehearsalException.class)
                .hasMessage("No migration with version 3 in test; versions found: 1, 2, 2.1, 10");
        assertThatThrownBy(() -> ofLength(12).require("999")).hasMessageEndingWith("versions found: 1, 2, 3, 4, 5, 6,"
                + " 7, 8, 9, 10, 11, 12");
        assertThatThrownBy(() -> ofLength(13).require("999")).hasMessageEndingWith("versions found: 1, 2, 3, ..., 9,"
                + " 10, 11, 12, 13 (13 in all)");
        assertThatThrownBy(() -> ofLength(301).require("999")).hasMessage("No migration with version 999 in long;"
                + " versions found: 1, 2, 3, ..., 297, 298, 299, 300, 301 (301 in all)");
    }

    private static MigrationHistory ofLength(int migrations) {
        return new MigrationHistory("long", IntStream.rangeClosed(1, migrations).mapToObj(v -> migration(String.valueOf(v)))
                .toList(), List.of());
    }
}
