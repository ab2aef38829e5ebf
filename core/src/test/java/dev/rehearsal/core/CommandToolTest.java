package dev.rehearsal.core;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.Migration;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.tools.command.CommandSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Histories that are code, rehearsed through the tool's own command (issue 14, part 5): Knex 3 from the npm registry
 * (installed by .ci/setup.sh), run one step at a time against the embedded server; and what happens when a command
 * is not found, fails, does nothing or hangs. samples/knex-postgres and samples/django-postgres (Django 3.2 from
 * Debian) show both tools catching a broken down. A command whose tool uses a database of its own configuration is
 * stopped before any migration runs there, and every command sees only the throwaway database in its environment.
 */
class CommandToolTest {

    private static final Path KNEX = Path.of("../.ci/tools/node_modules/.bin/knex").toAbsolutePath().normalize();
    private static final Path KNEX_PROJECT = Path.of("src/test/resources/commands/knex").toAbsolutePath();
    /** A current command that connects to the database it is handed and reports nothing applied. */
    private static final String NONE_APPLIED = "psql \"$DATABASE_URL\" -X -v ON_ERROR_STOP=1 -tAc \"select 'none'\"";
    /**
     * The commands of a shell "tool" whose migrations are scripts run by psql on {@code $DB}, keeping its version in a
     * table of its own; {@code tool.conf} in the folder the commands run in says which database {@code DB} is.
     */
    private static final String PSQL_TOOL = ". ./tool.conf;"
            + " sql() { psql \"$DB\" -X -q -v ON_ERROR_STOP=1 -tA -c \"$1\"; }; ";
    private static final String PSQL_TOOL_CURRENT = PSQL_TOOL + "t=$(sql \"select to_regclass('tool_version') is not"
            + " null\") || exit 1; if [ \"$t\" = t ]; then sql 'select max(v) from tool_version'; else echo none; fi";

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

