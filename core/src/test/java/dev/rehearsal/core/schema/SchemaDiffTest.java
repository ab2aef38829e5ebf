package dev.rehearsal.core.schema;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparison under every round trip: added, removed, changed, and what is recorded but never compared. */
class SchemaDiffTest {

    private static SchemaObject column(String name, Map<String, String> attributes) {
        return new SchemaObject(ObjectKind.COLUMN, "orders." + name, "orders", "column orders." + name, attributes);
    }

    private static SchemaObject index(String name) {
        return new SchemaObject(ObjectKind.INDEX, "orders." + name, "orders", "index " + name + " ON orders (total)",
                Map.of("definition", "CREATE INDEX " + name + " ON orders (total)"));
    }

    @Test
    void equalSnapshotsGiveAnEmptyDiff() {
        SchemaSnapshot a = new SchemaSnapshot(List.of(column("total", Map.of("type", "numeric")), index("i")));
        SchemaSnapshot b = new SchemaSnapshot(List.of(index("i"), column("total", Map.of("type", "numeric"))));
        assertThat(SchemaDiff.between(a, b).isEmpty()).isTrue();
        assertThat(SchemaDiff.between(a, b)).hasToString("(no differences)");
    }

    @Test
    void addedRemovedAndChangedObjectsAreListedByKindThenName() {
        SchemaSnapshot before = new SchemaSnapshot(List.of(column("total", Map.of("type", "integer", "nullable", "true")),
                column("old", Map.of("type", "text"))));
        SchemaSnapshot after = new SchemaSnapshot(List.of(index("orders_total_idx"),
                column("total", Map.of("type", "bigint", "nullable", "true"))));

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.changes()).extracting(SchemaChange::type).containsExactly(
                SchemaChange.Type.REMOVED, SchemaChange.Type.CHANGED, SchemaChange.Type.ADDED);
        assertThat(diff.changes(SchemaChange.Type.CHANGED)).singleElement()
                .satisfies(c -> assertThat(c.attributeChanges()).containsExactly("type integer -> bigint"));
        assertThat(diff.toString()).isEqualTo("- column orders.old\n~ column orders.total: type integer -> bigint\n"
                + "+ index orders_total_idx ON orders (total)");
    }

    @Test
    void aColumnPutBackAtTheEndIsNoDifference() {
        SchemaSnapshot before = new SchemaSnapshot(List.of(column("note", Map.of("type", "text", "position", "2"))));
        SchemaSnapshot after = new SchemaSnapshot(List.of(column("note", Map.of("type", "text", "position", "5"))));
        assertThat(SchemaDiff.between(before, after).isEmpty()).isTrue();
    }

    @Test
    void attributesAddedOrRemovedAndLongDefinitionsAreDescribed() {
        SchemaObject a = column("status", Map.of("type", "text"));
        SchemaObject b = column("status", Map.of("type", "text", "default", "'new'::text"));
        assertThat(new SchemaChange(SchemaChange.Type.CHANGED, a, b).attributeChanges())
                .containsExactly("default set to 'new'::text");
        assertThat(new SchemaChange(SchemaChange.Type.CHANGED, b, a).attributeChanges())
                .containsExactly("default 'new'::text removed");

        String body = "BEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND";
        SchemaObject f1 = new SchemaObject(ObjectKind.FUNCTION, "touch()", null, "function touch()", Map.of("definition", body));
        SchemaObject f2 = new SchemaObject(ObjectKind.FUNCTION, "touch()", null, "function touch()",
                Map.of("definition", body.replace("RETURN NEW;", "RETURN NULL;")));
        assertThat(new SchemaChange(SchemaChange.Type.CHANGED, f1, f2).attributeChanges())
                .containsExactly("definition differs at line 3: RETURN NEW; -> RETURN NULL;");
    }

    private static SchemaObject function(String definition) {
        return new SchemaObject(ObjectKind.FUNCTION, "touch()", null, "function touch() returns trigger",
                Map.of("definition", definition, "returns", "trigger"));
    }

    private static String plpgsql(String body) {
        return "CREATE OR REPLACE FUNCTION public.touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$" + body
                + "$function$\n";
    }

    private static SchemaDiff routines(String before, String after) {
        return SchemaDiff.between(new SchemaSnapshot(List.of(function(before))), new SchemaSnapshot(List.of(function(after))));
    }

    @Test
    void routinesThatDifferOnlyInCommentsAndWhitespaceAreTheSame() {
        String body = "\nbegin\n    new.updated_at := now();\n    return new;\nend\n";
        String laidOut = "\n  begin\n      -- every update stamps the row\n      new.updated_at   :=   now(); /* as before */\n"
                + "      return new;\n  end;\n";
        assertThat(routines(plpgsql(body), plpgsql(laidOut)).isEmpty()).isTrue();
        // MariaDB's routine_definition is the body alone, with # comments
        assertThat(routines("BEGIN\n  RETURN x + 1;\nEND", "BEGIN\n    # one more\n    RETURN x+1;\nEND").isEmpty()).isTrue();
    }

    @Test
    void routinesWhoseCodeDiffersAreChangedAndTheFirstRealDifferenceIsNamed() {
        String body = "\nbegin\n    -- stamp\n    new.updated_at := now();\n    return new;\nend\n";
        String other = "\n  begin\n\n\n      new.updated_at := clock_timestamp();\n      return new;\n  end\n";
        SchemaDiff diff = routines(plpgsql(body), plpgsql(other));
        assertThat(diff.changes()).singleElement().satisfies(c -> assertThat(c.attributeChanges()).containsExactly(
                "definition differs at line 7 (line 8 after): new.updated_at := now(); -> new.updated_at := clock_timestamp();"));
    }

    @Test
    void literalsKeepTheirTextWhitespaceAndAllAndOtherLanguagesAreComparedAsWritten() {
        String quoted = "\nbegin\n    raise notice '%', 'a  -- b';\n    return new;\nend\n";
        assertThat(routines(plpgsql(quoted), plpgsql(quoted.replace("'a  -- b'", "'a -- b'"))).isEmpty()).isFalse();
        String dynamic = "\nbegin\n    execute $q$select  1$q$;\n    return new;\nend\n";
        assertThat(routines(plpgsql(dynamic), plpgsql(dynamic.replace("select  1", "select 1"))).isEmpty()).isFalse();
        assertThat(routines(plpgsql(quoted), plpgsql(quoted.replace("    raise", "  raise"))).isEmpty()).isTrue();
        String python = "CREATE OR REPLACE FUNCTION public.touch()\n RETURNS trigger\n LANGUAGE plpython3u\nAS $function$\n"
                + "if True:\n    return 'MODIFY'\n$function$\n";
        assertThat(routines(python, python.replace("    return", "  return")).isEmpty()).isFalse();
    }

    @Test
    void factsAreReadTypedAndAMissingOneIsNamed() {
        SchemaObject fk = new SchemaObject(ObjectKind.CONSTRAINT, "orders.orders_customer_fk", "orders",
                "constraint orders_customer_fk", new SchemaFacts().put(SchemaFact.TYPE, "foreign key")
                .list(SchemaFact.COLUMNS, List.of("customer_id", "region")).flag(SchemaFact.VALIDATED, false).asMap());
        assertThat(fk.list(SchemaFact.COLUMNS)).containsExactly("customer_id", "region");
        assertThat(fk.flag(SchemaFact.VALIDATED, true)).isFalse();
        assertThat(fk.flag(SchemaFact.VALID, true)).isTrue();
        assertThat(fk.list(SchemaFact.REFERENCED_COLUMNS)).isEmpty();
        Assertions.assertThatThrownBy(() -> fk.requireFact(SchemaFact.REFERENCED_TABLE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("constraint orders.orders_customer_fk has no \"referenced table\" fact");

        SchemaObject column = column("note", new SchemaFacts().flag(SchemaFact.NULLABLE, false).asMap());
        assertThat(column.attributes()).containsEntry("nullable", "NO");
        assertThat(column.flag(SchemaFact.NULLABLE, true)).isFalse();
    }
    @Test
    void theWalkOverSortedSnapshotsFindsWhatComparingByKeyFinds() {
        Random random = new Random(12);
        ObjectKind[] kinds = {ObjectKind.TABLE, ObjectKind.COLUMN, ObjectKind.INDEX, ObjectKind.FUNCTION};
        for (int round = 0; round < 500; round++) {
            List<SchemaObject> pool = new ArrayList<>();
            for (int k = 0; k < 30; k++) {
                // few names, so that keys repeat within a snapshot; positions are recorded but never compared
                pool.add(new SchemaObject(kinds[random.nextInt(kinds.length)], "o" + random.nextInt(12), null, "object",
                        Map.of("type", "t" + random.nextInt(3), "position", String.valueOf(random.nextInt(3)))));
            }
            // the two snapshots share instances, as a patched read shares the objects it did not read again
            List<SchemaObject> before = pool.stream().filter(o -> random.nextInt(4) > 0).toList();
            List<SchemaObject> after = pool.stream().filter(o -> random.nextInt(4) > 0).toList();
            SchemaSnapshot a = new SchemaSnapshot(before);
            SchemaSnapshot b = new SchemaSnapshot(after);

            assertThat(SchemaDiff.between(a, b).toString()).as("round %d", round).isEqualTo(byKey(a, b).toString());
        }
    }

    /** The plain comparison the walk must agree with: objects by key (the first of a key counts), then sorted. */
    private static SchemaDiff byKey(SchemaSnapshot before, SchemaSnapshot after) {
        Map<String, SchemaObject> old = new LinkedHashMap<>();
        before.objects().forEach(o -> old.putIfAbsent(o.key(), o));
        Map<String, SchemaObject> now = new LinkedHashMap<>();
        after.objects().forEach(o -> now.putIfAbsent(o.key(), o));
        List<SchemaChange> changes = new ArrayList<>();
        old.forEach((key, o) -> {
            SchemaObject n = now.get(key);
            if (n == null) {
                changes.add(new SchemaChange(SchemaChange.Type.REMOVED, o, null));
            } else if (!SchemaDiff.compared(o).equals(SchemaDiff.compared(n))) {
                changes.add(new SchemaChange(SchemaChange.Type.CHANGED, o, n));
            }
        });
        now.forEach((key, n) -> {
            if (!old.containsKey(key)) {
                changes.add(new SchemaChange(SchemaChange.Type.ADDED, null, n));
            }
        });
        changes.sort(Comparator.comparing((SchemaChange c) -> c.object().kind())
                .thenComparing(c -> c.object().name()));
        return new SchemaDiff(changes);
    }
}
