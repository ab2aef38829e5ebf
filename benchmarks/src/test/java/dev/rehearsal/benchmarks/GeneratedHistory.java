package dev.rehearsal.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * A long, realistic golang-migrate history written to a folder, for speed figures: entities that grow over ten
 * migrations each, covering what the catalog snapshot knows (tables with identity and defaults, columns, comments,
 * indexes, enum types, functions and triggers, views, DO blocks, type changes, NOT VALID checks, renames, backfills,
 * sequences, materialized views). Every down script reverts its up exactly, so a correct rehearsal passes.
 */
final class GeneratedHistory {

    /** Migrations per entity; a history of n migrations has n / STEPS entities (and a partial last one). */
    static final int STEPS = 12;

    private GeneratedHistory() {
    }

    /** Writes {@code migrations} up/down pairs into {@code dir} and returns it. */
    static Path write(Path dir, int migrations) throws IOException {
        return write(dir, migrations, (n, name) -> List.of("%06d_%s.up.sql".formatted(n, name),
                "%06d_%s.down.sql".formatted(n, name)));
    }

    /**
     * Writes the same migrations as {@link #write} into {@code dir} as a Flyway location ({@code V<n>__*.sql} and its
     * undo script {@code U<n>__*.sql}) and returns it.
     */
    static Path writeFlyway(Path dir, int migrations) throws IOException {
        return write(dir, migrations, (n, name) -> List.of("V%d__%s.sql".formatted(n, name), "U%d__%s.sql".formatted(n, name)));
    }

    /** Writes each migration's up and down under the two file names {@code files} gives its number and name. */
    private static Path write(Path dir, int migrations,
                              BiFunction<Integer, String, List<String>> files) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < migrations; i++) {
            int entity = i / STEPS;
            List<String> pair = step(i % STEPS, "e" + entity);
            List<String> names = files.apply(i + 1, String.format(Locale.ROOT, "%s_step_%d", "e" + entity, i % STEPS));
            Files.writeString(dir.resolve(names.get(0)), pair.get(0));
            Files.writeString(dir.resolve(names.get(1)), pair.get(1));
        }
        return dir;
    }

    /** The up and down of one step of an entity's life. */
    private static List<String> step(int step, String t) {
        return switch (step) {
            case 0 -> List.of("""
                    create table %1$s (
                        id bigint generated always as identity primary key,
                        name text not null,
                        created_at timestamptz not null default now(),
                        amount numeric(10,2) default 0
                    );
                    comment on table %1$s is 'entity %1$s';
                    """.formatted(t), "drop table %s;\n".formatted(t));
            case 1 -> List.of("""
                    alter table %1$s add column status text default 'new';
                    comment on column %1$s.status is 'lifecycle state';
                    """.formatted(t), "alter table %s drop column status;\n".formatted(t));
            case 2 -> List.of("create index %1$s_name_idx on %1$s (name);\n".formatted(t),
                    "drop index %s_name_idx;\n".formatted(t));
            case 3 -> List.of("""
                    create type %1$s_kind as enum ('small', 'medium', 'large');
                    alter table %1$s add column kind %1$s_kind;
                    """.formatted(t), """
                    alter table %1$s drop column kind;
                    drop type %1$s_kind;
                    """.formatted(t));
            case 4 -> List.of("""
                    create function %1$s_touch() returns trigger language plpgsql as $$
                    begin
                        new.created_at := now();
                        return new;
                    end
                    $$;
                    create trigger %1$s_touch before update on %1$s for each row execute function %1$s_touch();
                    """.formatted(t), """
                    drop trigger %1$s_touch on %1$s;
                    drop function %1$s_touch();
                    """.formatted(t));
            case 5 -> List.of("create view %1$s_names as select id, name from %1$s;\n".formatted(t),
                    "drop view %s_names;\n".formatted(t));
            case 6 -> List.of("""
                    do $$
                    begin
                        execute 'alter table %1$s add column note text';
                    end
                    $$;
                    """.formatted(t), "alter table %s drop column note;\n".formatted(t));
            case 7 -> List.of("alter table %s alter column amount type numeric(12,2);\n".formatted(t),
                    "alter table %s alter column amount type numeric(10,2);\n".formatted(t));
            case 8 -> List.of("alter table %1$s add constraint %1$s_amount_positive check (amount >= 0) not valid;\n"
                    .formatted(t), "alter table %1$s drop constraint %1$s_amount_positive;\n".formatted(t));
            case 9 -> List.of("""
                    alter table %1$s rename column name to title;
                    update %1$s set status = 'new' where status is null;
                    """.formatted(t), "alter table %s rename column title to name;\n".formatted(t));
            case 10 -> List.of("""
                    create sequence %1$s_ref_seq start 1000;
                    alter table %1$s add column ref bigint default nextval('%1$s_ref_seq');
                    alter sequence %1$s_ref_seq owned by %1$s.ref;
                    """.formatted(t), "alter table %s drop column ref;\n".formatted(t));
            default -> List.of("""
                    create materialized view %1$s_totals as select status, sum(amount) as total from %1$s group by status;
                    create unique index %1$s_totals_status on %1$s_totals (status);
                    """.formatted(t), "drop materialized view %s_totals;\n".formatted(t));
        };
    }
}