    /** {@code settings} with the tools' processes kept to the throwaway database this way. */
    private static RehearsalSettings contained(RehearsalSettings settings, String containment) {
        return settings.withTool(settings.tool().withContainment(containment));
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
     * A knexfile with a URL of its own (the team's development database, at head) instead of DATABASE_URL: Knex
     * reports that database's version where the throwaway database is empty, so the rehearsal stops before anything
     * runs, naming the variables the command was handed; the other database holds exactly what it held.
     */
    @ParameterizedTest(name = "rehearsal.containment={0}")
    @ValueSource(strings = {"network", "guard"})
    void aKnexfileNamingADatabaseAtHeadIsStoppedBeforeAnythingRunsThere(String containment, @TempDir Path dir)
            throws Exception {
        ContainedProcessTest.whereContained(containment);
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            Path project = knexProjectReaching(foreign, dir);
            Process latest = new ProcessBuilder("sh", "-c", "NODE_PATH=" + KNEX.getParent().getParent() + " " + KNEX
                    + " migrate:latest").directory(project.toFile()).redirectErrorStream(true).start();
            String output = new String(latest.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(latest.waitFor()).as(output).isZero();
            List<String> before = contents(foreign);
            assertThat(before).anyMatch(line -> line.startsWith("knex_migrations row:")
                    && line.contains("20240303090000_order_status.js"));

            Throwable thrown = rehearsed(contained(knex(project), containment));

            if (containment.equals("network")) { // the other server is out of the command's reach
                assertThat(thrown.getMessage()).contains("Could not read the current migration version")
                        .contains("ECONNREFUSED 127.0.0.1:5432").contains("It ran contained");
            } else {
                assertThat(thrown.getMessage())
                        .contains("reports version 20240303090000 applied, but the throwaway database")
                        .contains("is empty: the command is not using the database it was handed (DATABASE_URL="
                                + "postgres://")
                        .contains("Rehearsal stopped before running any migration");
            }
            assertThat(thrown.getMessage()).doesNotContain("no migrations to rehearse");
            assertThat(contents(foreign)).as("the other database is left exactly as it was").isEqualTo(before);
        }
    }

    /**
     * The same knexfile naming an empty database: its current version is none, as the throwaway database's would be,
     * so Rehearsal hands the current command a database that does not exist; Knex reads its own all the same, and
     * the rehearsal stops before the first up. Knex's own currentVersion makes its bookkeeping tables wherever it
     * reads (as it does on any database); no migration ran there.
     */
    @ParameterizedTest(name = "rehearsal.containment={0}")
    @ValueSource(strings = {"network", "guard"})
    void aKnexfileNamingAnEmptyDatabaseIsStoppedBeforeAnyMigrationRunsThere(String containment, @TempDir Path dir)
            throws Exception {
        ContainedProcessTest.whereContained(containment);
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            Path project = knexProjectReaching(foreign, dir);

            Throwable thrown = rehearsed(contained(knex(project), containment));

            if (containment.equals("network")) { // contained: Knex never reaches it, not even for its bookkeeping
                assertThat(thrown.getMessage()).contains("ECONNREFUSED 127.0.0.1:5432").contains("It ran contained");
                assertThat(foreign.tables()).as("nothing reached it").isEmpty();
            } else {
                assertThat(thrown.getMessage()).contains("a database that does not exist")
                        .contains("it succeeded all the same: the command is not using the database it was handed")
                        .contains("Rehearsal stopped before running any migration");
                assertThat(foreign.tables()).as("no migration ran there").containsExactly("knex_migrations",
                        "knex_migrations_lock");
            }
            assertThat(contents(foreign)).noneMatch(line -> line.startsWith("knex_migrations row:"));
        }
    }

    /**
     * A tool whose own configuration file names another database, empty and at head: either way the rehearsal stops
     * before anything runs, and that database is left exactly as it was.
     */
    @ParameterizedTest(name = "rehearsal.containment={0}")
    @ValueSource(strings = {"network", "guard"})
    void aCommandWhoseConfigurationNamesAnotherDatabaseIsStoppedBeforeAnythingRunsThere(String containment,
                                                                                     @TempDir Path dir)
            throws Exception {
        ContainedProcessTest.whereContained(containment);
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            RehearsalSettings settings = contained(psqlTool(dir, "DB=" + foreign.url()), containment);
            for (boolean atHead : List.of(false, true)) {
                if (atHead) {
                    try (Connection c = foreign.connect(); Statement st = c.createStatement()) {
                        st.execute("create table things (id int primary key, name varchar(40), label varchar(20));"
                                + " create table tool_version (v int); insert into tool_version values (2)");
                    }
                }
                List<String> before = contents(foreign);

                Throwable thrown = rehearsed(settings);

                if (containment.equals("network")) {
                    assertThat(thrown.getMessage()).as("at head: %s", atHead)
                            .contains("Could not read the current migration version")
                            .contains("port 5432 failed: Connection refused").contains("It ran contained");
                } else {
                    assertThat(thrown.getMessage()).as("at head: %s", atHead)
                            .containsPattern(atHead ? "reports version 0*2 applied, but the throwaway database"
                                    : "a database that does not exist")
                            .contains("the command is not using the database it was handed")
                            .containsPattern("PGDATABASE=rehearsal_")
                            .contains("Rehearsal stopped before running any migration");
                }
                assertThat(contents(foreign)).as("at head: %s: the other database is left exactly as it was", atHead)
                        .isEqualTo(before);
            }
        }
    }

