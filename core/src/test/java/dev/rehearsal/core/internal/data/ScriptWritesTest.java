package dev.rehearsal.core.internal.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptWritesTest {

    @Test
    void readsTheTablesAScriptWritesRowsOf() {
        ScriptWrites w = ScriptWrites.of("""
                -- insert into commented_out values (1);
                insert into settings (name, value) values ('done', 'true');
                INSERT INTO "Audit" SELECT * FROM orders;
                update public.customers c set name = upper(name);
                delete from only sessions where expired;
                truncate table carts;
                copy imports (a, b) from stdin;
                merge into stock s using deliveries d on s.id = d.id when matched then update set qty = s.qty + d.qty;
                do $$ begin insert into public.flags values ('x'); delete from tokens; end $$;
                """);
        assertThat(w.inserts()).containsExactlyInAnyOrder("settings", "Audit", "imports", "stock", "flags");
        assertThat(w.deletes()).containsExactlyInAnyOrder("sessions", "carts", "stock", "tokens");
        assertThat(w.updates()).containsExactlyInAnyOrder("customers", "stock");
        assertThat(w.explainsRowCountChange("settings", 1)).isTrue();
        assertThat(w.explainsRowCountChange("settings", -1)).as("an INSERT explains no lost rows").isFalse();
        assertThat(w.explainsRowCountChange("customers", -3)).as("an UPDATE explains no lost rows").isFalse();
        assertThat(w.explainsRowCountChange("commented_out", 1)).isFalse();
        assertThat(w.explainsRowCountChange("public.tokens", -1)).isTrue();
    }

    /** A catalog name matches the script's name of it, quoted as tools that quote every name write it. */
    @Test
    void quotedNamesMatchTheCatalogsNames() {
        ScriptWrites w = ScriptWrites.of("""
                INSERT INTO "Type" ("name") VALUES ('a');
                INSERT INTO "public"."Status" ("name") VALUES ('b');
                DELETE FROM "public"."Status" WHERE "name" = 'c';
                insert into audit.log values (1);
                """);
        assertThat(w.explainsRowCountChange("Type", 9)).isTrue();
        assertThat(w.explainsRowCountChange("Status", 1)).isTrue();
        assertThat(w.explainsRowCountChange("Status", -1)).isTrue();
        assertThat(w.explainsRowCountChange("audit.log", 1)).isTrue();
        assertThat(w.explainsRowCountChange("Type", -1)).isFalse();
        assertThat(w.explainsRowCountChange("Other", 1)).isFalse();
        assertThat(w.writes("Status")).isTrue();
    }
}
