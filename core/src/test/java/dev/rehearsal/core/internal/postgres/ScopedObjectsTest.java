package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaObject;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A patched read's snapshot is the last one merged with the scopes read again; it must list exactly what a snapshot
 * sorted anew from everything filed lists, in the same order (objects with one key included), after any sequence
 * of replacements, copies and snapshots.
 */
class ScopedObjectsTest {

    private static final ObjectKind[] KINDS = {ObjectKind.TABLE, ObjectKind.COLUMN, ObjectKind.INDEX,
            ObjectKind.CONSTRAINT, ObjectKind.TRIGGER, ObjectKind.FUNCTION};

    @Test
    void aPatchedSnapshotListsWhatASnapshotSortedAnewLists() {
        Random random = new Random(12);
        for (int run = 0; run < 50; run++) {
            ScopedObjects objects = new ScopedObjects();
            for (int scope = 0; scope < 20; scope++) {
                fill(objects, "c:" + scope, random, 0);
            }
            SchemaSnapshot first = objects.snapshot();
            assertThat(first).isEqualTo(objects.fullSnapshot());
            ScopedObjects branch = null;
            for (int round = 1; round <= 12; round++) {
                ScopedObjects fresh = new ScopedObjects();
                List<String> scopes = new ArrayList<>();
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    String scope = "c:" + random.nextInt(26); // some new, some gone (not in fresh)
                    scopes.add(scope);
                    if (random.nextInt(4) > 0) {
                        fill(fresh, scope, random, round);
                    }
                }
                objects.replace(scopes, fresh);
                if (round == 5) {
                    branch = objects.copy();
                }
                if (random.nextBoolean() || round == 12) {
                    assertThat(objects.snapshot().objects()).as("run %d round %d", run, round)
                            .containsExactlyElementsOf(objects.fullSnapshot().objects());
                }
            }
            branch.replace(List.of("c:3"), new ScopedObjects());
            assertThat(branch.snapshot().objects()).as("a copy patches its own way")
                    .containsExactlyElementsOf(branch.fullSnapshot().objects());
        }
    }

    @Test
    void aScopeReplacedTwiceBeforeASnapshotLosesItsFirstReplacementsObjects() {
        ScopedObjects objects = new ScopedObjects();
        objects.add("c:1", column("t1.a", "v0"));
        objects.add("c:2", column("t2.a", "v0"));
        objects.snapshot();
        for (String version : List.of("v1", "v2")) {
            ScopedObjects fresh = new ScopedObjects();
            fresh.add("c:1", column("t1.a", version));
            objects.replace(Set.of("c:1"), fresh);
        }
        assertThat(objects.snapshot().objects()).extracting(SchemaObject::summary).containsExactly("v2", "v0");
    }

    private static void fill(ScopedObjects objects, String scope, Random random, int round) {
        String table = "t" + scope.substring(2);
        for (int i = 0; i < 1 + random.nextInt(5); i++) {
            ObjectKind kind = KINDS[random.nextInt(KINDS.length)];
            // names repeat across scopes now and then: objects with one key keep their filing order
            String name = random.nextInt(10) == 0 ? "shared" : table + "." + kind.name().toLowerCase() + i;
            objects.add(scope, new SchemaObject(kind, name, table, scope + " round " + round + " #" + i, Map.of()));
        }
    }

    private static SchemaObject column(String name, String summary) {
        return new SchemaObject(ObjectKind.COLUMN, name, name.substring(0, name.indexOf('.')), summary, Map.of());
    }
}
