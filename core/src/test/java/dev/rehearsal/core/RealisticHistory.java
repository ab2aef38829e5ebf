package dev.rehearsal.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a realistic golang-migrate history of {@code 2 + 10 * entities} migrations, with numbering gaps, as an
 * application's history grows: per entity a table, then an index, an expand/contract rename with a backfill and a
 * marker row, a varchar turned into an enum, a text column turned into jsonb, an id column that points at another
 * table by name only, a foreign key added later, a NOT VALID check validated later, and a view. Every down script
 * is correct, so a seeded round trip must pass with no per-column overrides: what fails is Rehearsal's fault.
 */
final class RealisticHistory {

    private final Path dir;
    private int version;

    private RealisticHistory(Path dir) {
        this.dir = dir;
    }

    static Path write(Path dir, int entities) {
        RealisticHistory h = new RealisticHistory(dir);
        h.base();
        String previous = "users";
        for (int i = 1; i <= entities; i++) {
            String e = "item" + i;
            h.entity(e, previous);
            previous = e + "s";
        }
        return dir;
    }

    private void base() {
        migration("create_users", """
                create table users (
                    id bigserial primary key,
                    email varchar(200) not null unique,
                    display text,
                    created_at timestamptz not null default now()
                );""", "drop table users;");
        migration("create_settings", "create table settings (name text primary key, value text not null);",
                "drop table settings;");
        version += 7; // a gap, as real histories have
    }

    private void entity(String e, String linked) {
        String t = e + "s";
        String link = linked.substring(0, linked.length() - 1) + "_id";
        migration("create_" + t, """
                create table %1$s (
                    id bigserial primary key,
                    name text not null,
                    status varchar(20) not null default 'new',
                    payload text,
                    owner_id bigint,
                    %2$s bigint,
                    created_at timestamptz not null default now()
                );""".formatted(t, link), "drop table " + t + ";");
        migration("index_" + t + "_owner", "create index " + t + "_owner_idx on " + t + " (owner_id);",
                "drop index " + t + "_owner_idx;");
        migration("expand_" + t + "_title", """
                alter table %1$s add column title text;
                create function %1$s_sync_title() returns trigger language plpgsql as $$
                begin new.title := new.name; return new; end $$;
                create trigger %1$s_sync_title before insert or update on %1$s
                    for each row execute function %1$s_sync_title();
                update %1$s set title = name where title is null;""".formatted(t), """
                drop trigger %1$s_sync_title on %1$s;
                drop function %1$s_sync_title();
                alter table %1$s drop column title;""".formatted(t));
        migration("require_" + t + "_title", """
                alter table %1$s alter column title set not null;
                insert into settings (name, value) values ('%1$s_title_backfilled', 'true');""".formatted(t), """
                delete from settings where name = '%1$s_title_backfilled';
                alter table %1$s alter column title drop not null;""".formatted(t));
        migration("contract_" + t + "_name", """
                drop trigger %1$s_sync_title on %1$s;
                drop function %1$s_sync_title();
                alter table %1$s drop column name;""".formatted(t), """
                alter table %1$s add column name text;
                update %1$s set name = title;
                alter table %1$s alter column name set not null;
                create function %1$s_sync_title() returns trigger language plpgsql as $$
                begin new.title := new.name; return new; end $$;
                create trigger %1$s_sync_title before insert or update on %1$s
                    for each row execute function %1$s_sync_title();""".formatted(t));
        migration(t + "_status_enum", """
                create type %1$s_status as enum ('new', 'active', 'archived');
                alter table %1$s alter column status drop default,
                    alter column status type %1$s_status using status::%1$s_status,
                    alter column status set default 'new';""".formatted(t), """
                alter table %1$s alter column status drop default,
                    alter column status type varchar(20) using status::text,
                    alter column status set default 'new';
                drop type %1$s_status;""".formatted(t));
        migration(t + "_payload_jsonb", "alter table " + t + " alter column payload type jsonb using payload::jsonb;",
                "alter table " + t + " alter column payload type text using payload::text;");
        migration(t + "_owner_fk", """
                alter table %1$s add constraint %1$s_owner_fk foreign key (owner_id) references users (id) not valid;
                alter table %1$s validate constraint %1$s_owner_fk;""".formatted(t),
                "alter table " + t + " drop constraint " + t + "_owner_fk;");
        migration(t + "_linked_rows_exist", """
                -- rows point at existing %2$s: the application always wrote them so, and now the database says it
                alter table %1$s add constraint %1$s_%3$s_exists foreign key (%3$s) references %2$s (id) not valid;
                alter table %1$s validate constraint %1$s_%3$s_exists;
                create view %1$s_with_%2$s as select x.id, x.title, l.id as linked from %1$s x join %2$s l on l.id = x.%3$s;"""
                .formatted(t, linked, link), """
                drop view %1$s_with_%2$s;
                alter table %1$s drop constraint %1$s_%3$s_exists;""".formatted(t, linked, link));
        migration(t + "_comment", "comment on table " + t + " is 'the " + e + " of a user';",
                "comment on table " + t + " is null;");
    }

    private void migration(String name, String up, String down) {
        version++;
        String prefix = String.format("%06d_%s", version, name);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(prefix + ".up.sql"), up + "\n");
            Files.writeString(dir.resolve(prefix + ".down.sql"), down + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