    /**
     * A migration whose up writes to the throwaway database and also, through psql of its own, to another database of
     * the same server: contained, that session is refused before the server sees it, the step fails naming the
     * database, and the other database holds nothing; guarded only, the write lands there (the namespace is what
     * stops it: a command has no driver guard).
     */
    @ParameterizedTest(name = "rehearsal.containment={0}")
    @ValueSource(strings = {"network", "guard"})
    void aMigrationsOwnSessionOnAnotherDatabaseOfTheServerIsRefusedAndNamed(String containment, @TempDir Path dir)
            throws Exception {
        ContainedProcessTest.whereContained(containment);
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            RehearsalSettings settings = contained(psqlTool(dir, "DB=\"$DATABASE_URL\""), containment);
            Files.writeString(Path.of(settings.migrations().substring("filesystem:".length()))
                    .resolve("0002_thing_labels.sh"), """
                    case "$1" in
                      up) sql "alter table things add column label varchar(20); update tool_version set v = 2"
                          psql "host=127.0.0.1 port=5432 dbname=%s user=postgres" -X -q -c \
                              "create table if not exists audit (what text); insert into audit values ('labels')" ;;
                      down) sql "alter table things drop column label; update tool_version set v = 1" ;;
                    esac
                    """.formatted(foreign.name()));
            RoundTripReport report;
            try (MigrationRehearsal r = MigrationRehearsal.start(settings, DatabaseProviders.server(
                    "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", null),
                    CommandToolTest.class.getClassLoader())) {
                report = r.runRoundTrips();
            }

            if (containment.equals("network")) {
                assertThat(report.failed()).as(report.toText()).isTrue();
                assertThat(report.toText()).contains("asked for a session on another database than the throwaway"
                        + " one Rehearsal made: database \"" + foreign.name() + "\" as user \"postgres\"")
                        .contains("refused before it reached the server");
                assertThat(foreign.tables()).as("nothing reached the other database").isEmpty();
            } else {
                assertThat(foreign.tables()).as("guarded only, the command's own session lands")
                        .containsExactly("audit");
            }
        }
    }

    /** A tool whose configuration reads a variable of its own, mapped to the throwaway database: rehearsed. */
    @Test
    void aVariableTheSettingsMapNamesTheThrowawayDatabase(@TempDir Path dir) throws IOException {
        // without the mapping the variable is unset, and the tool fails rather than fall back on PGDATABASE
        RehearsalSettings settings = psqlTool(dir, "DB=\"${TEAM_DATABASE_URL:?not mapped}\"");
        settings = settings.withTool(settings.tool().withEnvironment(Map.of("TEAM_DATABASE_URL", "${url}")));
        try (MigrationRehearsal r = Histories.rehearse(settings)) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(r.schema().column("things", "label")).isPresent();
        }
    }

    /** The same tool pointed at the database it is handed: rehearsed, up, down and up again. */
    @Test
    void theSameToolPointedAtTheDatabaseItIsHandedIsRehearsed(@TempDir Path dir) throws IOException {
        try (MigrationRehearsal r = Histories.rehearse(psqlTool(dir, "DB=\"$DATABASE_URL\""))) {
            RoundTripReport report = r.runRoundTrips();
            assertThat(report.failed()).as(report.toText()).isFalse();
            assertThat(r.currentVersion()).contains(MigrationVersion.parse("2"));
            assertThat(r.schema().column("things", "label")).isPresent();
        }
    }

    /**
     * A down whose command reports the version before it but changes nothing in the throwaway database (its tool
     * keeps its version in a file, and its down reaches no database Rehearsal handed it) is stopped after that down:
     * every down is checked as every up.
     */
    @Test
    void aDownThatChangesNothingInTheThrowawayDatabaseIsStopped(@TempDir Path dir) throws IOException {
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("0001_create_things.sh"), "# the history of a tool driven by command\n");
        Path state = dir.resolve("state");
        RehearsalSettings settings = commands(migrations, CommandSettings.NONE.withCommands(
                "psql \"$DATABASE_URL\" -X -q -v ON_ERROR_STOP=1 -c 'create table things (id int)'"
                        + " && echo 0001 > " + state,
                "echo none > " + state,
                "psql \"$DATABASE_URL\" -X -q -v ON_ERROR_STOP=1 -c 'select 1' > /dev/null || exit 1; cat " + state
                        + " 2>/dev/null || echo none").withDirectory(dir.toString()));
        Throwable thrown = rehearsed(settings);
        assertThat(thrown.getMessage()).contains("The down command of V0001 create things (echo none > " + state + ")"
                        + " ran and its tool reports no migration applied, but nothing changed in the throwaway database")
                .contains("the command is not using the database it was handed (DATABASE_URL=postgres://")
                .contains("name the tool's own tables (its version table) in rehearsal.command.tables");
    }

    /**
     * Every command sees only the throwaway database, whatever the environment it would inherit names: a command
     * that records its environment, run from a "shell" whose DATABASE_URL, PGHOST and PGDATABASE name another
     * database, sees the throwaway one; the variables that named other databases are gone and named in one note.
     */
    @Test
    void everyCommandSeesOnlyTheThrowawayDatabaseWhateverItsInheritedEnvironmentNames(@TempDir Path dir)
            throws Exception {
        try (ServerDatabase foreign = ServerDatabase.create("foreign")) {
            Path project = Files.createDirectories(dir.resolve("project"));
            Files.writeString(project.resolve("tool.conf"), "DB=\"$DATABASE_URL\"\n");
            Path migrations = migrationScripts(project);
            Path records = Files.createDirectories(dir.resolve("environments"));
            CommandSettings psql = psqlCommands(project);
            CommandSettings command = psql.withCommands("env | sort > \"$(mktemp " + records + "/up-XXXXXX)\"; "
                            + psql.up(),
                    psql.down(), psql.current());
            Map<String, String> shell = Map.of("PATH", System.getenv("PATH"),
                    "DATABASE_URL", foreign.url(), "PGHOST", "127.0.0.1", "PGPORT", "5432",
                    "PGDATABASE", foreign.name(), "ANALYTICS_DATABASE_URL", foreign.url(), "PGSERVICE", "team");
            RehearsalSettings settings = RehearsalSettings.of("filesystem:" + migrations);
            settings = settings.withTool(settings.tool().withCommand(command));
            MigrationSource source = new CommandSource(ScriptLocation.parse("filesystem:" + migrations,
                    CommandToolTest.class.getClassLoader()), command, Duration.ofSeconds(60), shell);

            try (MigrationRehearsal r = MigrationRehearsal.start(settings, source,
                    DatabaseProviders.embeddedPostgres())) {
                RoundTripReport report = r.runRoundTrips();
                assertThat(report.failed()).as(report.toText()).isFalse();
                List<Path> ups;
                try (Stream<Path> files = Files.list(records)) {
                    ups = files.toList();
                }
                assertThat(ups).as("an environment recorded by each up").hasSizeGreaterThanOrEqualTo(4);
                for (Path up : ups) {
                    List<String> seen = Files.readAllLines(up);
                    String name = seen.stream().filter(line -> line.startsWith("PGDATABASE=")).findFirst()
                            .orElseThrow().substring("PGDATABASE=".length());
                    assertThat(name).startsWith("rehearsal_").isNotEqualTo(foreign.name());
                    assertThat(seen)
                            .contains("DATABASE_NAME=" + name, "PATH=" + System.getenv("PATH"))
                            .anyMatch(line -> line.startsWith("DATABASE_URL=postgres://") && line.endsWith("/" + name))
                            .noneMatch(line -> line.startsWith("ANALYTICS_DATABASE_URL=")
                                    || line.startsWith("PGSERVICE="))
                            .noneMatch(line -> line.contains(foreign.name()));
                }
                assertThat(report.toText()).contains("Rehearsal runs the migration command with an environment that"
                        + " names only the throwaway database: it removed ANALYTICS_DATABASE_URL, PGSERVICE");
            }
            assertThat(foreign.tables()).as("nothing ran on the database the inherited environment named").isEmpty();
        }
    }

    /** A Knex project whose knexfile names {@code foreign}, with the migrations of the Knex project above. */
    private static Path knexProjectReaching(ServerDatabase foreign, Path dir) throws IOException {
        Path project = Files.createDirectories(dir.resolve("knex"));
        Files.writeString(project.resolve("knexfile.js"), "module.exports = { client: 'pg', connection: '"
                + foreign.url() + "', migrations: { directory: './migrations' } };\n");
        Path migrations = Files.createDirectories(project.resolve("migrations"));
        try (var files = Files.list(KNEX_PROJECT.resolve("migrations"))) {
            for (Path f : files.toList()) {
                Files.copy(f, migrations.resolve(f.getFileName()));
            }
        }
        return project;
    }

    /** The psql "tool" of two migrations in {@code dir}/project, whose tool.conf holds {@code conf}. */
    private static RehearsalSettings psqlTool(Path dir, String conf) throws IOException {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("tool.conf"), conf + "\n");
        return commands(migrationScripts(project), psqlCommands(project));
    }

    private static CommandSettings psqlCommands(Path project) {
        return new CommandSettings(PSQL_TOOL + "set -- up; . \"$REHEARSAL_MIGRATIONS/{next}.sh\"",
                PSQL_TOOL + "set -- down; . \"$REHEARSAL_MIGRATIONS/{next}.sh\"", PSQL_TOOL_CURRENT, null,
                List.of("tool_version"), project.toString(), null);
    }

    private static Path migrationScripts(Path project) throws IOException {
        Path migrations = Files.createDirectories(project.resolve("migrations"));
        Files.writeString(migrations.resolve("0001_create_things.sh"), """
                case "$1" in
                  up) sql "create table things (id int primary key, name varchar(40)); create table tool_version (v int);
                           insert into tool_version values (1)" ;;
                  down) sql "drop table things; drop table tool_version" ;;
                esac
                """);
        Files.writeString(migrations.resolve("0002_thing_labels.sh"), """
                case "$1" in
                  up) sql "alter table things add column label varchar(20); update tool_version set v = 2" ;;
                  down) sql "alter table things drop column label; update tool_version set v = 1" ;;
                esac
                """);
        return migrations;
    }

    /**
     * What a rehearsal of {@code settings} ended with: the failure that stopped it, or an {@link AssertionError}
     * holding the report of round trips that ran to the end.
     */
    private static Throwable rehearsed(RehearsalSettings settings) {
        Throwable thrown = catchThrowable(() -> {
            try (MigrationRehearsal r = Histories.rehearse(settings)) {
                throw new AssertionError(r.runRoundTrips().toText());
            }
        });
        assertThat(thrown).isNotNull();
        return thrown;
    }

    /** What a database holds, one line per column and per row of each table, to compare before and after. */
    private static List<String> contents(ServerDatabase db) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String table : db.tables()) {
                try (ResultSet rs = st.executeQuery("select column_name || ' ' || data_type from"
                        + " information_schema.columns where table_schema = 'public' and table_name = '" + table
                        + "' order by ordinal_position")) {
                    while (rs.next()) {
                        lines.add(table + " column: " + rs.getString(1));
                    }
                }
                try (ResultSet rs = st.executeQuery("select t::text from " + table + " t order by 1")) {
                    while (rs.next()) {
                        lines.add(table + " row: " + rs.getString(1));
                    }
                }
            }
        }
        return lines;
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
                        + " t=$(sql \"select count(*) from information_schema.tables where table_schema = database()"
                        + " and table_name = 'tool_version'\") || exit 1;"
                        + " if [ \"$t\" = 0 ]; then echo none; else sql 'select max(v) from tool_version'; fi",
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
        try (MigrationRehearsal r = Histories.rehearse(shell(dir, "no-such-migrate-tool up", NONE_APPLIED,
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
                        + " echo 'error: relation \"things\" already exists' >&2; exit 3", NONE_APPLIED,
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
        String current = "psql \"$DATABASE_URL\" -X -tAc \"select 'Current Version: none'\"";
        try (MigrationRehearsal r = Histories.rehearse(shell(dir, "echo Already up to date", current,
                Duration.ofSeconds(60)))) {
            assertThatThrownBy(() -> r.migrateTo("1"))
                    .isInstanceOf(MigrationFailedException.class)
                    .hasMessageContaining("the command succeeded, but afterwards \"" + current + "\" reports"
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
                NONE_APPLIED, Duration.ofSeconds(2)))) {
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
