package dev.rehearsal.core;

import dev.rehearsal.core.PhaseResult.Phase;
import dev.rehearsal.core.PhaseResult.Status;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rehearsal.only-new.keep-base} on the machine's PostgreSQL server: the first run applies the released
 * migrations and keeps a copy of the base, later runs copy it. The copy must rehearse the new migration exactly as a
 * replayed base does (the differential check here) and find its defect. Each history holds a token of its own, so
 * its key is this run's alone on a server other runs share; the bases a test kept are dropped after it, by name.
 */
class KeptBaseTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final Pattern KEPT = Pattern.compile("(rehearsal_base_[0-9a-f]+)");

    private final List<String> made = new ArrayList<>();
    /** The account runs use; the eviction test makes one of its own. */
    private String account = "postgres";

    @TempDir
    Path dir;

    @AfterEach
    void dropWhatThisTestKept() throws SQLException {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            for (String name : made) {
                st.execute("drop database if exists " + name + " with (force)");
            }
            if (!account.equals("postgres")) {
                st.execute("drop role if exists " + account);
            }
        }
    }

    /** Three released migrations (data, a sequence advanced by it, a type, a view, a function), and a new one. */
    private Path history() throws IOException {
        String token = UUID.randomUUID().toString();
        write("1_accounts", "-- " + token + "\nCREATE TYPE plan AS ENUM ('free', 'paid');\n"
                        + "CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, plan plan NOT NULL"
                        + " DEFAULT 'free');\nCOMMENT ON TABLE accounts IS 'who pays';\n",
                "DROP TABLE accounts;\nDROP TYPE plan;\n");
        write("2_seed", "INSERT INTO accounts (email, plan) VALUES ('a@example.com', 'paid'), ('b@example.com', 'free');\n",
                "DELETE FROM accounts;\n");
        write("3_views", "CREATE VIEW paying AS SELECT id, email FROM accounts WHERE plan = 'paid';\n"
                        + "CREATE FUNCTION paying_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM paying';\n",
                "DROP FUNCTION paying_count();\nDROP VIEW paying;\n");
        // the new migration's down forgets its index: the defect each run must find
        write("4_email_index", "CREATE INDEX accounts_email ON accounts (email);\nALTER TABLE accounts ADD COLUMN"
                + " note text;\n", "ALTER TABLE accounts DROP COLUMN note;\n");
        return dir;
    }

    private void write(String name, String up, String down) throws IOException {
        Files.writeString(dir.resolve(name + ".up.sql"), up);
        Files.writeString(dir.resolve(name + ".down.sql"), down);
    }

    /** One run as the command line makes it: a new provider, the base reached, the new migration rehearsed. */
    private Run run(Path history, boolean keep) {
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, account, null);
             MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + history), provider,
                     getClass().getClassLoader())) {
            NewMigrations judged = NewMigrations.of(r.history(), "3", null, history, Map.of());
            OnlyNew base = OnlyNew.reach(r, judged, keep);
            Matcher kept = KEPT.matcher(base.note());
            if (kept.find()) {
                made.add(kept.group(1));
            }
            SchemaSnapshot schema = r.schema();
            String data = r.query("select id, email, plan::text, nextval('accounts_id_seq'), paying_count()"
                    + " from accounts order by id").toText();
            RoundTripReport report = r.runRoundTrips();
            return new Run(base.note(), schema, data, report);
        }
    }

    /** Only the base reached, with keeping on, over the migrations up to {@code since}: what its note says. */
    private String reach(Path history, String since) {
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, account, null);
             MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + history), provider,
                     getClass().getClassLoader())) {
            String note = OnlyNew.reach(r, NewMigrations.of(r.history(), since, null, history, Map.of()), true).note();
            Matcher kept = KEPT.matcher(note);
            if (kept.find()) {
                made.add(kept.group(1));
            }
            return note;
        }
    }

    private record Run(String note, SchemaSnapshot base, String data, RoundTripReport report) {
        List<String> outcome() {
            return report.steps().stream().flatMap(s -> s.phases().stream()
                    .map(p -> s.migration() + " " + p.phase() + " " + p.status() + " "
                            + (p.message() == null ? "" : p.message().replaceAll("\\d+ ms", "N ms")))).toList();
        }
    }

    @Test
    void aSecondRunCopiesTheBaseTheFirstKeptAndRehearsesTheNewMigrationAsOverAReplayedBase() throws Exception {
        Path history = history();

        Run first = run(history, true);
        Run second = run(history, true);
        Run replayed = run(history, false);

        assertThat(first.note()).contains("applied by the tool's own ups without checks").contains("kept as rehearsal_base_");
        assertThat(second.note()).contains("copied from rehearsal_base_").contains("the base an earlier run kept")
                .doesNotContain("applied by the tool's own ups");
        assertThat(made).hasSize(2).as("one base, kept once and copied once").containsOnly(made.get(0));
        assertThat(replayed.note()).contains("applied by the tool's own ups without checks").doesNotContain("kept");
        try (Connection c = admin(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select"
                + " datallowconn, shobj_description(oid, 'pg_database') from pg_database where datname = '"
                + made.get(0) + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("nobody may connect to a kept base").isFalse();
            assertThat(rs.getString(2)).startsWith("rehearsal kept base, safe to drop; key ");
        }

        assertThat(second.base().toText()).isEqualTo(replayed.base().toText()).contains("paying_count");
        assertThat(second.data()).isEqualTo(replayed.data()).contains("a@example.com").contains("paid");
        assertThat(second.outcome()).isEqualTo(replayed.outcome()).isEqualTo(first.outcome());
        StepResult step = second.report().steps().get(0);
        assertThat(step.migration()).contains("4");
        assertThat(step.phase(Phase.DOWN).orElseThrow().status()).isEqualTo(Status.FAILED);
        assertThat(step.phase(Phase.DOWN).orElseThrow().message()).contains("accounts_email");
        assertThat(second.report().steps()).hasSize(1);
    }

    @Test
    void aBaseIsNeverCopiedForReleasedMigrationsThatChanged() throws Exception {
        Path history = history();
        Run first = run(history, true);
        Files.writeString(history.resolve("3_views.up.sql"), Files.readString(history.resolve("3_views.up.sql"))
                + "CREATE TABLE audit (id int);\n");

        Run edited = run(history, true);

        assertThat(first.note()).contains("kept as");
        assertThat(edited.note()).contains("applied by the tool's own ups").contains("kept as")
                .doesNotContain("copied from");
        assertThat(made).hasSize(2).doesNotHaveDuplicates();
        assertThat(edited.base().table("audit")).isPresent();
    }

    @Test
    void aBaseWhoseReleasedMigrationsSetDatabaseSettingsIsNotKept() throws Exception {
        Path history = history();
        Files.writeString(history.resolve("2_seed.up.sql"), Files.readString(history.resolve("2_seed.up.sql"))
                + "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET statement_timeout = 123456',"
                + " current_database()); END $$;\n");

        Run first = run(history, true);
        Run second = run(history, true);

        assertThat(first.note()).contains("not kept: the released migrations set database settings"
                + " (statement_timeout=123456), which a copy of the database does not take along");
        assertThat(second.note()).contains("applied by the tool's own ups").doesNotContain("copied from");
        assertThat(made).isEmpty();

        // (a comment on the database would also keep none, but it takes Rehearsal's mark off the throwaway database,
        // which is then left on the server as not provably Rehearsal's)
        Map<String, String> lost = Map.of(
                "REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC", "grants on the database",
                "ALTER DATABASE %I CONNECTION LIMIT 50", "a connection limit on the database");
        for (Map.Entry<String, String> statement : lost.entrySet()) {
            Files.writeString(history.resolve("2_seed.up.sql"), "DO $$ BEGIN EXECUTE format('" + statement.getKey()
                    + "', current_database()); END $$;\n");
            assertThat(reach(history, "3")).contains("not kept: the released migrations set " + statement.getValue()
                    + ", which a copy of the database does not take along");
        }
        assertThat(made).isEmpty();
    }

    /**
     * The key takes in how the layout applies a released migration, not only its text: dbmate's
     * {@code transaction:false} on the down line makes the whole migration run outside a transaction, and its up
     * script's text stays the same. It also takes in the account's own settings.
     */
    @Test
    void howALayoutAppliesAMigrationAndTheAccountsSettingsArePartOfTheKey() throws Exception {
        Path history = Files.createDirectories(dir.resolve("dbmate"));
        Path accounts = history.resolve("20240101000000_accounts.sql");
        Files.writeString(accounts, "-- migrate:up\n-- " + UUID.randomUUID() + "\ncreate table accounts (id bigint);\n"
                + "-- migrate:down\ndrop table accounts;\n");
        Files.writeString(history.resolve("20240102000000_notes.sql"), "-- migrate:up\ncreate table notes (id bigint);\n"
                + "-- migrate:down\ndrop table notes;\n");
        try (Connection c = admin(); Statement st = c.createStatement()) {
            account = "rehearsal_kept_" + UUID.randomUUID().toString().substring(0, 8);
            st.execute("create role " + account + " login createdb");
        }

        assertThat(reach(history, "20240101000000")).contains("kept as");
        assertThat(reach(history, "20240101000000")).contains("copied from " + made.get(0));
        Files.writeString(accounts, Files.readString(accounts).replace("-- migrate:down", "-- migrate:down"
                + " transaction:false"));
        assertThat(reach(history, "20240101000000")).contains("kept as").doesNotContain("copied from");
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("alter role " + account + " set work_mem = '5MB'");
        }
        assertThat(reach(history, "20240101000000")).contains("kept as").doesNotContain("copied from");
        assertThat(made).as("kept, copied, kept after the edit, kept after the setting").hasSize(4);
        assertThat(made.get(1)).isEqualTo(made.get(0));
        assertThat(List.of(made.get(0), made.get(2), made.get(3))).doesNotHaveDuplicates();
    }

    /**
     * Each account keeps at most 5 bases: a sixth drops its least recently used, never a base of another account nor
     * a database with a kept base's name but not its mark. The runs here use an account of their own, so that other
     * runs on the server neither lose their bases to this test nor change what it drops.
     */
    @Test
    void anAccountsOldestBaseIsDroppedButNeverAnotherAccountsNorADatabaseWithoutTheMark() throws Exception {
        Run others = run(history(), true);
        assertThat(others.note()).contains("kept as");
        String decoy = "rehearsal_base_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("create database " + decoy);
            account = "rehearsal_kept_" + UUID.randomUUID().toString().substring(0, 8);
            st.execute("create role " + account + " login createdb");
        }
        made.add(decoy);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            notes.add(run(history(), true).note());
        }
        assertThat(notes).allMatch(n -> n.contains("kept as"));
        assertThat(notes.subList(0, 5)).noneMatch(n -> n.contains("dropped"));
        assertThat(notes.get(5)).contains("kept as " + made.get(7) + " for later runs").contains("and dropped the"
                + " least recently used, as an account keeps at most 5: " + made.get(2) + "; rehearsing");
        assertThat(databases()).contains(decoy, made.get(0)).doesNotContain(made.get(2)).contains(made.get(7));
    }

    /**
     * A database under the very name a base would be kept in, made by someone else, is neither copied nor dropped,
     * nor is one whose comment names another key (eviction drops a base only under its own key's name): the run
     * applies the released migrations and says what to do.
     */
    @Test
    void aDatabaseUnderABasesNameThatRehearsalDidNotKeepIsLeftAlone() throws Exception {
        Path history = history();
        run(history, true);
        String name = made.get(0);
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("drop database " + name);
            st.execute("create database " + name);
        }

        Run unmarked = run(history, true);
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("comment on database " + name + " is 'rehearsal kept base, safe to drop; key 0123abcd; used 1'");
        }
        Run otherKey = run(history, true);

        for (Run run : List.of(unmarked, otherKey)) {
            assertThat(run.note()).contains("applied by the tool's own ups").doesNotContain("copied from")
                    .contains("not kept: a database Rehearsal did not keep is named " + name + "; drop or rename it");
            assertThat(run.outcome()).isEqualTo(unmarked.outcome());
        }
        assertThat(databases()).contains(name);
    }

    @Test
    void aServerThatLastsOneRunOrAToolThatRunsCodeKeepsNoBase() throws Exception {
        Path history = history();
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, "postgres", null);
             MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + history), provider,
                     getClass().getClassLoader())) {
            r.migrateTo("1");
            String note = OnlyNew.reach(r, NewMigrations.of(r.history(), "3", null, history, Map.of()), true).note();
            assertThat(note).contains("applied by the tool's own ups").contains("not kept: the database was at 1"
                    + " already").doesNotContain("rehearsal_base_");
        }
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + history),
                DatabaseProviders.embeddedPostgres(), getClass().getClassLoader())) {
            String note = OnlyNew.reach(r, NewMigrations.of(r.history(), "3", null, history, Map.of()), true).note();
            assertThat(note).contains("applied by the tool's own ups").contains("lasts one run, so bases are kept only"
                    + " on a PostgreSQL server named by rehearsal.jdbc.url");
        }
        Path flyway = Files.createDirectories(dir.resolve("flyway"));
        Files.writeString(flyway.resolve("V1__a.sql"), "CREATE TABLE a (id int);\n");
        Files.writeString(flyway.resolve("V2__b.sql"), "CREATE TABLE b (id int);\n");
        try (DatabaseProvider provider = DatabaseProviders.postgresServer(URL, "postgres", null);
             MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + flyway), provider,
                     getClass().getClassLoader())) {
            String note = OnlyNew.reach(r, NewMigrations.of(r.history(), "1", null, flyway, Map.of()), true).note();
            assertThat(note).contains("applied by the tool's own ups").contains("not kept: ")
                    .contains("a base is kept only for histories of plain SQL files");
        }
    }

    private static List<String> databases() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = admin(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select datname from pg_database")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(URL, "postgres", "");
    }
}
