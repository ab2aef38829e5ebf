package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Migration;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Histories that are code, rehearsed through the tool's own command (issue 14, part 5): Knex 3 from the npm registry
 * (installed by .ci/setup.sh), run one step at a time against the embedded server; and what happens when a command
 * is not found, fails, does nothing or hangs. samples/knex-postgres and samples/django-postgres (Django 3.2 from
 * Debian) show both tools catching a broken down.
 */
class CommandToolTest {

    private static final Path KNEX = Path.of("../.ci/tools/node_modules/.bin/knex").toAbsolutePath().normalize();
    private static final Path KNEX_PROJECT = Path.of("src/test/resources/commands/knex").toAbsolutePath();

    private static RehearsalSettings knex(Path project) {
        if (!Files.isExecutable(KNEX)) {
            throw new AssertionError("Knex is needed for this test: run bash .ci/setup.sh (it installs it into .ci/tools)");
        }
        // the project's own node_modules in a real project; here the Knex that .ci/setup.sh installed
        String knex = "NODE_PATH=" + KNEX.getParent().getParent() + " " + KNEX;
        return commands(project.resolve("migrations"), new CommandSettings("", "", "", null,
                List.of("knex_migrations", "knex_migrations_lock"), project.toString(), null)
                .withCommands(knex + " migrate:up", knex + " migrate:down", knex + " migrate:currentVersion")
                .withCurrentPattern("Current Version: (\\S+)"));
    }

    private static RehearsalSettings commands(Path migrations, CommandSettings command) {
        RehearsalSettings settings = RehearsalSettings.of("filesystem:" + migrations);
        return settings.withTool(settings.tool().withCommand(command));
    }

    /** A shell "tool" for the failure cases: up and current as given, no down, no tables of its own. */
    private static RehearsalSettings shell(Path dir, String up, String current, Duration timeout) throws IOException {
        Files.writeString(dir.resolve("0001_create_things.sh"), "# the history of a tool driven by command\n");
        RehearsalSettings settings = commands(dir, CommandSettings.NONE.withCommands(up, "", current)
                .withDirectory(dir.toString()));
        return settings.withLocks(settings.locks().withMigrationTimeout(timeout));
    }

