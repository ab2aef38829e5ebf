package dev.rehearsal.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A golang-migrate history as heavy as a real one: groups of eight migrations, five of which create a table (with a
 * foreign key to the previous one, an index, a comment and rows), each also changing the tables before it with 3 to 6
 * statements in all: added columns with backfills, enum types, DO blocks, functions and triggers, views, a type change
 * with a CHECK added {@code NOT VALID} then validated, a rename, and one migration in eight a {@code CREATE INDEX
 * CONCURRENTLY}, which runs outside a transaction. 160 migrations end with 100 tables. Every down script reverts its
 * up exactly, so a correct rehearsal passes.
 */
final class HeavyHistory {

    /** Migrations per group; five of them create a table. */
    static final int GROUP = 8;
    private static final int TABLES_PER_GROUP = 5;
    private static final int ROWS = 20;

    private HeavyHistory() {
    }

    /** Writes {@code migrations} up/down pairs into {@code dir} as golang-migrate files and returns it. */
    static Path write(Path dir, int migrations) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < migrations; i++) {
            List<String> pair = migration(i);
            String name = String.format(Locale.ROOT, "%06d_heavy_%d", i + 1, i % GROUP);
            Files.writeString(dir.resolve(name + ".up.sql"), pair.get(0));
            Files.writeString(dir.resolve(name + ".down.sql"), pair.get(1));
        }
        return dir;
    }

    /** The up and down of migration {@code i} (0-based). */
    private static List<String> migration(int i) {
        int g = i / GROUP;
        int first = g * TABLES_PER_GROUP; // the group's first table
        return switch (i % GROUP) {
            case 0 -> List.of(createTable(first), "drop table t%d;\n".formatted(first));
            case 1 -> List.of(createTable(first + 1) + """
                    alter table t%1$d add column status_%2$d text;
                    update t%1$d set status_%2$d = case when amount > 10 then 'large' else 'small' end;
                    alter table t%1$d alter column status_%2$d set default 'small';
                    """.formatted(first, i), """
                    alter table t%1$d drop column status_%2$d;
                    drop table t%3$d;
                    """.formatted(first, i, first + 1));
            case 2 -> List.of(createTable(first + 2) + """
                    create type kind_%2$d as enum ('small', 'medium', 'large');
                    alter table t%1$d add column kind_%2$d kind_%2$d;
                    update t%1$d set kind_%2$d = case when amount between 5 and 15 then 'medium'::kind_%2$d else 'small' end;
                    """.formatted(first + 1, i), """
                    alter table t%1$d drop column kind_%2$d;
                    drop type kind_%2$d;
                    drop table t%3$d;
                    """.formatted(first + 1, i, first + 2));
            case 3 -> List.of(createTable(first + 3) + """
                    do $$
                    begin
                        if not exists (select 1 from information_schema.columns
                                       where table_name = 't%1$d' and column_name = 'note_%2$d') then
                            execute 'alter table t%1$d add column note_%2$d text';
                        end if;
                    end
                    $$;
                    create function touch_%2$d() returns trigger language plpgsql as $f$
                    begin
                        new.created_at := now();
                        return new;
                    end
                    $f$;
                    create trigger touch_%2$d before update on t%1$d for each row execute function touch_%2$d();
                    """.formatted(first + 2, i), """
                    drop trigger touch_%2$d on t%1$d;
                    drop function touch_%2$d();
                    alter table t%1$d drop column note_%2$d;
                    drop table t%3$d;
                    """.formatted(first + 2, i, first + 3));
            case 4 -> List.of("""
                    alter table t%1$d alter column amount type numeric(14,2);
                    alter table t%1$d add constraint amount_positive_%2$d check (amount >= 0) not valid;
                    alter table t%1$d validate constraint amount_positive_%2$d;
                    """.formatted(first + 3, i), """
                    alter table t%1$d drop constraint amount_positive_%2$d;
                    alter table t%1$d alter column amount type numeric(10,2);
                    """.formatted(first + 3, i));
            case 5 -> List.of(createTable(first + 4) + """
                    create view v_%2$d as
                        select c.id, c.name, p.name as parent_name from t%1$d c join t%3$d p on p.id = c.parent_id;
                    """.formatted(first + 4, i, first + 3), """
                    drop view v_%2$d;
                    drop table t%1$d;
                    """.formatted(first + 4, i));
            case 6 -> List.of("""
                    alter table t%1$d rename column status_%2$d to state_%2$d;
                    alter table t%1$d add column label_%3$d text;
                    update t%1$d set label_%3$d = upper(name);
                    create index label_%3$d_idx on t%1$d (label_%3$d);
                    """.formatted(first, i - 5, i), """
                    drop index label_%3$d_idx;
                    alter table t%1$d drop column label_%3$d;
                    alter table t%1$d rename column state_%2$d to status_%2$d;
                    """.formatted(first, i - 5, i));
            default -> List.of("create index concurrently created_%2$d_idx on t%1$d (created_at);\n"
                    .formatted(first + 1, i), "drop index concurrently created_%d_idx;\n".formatted(i));
        };
    }

    /** A table with a foreign key to the one before it, an index on that key, a comment and rows. */
    private static String createTable(int t) {
        String parent = t == 0 ? "" : ",\n    parent_id bigint references t%d (id)".formatted(t - 1);
        String index = t == 0 ? "" : "create index t%1$d_parent_idx on t%1$d (parent_id);\n".formatted(t);
        return """
                create table t%1$d (
                    id bigint generated always as identity primary key,
                    name text not null,
                    amount numeric(10,2) not null default 0,
                    created_at timestamptz not null default now()%2$s
                );
                %3$scomment on table t%1$d is 'table %1$d';
                insert into t%1$d (name, amount) select 'row ' || g, g from generate_series(1, %4$d) g;
                """.formatted(t, parent, index, ROWS);
    }
}
