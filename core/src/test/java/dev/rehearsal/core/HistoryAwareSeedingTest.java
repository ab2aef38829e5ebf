package dev.rehearsal.core;

import dev.rehearsal.core.data.DataSettings;
import dev.rehearsal.core.internal.data.SeedHints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeding that looks ahead in the history: rows seeded at version N must survive what later migrations do to them
 * (casts to jsonb or an enum, foreign keys added later), and id columns that point at a table by name sample its
 * keys, as the application's own rows do.
 */
class HistoryAwareSeedingTest {

    @TempDir
    Path dir;

    private MigrationRehearsal rehearse(int entities, long rows) {
        Path history = RealisticHistory.write(dir.resolve("migrations"), entities);
        return Histories.rehearse(RehearsalSettings.of("filesystem:" + history)
                .withData(DataSettings.DEFAULTS.withRoundTripSeeding(rows)));
    }

    /** The aim: @TableSeed(rows = 200) through a realistic 152-migration history, with no per-column overrides. */
    @Test
    void aRealisticLongHistoryRoundTripsOverSeededRowsWithNoOverrides() {
        try (MigrationRehearsal r = rehearse(15, 200)) {
            assertThat(r.history().versioned()).hasSize(152);
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(r.query("select count(*) from item15s").singleValue().map(v -> ((Number) v).longValue()))
                    .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(200));
        }
    }

    @Test
    void rowsSeededBeforeACastAreValuesTheCastAcceptsAndLinksSampleExistingKeys() {
        try (MigrationRehearsal r = rehearse(2, 0)) {
            r.migrateTo("10"); // item1s exists with payload text and status varchar; item2s not yet
            r.seed(300);
            assertThat(r.query("select count(*) from item1s where payload is not null and not pg_input_is_valid(payload, 'jsonb')")
                    .singleValue()).hasValue(0L);
            assertThat(r.query("select count(distinct status) from item1s where status not in ('new', 'active', 'archived')")
                    .singleValue()).hasValue(0L);
            assertThat(r.query("select count(*) from item1s where owner_id is not null and owner_id not in (select id from users)")
                    .singleValue()).as("a foreign key added later: owner_id holds users' keys").hasValue(0L);
            assertThat(r.query("select count(*) from item1s where user_id is not null and user_id not in (select id from users)")
                    .singleValue()).as("user_id points at users by its name").hasValue(0L);
            r.migrateTo("latest");
        }
    }

    @Test
    void hintsComeFromLaterScriptsOnly() {
        List<String> later = List.of("""
                create type mood as enum ('happy', 'sad');
                alter table posts alter column meta type jsonb using meta::jsonb, alter column mood type mood using mood::mood;
                ALTER TABLE "Posts" ALTER COLUMN views SET DATA TYPE bigint;
                alter table posts add constraint posts_kind_check check (kind in ('a', 'b'));
                alter table comments add constraint comments_post_fk foreign key (postid) references posts (id);""");
        SeedHints hints = SeedHints.fromLaterScripts(later, later);
        assertThat(hints.forColumn("posts", "meta")).contains(new SeedHints.CastsTo("json"));
        assertThat(hints.forColumn("posts", "mood")).contains(new SeedHints.OneOf(List.of("happy", "sad")));
        assertThat(hints.forColumn("Posts", "views")).contains(new SeedHints.CastsTo("integer"));
        assertThat(hints.forColumn("posts", "views")).as("a quoted name keeps its case").isEmpty();
        assertThat(hints.forColumn("posts", "kind")).contains(new SeedHints.OneOf(List.of("a", "b")));
        assertThat(hints.forColumn("comments", "postid")).contains(new SeedHints.References("posts", "id"));
        assertThat(hints.forColumn("posts", "title")).isEmpty();
        assertThat(SeedHints.fromLaterScripts(List.of(), later).size()).isZero();
    }

    @Test
    void hintsReadOncePerScriptAreThoseOfTheLaterScripts() {
        List<String> history = List.of(
                "create type mood as enum ('happy', 'sad'); create table posts (id int, meta text, mood text, kind text);",
                "alter table posts alter column meta type jsonb using meta::jsonb;",
                "alter table posts alter column meta type integer using 0, alter column mood type mood using mood::mood;",
                "-- alter table posts alter column kind type uuid;\nselect 1;",
                "alter table posts add constraint posts_kind_check check (kind in ('a', 'b'));",
                "alter table comments add constraint comments_post_fk foreign key (postid) references posts (id);");
        SeedHints.PerScript perScript = SeedHints.PerScript.of(history);
        for (int first = 0; first <= history.size(); first++) {
            SeedHints expected = SeedHints.fromLaterScripts(history.subList(first, history.size()), history);
            SeedHints actual = perScript.from(first);
            assertThat(actual.size()).as("after %d scripts", first).isEqualTo(expected.size());
            for (String[] column : new String[][]{{"posts", "meta"}, {"posts", "mood"}, {"posts", "kind"},
                    {"comments", "postid"}}) {
                assertThat(actual.forColumn(column[0], column[1])).as("%s.%s after %d scripts", column[0], column[1], first)
                        .isEqualTo(expected.forColumn(column[0], column[1]));
            }
        }
        // the next change wins, and an enum created before the scripts still to come is known
        assertThat(perScript.from(1).forColumn("posts", "meta")).contains(new SeedHints.CastsTo("json"));
        assertThat(perScript.from(2).forColumn("posts", "meta")).contains(new SeedHints.CastsTo("integer"));
        assertThat(perScript.from(2).forColumn("posts", "mood")).contains(new SeedHints.OneOf(List.of("happy", "sad")));
        assertThat(perScript.from(3).forColumn("posts", "kind")).contains(new SeedHints.OneOf(List.of("a", "b")));
        assertThat(perScript.from(history.size()).size()).isZero();
    }

    @Test
    void idColumnsPointAtTablesByName() {
        Set<String> tables = Set.of("posts", "users", "categories", "comments");
        assertThat(SeedHints.linkedTable("comments", "postid", tables)).contains("posts");
        assertThat(SeedHints.linkedTable("comments", "post_id", tables)).contains("posts");
        assertThat(SeedHints.linkedTable("comments", "userId", tables)).contains("users");
        assertThat(SeedHints.linkedTable("posts", "category_id", tables)).contains("categories");
        assertThat(SeedHints.linkedTable("comments", "comment_id", tables)).as("its own table").isEmpty();
        assertThat(SeedHints.linkedTable("comments", "id", tables)).isEmpty();
        assertThat(SeedHints.linkedTable("comments", "paid", tables)).isEmpty();
    }
}