    @Test
    void knexMigrationsRoundTripThroughKnexsOwnCommands() {
        try (MigrationRehearsal r = Histories.rehearse(knex(KNEX_PROJECT))) {
            assertThat(r.history().versioned()).extracting(Migration::description)
                    .containsExactly("create customers", "create orders", "order status");
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("20240303090000"));
            assertThat(r.query("select name from knex_migrations order by id").column("name")).containsExactly(
                    "20240301090000_create_customers.js", "20240302090000_create_orders.js",
                    "20240303090000_order_status.js");
            assertThat(r.schema().table("knex_migrations")).isEmpty(); // the tool's own tables are left out
            assertThat(r.schema().column("orders", "status")).isPresent();

            r.migrateTo("20240301090000_create_customers"); // a migration's name, as the tool writes it
            assertThat(r.schema().table("orders")).isEmpty();
        }
    }

    /**
     * A knexfile with a URL of its own (the team's development database) instead of DATABASE_URL: the first up
     * changes nothing in the throwaway database, so the rehearsal stops there, naming the database it handed the
     * command; nothing after that first step runs on the other database.
     */
    @Test
    void aCommandWhoseToolReachesAnotherDatabaseIsStoppedAfterItsFirstStep(@TempDir Path dir)
            throws IOException, java.sql.SQLException {
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            Path project = Files.createDirectories(dir.resolve("knex"));
            Files.writeString(project.resolve("knexfile.js"), "module.exports = { client: 'pg', connection: '"
                    + foreign.url() + "', migrations: { directory: './migrations' } };\n");
            Path migrations = Files.createDirectories(project.resolve("migrations"));
            try (var files = Files.list(KNEX_PROJECT.resolve("migrations"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, migrations.resolve(f.getFileName()));
                }
            }
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> {
                try (MigrationRehearsal r = Histories.rehearse(knex(project))) {
                    throw new AssertionError(r.runRoundTrips().toText());
                }
            });
            assertThat(thrown).isNotNull();
            assertThat(thrown.getMessage()).contains("nothing changed in the throwaway database")
                    .contains("the tool reached another database");
            try (java.sql.Connection c = foreign.connect(); java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("select name from knex_migrations")) {
                List<String> applied = new java.util.ArrayList<>();
                while (rs.next()) {
                    applied.add(rs.getString(1));
                }
                assertThat(applied).as("only the first step ran there").containsExactly("20240301090000_create_customers.js");
            }
        }
    }

    /**
     * On MariaDB the command gets the client's variables: a shell "tool" whose migrations are scripts run by the
     * mariadb client, keeping its version in a table of its own.
     */
    @Test
    void aToolOnMariaDbReachesTheThrowawayDatabaseThroughTheClientVariables(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("0001_create_things.sh"), """
                case "$1" in
                  up) sql "create table things (id int primary key, name varchar(40)); create table tool_version (v int);
                           insert into tool_version values (1)" ;;
                  down) sql "drop table things; drop table tool_version" ;;
                esac
                """);
        Files.writeString(dir.resolve("0002_thing_labels.sh"), """
                case "$1" in
                  up) sql "alter table things add column label varchar(20); update tool_version set v = 2" ;;
                  down) sql "alter table things drop column label; update tool_version set v = 1" ;;
                esac
                """);
        String sql = "sql() { mariadb -h\"$MYSQL_HOST\" -P\"$MYSQL_TCP_PORT\" -u\"$MYSQL_USER\" \"$MYSQL_DATABASE\""
                + " -N -e \"$1\"; }; ";
        RehearsalSettings settings = commands(dir, new CommandSettings(
                sql + "set -- up; . \"$REHEARSAL_MIGRATIONS/{next}.sh\"",
                sql + "set -- down; . \"$REHEARSAL_MIGRATIONS/{next}.sh\"",
                sql + "case \"$DATABASE_URL\" in mysql://*) ;; *) echo \"not a MariaDB URL\"; exit 2 ;; esac;"
                        + " sql 'select max(v) from tool_version' 2>/dev/null || echo none",
                null, List.of("tool_version"), dir.toString(), null));
        try (DatabaseProvider mariadb = DatabaseProviders.server("jdbc:mariadb://127.0.0.1:3306/test", "root", "");
             MigrationRehearsal r = MigrationRehearsal.start(settings, mariadb, CommandToolTest.class.getClassLoader())) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("2"));
            assertThat(r.schema().column("things", "label")).isPresent();
            assertThat(r.schema().table("tool_version")).isEmpty();
        }
    }

    @Test
    void aCommandThatIsNotFoundIsNamedWithItsExitCode(@TempDir Path dir) throws IOException {
        try (MigrationRehearsal r = Histories.rehearse(shell(dir, "no-such-migrate-tool up", "echo none",
                Duration.ofSeconds(60)))) {
            assertThatThrownBy(() -> r.migrateTo("1"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("up of migration V0001 create things failed")
                    .hasMessageContaining("0001_create_things.sh (up)")
                    .hasMessageContaining("was not found (exit code 127)")
                    .hasMessageContaining("command:   no-such-migrate-tool up")
                    .hasMessageContaining("no-such-migrate-tool: not found");
        }
    }

    @Test
    void aFailingCommandShowsItsOutputAndExitCode(@TempDir Path dir) throws IOException {
        try (MigrationRehearsal r = Histories.rehearse(shell(dir,
                "echo applying {next} from $REHEARSAL_MIGRATIONS to $DATABASE_URL;"
                        + " echo 'error: relation \"things\" already exists' >&2; exit 3", "echo none",
                Duration.ofSeconds(60)))) {
            String database = r.database().name();
            assertThatThrownBy(() -> r.migrateTo("1"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("exited with code 3")
                    .hasMessageContaining("applying 0001_create_things from " + dir + " to postgres://")
                    .hasMessageContaining("/" + database + "\n")
                    .hasMessageContaining("error: relation \"things\" already exists");
        }
    }

    @Test
    void aCommandThatAppliesNothingFailsTheStep(@TempDir Path dir) throws IOException {
        try (MigrationRehearsal r = Histories.rehearse(shell(dir, "echo Already up to date", "echo 'Current Version: none'",
                Duration.ofSeconds(60)))) {
            assertThatThrownBy(() -> r.migrateTo("1"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("the command succeeded, but afterwards \"echo 'Current Version: none'\" reports"
                            + " no migration applied where version 0001 was expected");
        }
    }

    @Test
    void aVersionThatNamesNoMigrationIsNamed(@TempDir Path dir) throws IOException {
        try (MigrationRehearsal r = Histories.rehearse(shell(dir, "true", "echo 'Current Version: 20990101'",
                Duration.ofSeconds(60)))) {
            assertThatThrownBy(r::currentVersion)
                    .isInstanceOf(RehearsalException.class)
                    .hasMessageContaining("printed \"20990101\" as the current version, which names no migration")
                    .hasMessageContaining("Set rehearsal.command.current-pattern");
        }
    }

    @Test
    void aHangingCommandIsKilledWithEveryProcessItStartedAtTheMigrationTimeout(@TempDir Path dir) throws IOException {
        String marker = "sleep 3" + ProcessHandle.current().pid() % 1000 + "7"; // found again below, in no other process
        try (MigrationRehearsal r = Histories.rehearse(shell(dir, "sh -c '" + marker + "' & " + marker + "; wait",
                "echo none", Duration.ofSeconds(2)))) {
            assertThatThrownBy(() -> r.migrateTo("1"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("did not finish within 2 s (rehearsal.migration-timeout)")
                    .hasMessageContaining("were killed");
        }
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            assertThat(all.filter(p -> p.info().commandLine().orElse("").contains(marker)).toList()).isEmpty();
        }
    }

    @Test
    void misnamedFilesAndMissingCommandsAreNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("0001_create_things.js"), "");
        Files.writeString(dir.resolve("helpers.js"), "");
        assertThatThrownBy(() -> Histories.rehearse(commands(dir, CommandSettings.NONE
                .withCommands("knex migrate:up", "", "knex migrate:currentVersion"))))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("are not named as migrations: helpers.js");
        assertThatThrownBy(() -> Histories.rehearse(commands(dir, CommandSettings.NONE
                .withCommands("knex migrate:up", "", ""))))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("rehearsal.command.current is not set");
    }
}
