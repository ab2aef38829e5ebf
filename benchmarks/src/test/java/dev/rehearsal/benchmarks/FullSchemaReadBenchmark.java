package dev.rehearsal.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.schema.ObjectKind;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one full read of a large schema costs on the embedded server: the read every schema read is where the DDL log
 * cannot be used (an account that may not create event triggers, {@code rehearsal.schema.patched-reads=false}), and
 * the one that checks the patched view at the end of every plan. The schema: 300 tables of 10 columns with a primary
 * key, an index, a foreign key to the table before, comments on each table and one of its columns, a view on every
 * tenth table and a trigger with its function on every twentieth. Figures go to target/benchmarks.txt and, by name,
 * to target/benchmarks.json.
 */
@EnabledIfSystemProperty(named = "rehearsal.benchmark.all", matches = "true",
        disabledReason = "a profile, not a goal: run with -Drehearsal.benchmark.all=true (keeps CI within its time)")
class FullSchemaReadBenchmark {

    private static final int TABLES = 300;
    private static final int READS = 7;

    @Test
    void fullReadOfALargeSchema() throws Exception {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute(schema());
            }
            SchemaSnapshot first = db.dialect().snapshot(c, Set.of()); // warms the caches and the JIT
            assertThat(first.objects(ObjectKind.TABLE)).hasSize(TABLES);
            List<Long> nanos = new ArrayList<>();
            for (int i = 0; i < READS; i++) {
                long t0 = System.nanoTime();
                SchemaSnapshot again = db.dialect().snapshot(c, Set.of());
                nanos.add(System.nanoTime() - t0);
                assertThat(again.diff(first).isEmpty()).as("a read of an unchanged schema gives the same").isTrue();
            }
            double ms = RoundTripOverheadBenchmark.median(nanos) / 1e6;
            int objects = first.objects().size();
            RoundTripOverheadBenchmark.write(String.format(Locale.ROOT, "full schema read of %d tables (%d objects"
                    + " with columns, constraints, indexes, views, functions and triggers) on the embedded server:"
                    + " %.1f ms (median of %d reads), %.2f ms per 100 objects%n", TABLES, objects, ms, READS,
                    ms * 100 / objects));
            ObjectNode figures = new ObjectMapper().createObjectNode();
            figures.put("full_schema_read_ms", Math.round(ms * 10) / 10.0);
            figures.put("full_schema_read_objects", objects);
            LongHistoryBenchmark.writeJson(figures);
        }
    }

    private static String schema() {
        StringBuilder sql = new StringBuilder();
        for (int i = 1; i <= TABLES; i++) {
            sql.append(String.format(Locale.ROOT, """
                    create table t%1$d (id int primary key, parent int %2$s, name text not null default '',
                      amount numeric(12, 2), created date, flag boolean, note text, qty int, code varchar(20), extra jsonb);
                    create index t%1$d_name on t%1$d (name);
                    comment on table t%1$d is 'table %1$d';
                    comment on column t%1$d.name is 'the name';
                    """, i, i == 1 ? "" : "references t" + (i - 1) + " (id)"));
            if (i % 10 == 0) {
                sql.append(String.format(Locale.ROOT, "create view v%1$d as select id, name from t%1$d where flag;%n", i));
            }
            if (i % 20 == 0) {
                sql.append(String.format(Locale.ROOT, """
                        create function f%1$d() returns trigger language plpgsql as $$ begin new.name := upper(new.name); return new; end $$;
                        create trigger tr%1$d before insert on t%1$d for each row execute function f%1$d();
                        """, i));
            }
        }
        return sql.toString();
    }
}
