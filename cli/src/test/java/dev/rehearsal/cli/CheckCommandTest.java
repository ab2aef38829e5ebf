package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rehearsal check} run in this JVM, as {@link RehearsalCli#main} runs it, on real histories and the embedded
 * PostgreSQL: the exit codes, where reports go, settings files and flags, and a one-line message for each bad input.
 */
class CheckCommandTest {

    private static final String HISTORIES = "src/test/resources/histories/";

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {
    }

    static Run rehearsal(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RehearsalCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aDownThatLeavesAnIndexBehindIsAFindingInEveryFormatAsked(@TempDir Path reports) throws Exception {
        Run run = rehearsal("check", HISTORIES + "broken-down", "-f", "sarif", "-f", "junit", "--format", "json,html",
                "--output", reports.toString(), "--risks-since", "1");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("2_index_email").contains("FAILED in down");
        assertThat(run.err()).contains("[1/2] 1_create_accounts: ok (up").contains("[2/2] 2_index_email: FAILED in down")
                // accounts is a released table: its new index is a risk with no rows seeded (and no lock_timeout)
                .contains("rehearsal: 1 failed round trip, 2 risks not allowed").doesNotContain("Exception");
        // the failed step's line is followed by the first lines of its detail: which index the down left behind
        assertThat(run.err()).containsPattern("\\[2/2] 2_index_email: FAILED in down: [^\\n]*\\n    [^\\n]*accounts_email_idx");
        JsonNode sarif = new ObjectMapper().readTree(reports.resolve("rehearsal.sarif").toFile());
        JsonNode result = null;
        for (JsonNode r : sarif.at("/runs/0/results")) {
            if (r.get("ruleId").asText().equals("down-failed")) {
                result = r;
            }
        }
        assertThat(result).as("the down's failure in %s", sarif).isNotNull();
        assertThat(result.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
                .isEqualTo("cli/" + HISTORIES + "broken-down/2_index_email.down.sql");
        assertThat(reports.resolve("rehearsal.junit.xml")).content().contains("<testcase classname=\"2_index_email\" name=\"down\"");
        assertThat(new ObjectMapper().readTree(reports.resolve("rehearsal.json").toFile()).get("failed").asBoolean()).isTrue();
        assertThat(reports.resolve("rehearsal.html")).content().contains("accounts_email_idx")
                .contains("data-status=\"FAILED\"");
    }

    /** Migrations not run because an earlier one failed are one line, with how many and why, not one line each. */
    @Test
    void migrationsNotRunAfterAFailureAreOneLine() {
        Run run = rehearsal("check", HISTORIES + "up-fails-early");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("[2/5] 2_add_phone: FAILED in up: ")
                .containsPattern("\\n    [^\\n]*42P01")
                .contains("[3-5] 3 migrations not run: 2_add_phone failed to apply")
                .doesNotContain("[3/5]").doesNotContain("[4/5]");
    }

    /**
     * An Alembic project as `alembic init` and `alembic revision --autogenerate` write it (core's test fixture),
     * rehearsed by its own Alembic from the command line, unmodified; then with a downgrade that forgets an index.
     */
    @Test
    void anAlembicProjectRunsThroughItsOwnAlembicAndAForgottenIndexIsAFinding(@TempDir Path dir) throws Exception {
        Path project = Path.of("../core/src/test/resources/alembic-autogen");
        Run clean = rehearsal("check", project.resolve("alembic/versions").toString(), "-q",
                "-D", "rehearsal.alembic.python=/usr/bin/python3", "--allow-risk", "* no-lock-timeout: a test project",
                "--allow-risk", "* exclusive-held-across-statements: a test project");
        assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).contains("run by Alembic 1.8").contains("5 steps: 5 passed, 0 failed");

        try (var files = Files.walk(project)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(project.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.writeString(target, Files.readString(f)
                        .replace("    op.drop_index(op.f('ix_user_full_name'), table_name='user')\n", ""));
            }
        }
        Run broken = rehearsal("check", dir.resolve("alembic/versions").toString(), "-q",
                "-D", "rehearsal.alembic.python=/usr/bin/python3");
        assertThat(broken.exit()).as(broken.out() + broken.err()).isEqualTo(1);
        assertThat(broken.out()).contains("d47ad6525116 shorter full name").contains("FAILED in down")
                .contains("ix_user_full_name");
    }

    /**
     * A history the team's tool would refuse is a finding about the migrations (exit 1), not a usage or environment
     * error (exit 2): two Alembic heads, which `alembic upgrade head` refuses.
     */
    @Test
    void aHistoryWithTwoHeadsIsAFindingNotAnEnvironmentError(@TempDir Path dir) throws Exception {
        Path project = Path.of("../core/src/test/resources/alembic-autogen");
        try (var files = Files.walk(project)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(project.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        Path versions = dir.resolve("alembic/versions");
        Files.writeString(versions.resolve("ffff00000001_side_branch.py"), """
                from alembic import op
                import sqlalchemy as sa

                revision = "ffff00000001"
                down_revision = "1799e906c15a"


                def upgrade():
                    op.create_table("side", sa.Column("id", sa.Integer, primary_key=True))


                def downgrade():
                    op.drop_table("side")
                """); // a second branch from the first revision: two heads

        Run run = rehearsal("check", versions.toString(), "-q", "-D", "rehearsal.alembic.python=/usr/bin/python3");

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).contains("heads: ").contains("ffff00000001").contains("alembic merge");
    }

    /**
     * A Liquibase changelog whose includes are written against the class path's root (META-INF/...) and whose custom
     * change is a class in the application's jar: found without a setting where the changelog lies in
     * src/main/resources, through rehearsal.liquibase.search-path elsewhere, and the class through --classpath.
     */
    @Test
    void aChangelogWithClassPathRootIncludesAndACustomChangeRunsWithClasspath(@TempDir Path dir) throws Exception {
        Path project = Path.of(HISTORIES + "liquibase-custom-change");
        Path jar = customChangeJar(project.resolve("src/main/java"), dir);
        String changelog = project.resolve("src/main/resources/META-INF/jpa-changelog-master.xml").toString();

        Run withoutJar = rehearsal("check", changelog, "-q");
        assertThat(withoutJar.exit()).as(withoutJar.out() + withoutJar.err()).isEqualTo(2);
        assertOneLine(withoutJar, "Liquibase could not load the custom change org.example.migration.FillDisplayNames,"
                + " which changeset 1.1.0-fill-display-names by app in " + project.resolve(
                "src/main/resources/META-INF/jpa-changelog-1.1.0.xml") + ", line 11 declares");
        assertThat(withoutJar.err()).contains("--classpath");

        String allow = "* no-lock-timeout: realm holds a handful of rows";
        Run withJar = rehearsal("check", changelog, "-q", "--classpath", jar.toString(), "--allow-risk", allow);
        assertThat(withJar.exit()).as(withJar.out() + withJar.err()).isZero();
        assertThat(withJar.out()).contains("1.1.0-fill-display-names").contains("3 steps: 3 passed, 0 failed");

        // the same files outside src/main/resources: Liquibase's searchPath says where the includes start
        Path elsewhere = dir.resolve("changelogs");
        copy(project.resolve("src/main/resources"), elsewhere);
        String moved = elsewhere.resolve("META-INF/jpa-changelog-master.xml").toString();
        Run notFound = rehearsal("check", moved, "-q", "--classpath", jar.toString());
        assertThat(notFound.exit()).isEqualTo(2);
        assertThat(notFound.err()).contains("META-INF/jpa-changelog-1.0.0.xml was not found")
                .contains("rehearsal.liquibase.search-path");
        Run searchPath = rehearsal("check", moved, "-q", "--classpath", jar.toString(), "--allow-risk", allow,
                "-D", "rehearsal.liquibase.search-path=" + elsewhere);
        assertThat(searchPath.exit()).as(searchPath.out() + searchPath.err()).isZero();
    }

    /** The Knex sample's forgotten index, found by the project's own Knex from the command line. */
    @Test
    void aKnexHistoryRunsThroughItsOwnKnex() {
        Run run = rehearsal("check", "../samples/knex-postgres/examples/forgotten-index", "-q");
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("run by Knex 3.3.0").contains("20240301090000_last_login last login")
                .contains("FAILED in down").contains("accounts_email_lower_idx");
    }

    /**
     * A Flyway project whose settings are Spring Boot's: the suffix a placeholder of another key, the table renamed,
     * Flyway placeholders in a profile's file; the command line reads src/main/resources as Spring Boot would.
     */
    @Test
    void springBootSettingsOfAFlywayProjectAreReadFromItsResources(@TempDir Path dir) throws Exception {
        Path resources = Files.createDirectories(dir.resolve("src/main/resources"));
        Files.writeString(resources.resolve("application.properties"), """
                spring.profiles.active=prod
                spring.jpa.database=POSTGRESQL
                spring.flyway.sql-migration-suffixes=.${spring.jpa.database}.sql
                spring.flyway.table=schema_version
                """);
        Files.writeString(resources.resolve("application-prod.properties"),
                "spring.flyway.placeholders.tenant=acme\n");
        Path migrations = Files.createDirectories(resources.resolve("db/migration"));
        Files.writeString(migrations.resolve("V1__accounts.POSTGRESQL.sql"),
                "CREATE TABLE accounts (id bigint PRIMARY KEY, tenant text NOT NULL DEFAULT '${tenant}');\n");
        Files.writeString(migrations.resolve("V2__names.POSTGRESQL.sql"),
                "ALTER TABLE accounts ADD COLUMN name text;\n");

        Run run = rehearsal("check", migrations.toString(), "-q", "--allow-risk", "* no-lock-timeout: a test");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("2 steps: 2 passed, 0 failed")
                .contains("application.properties").contains("application-prod.properties")
                .contains("Spring Boot, profile prod");
    }

    /** The custom change compiled against Liquibase and packed in a jar, as the application's build makes it. */
    private static Path customChangeJar(Path sources, Path dir) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path source = sources.resolve("org/example/migration/FillDisplayNames.java");
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                "-classpath", System.getProperty("java.class.path"), source.toString());
        assertThat(compiled).isZero();
        Path jar = dir.resolve("app.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar));
             var files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
    }

    @Test
    void settingsComeFromTheNearestFileAboveTheFolderAndItsAllowancesKeepItClean() {
        Run run = rehearsal("check", HISTORIES + "project/db/migrations");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("settings: ").contains("rehearsal.toml");
        // seeded by the file's [seed] rows, so the index is built on rows: a risk, allowed with the file's reason
        assertThat(run.out()).contains("risk [non-concurrent-index").contains("non-concurrent-index: accounts stays under a thousand rows")
                .contains("2 steps: 2 passed, 0 failed");
    }

    @Test
    void aRiskNotAllowedIsAFinding() {
        // the index is added by migration 2, after the last released one
        Run run = rehearsal("check", HISTORIES + "project/db/migrations", "--config",
                HISTORIES + "project/strict.properties", "--quiet", "--risks-since", "1");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("risk [non-concurrent-index").doesNotContain("(allowed");
        assertThat(run.err()).contains("0 failed round trips").containsPattern("\\d+ risks? not allowed")
                .doesNotContain("[1/2]"); // quiet
    }

    @Test
    void aBrokenBudgetIsAFinding() {
        // a budget of no risks, and -D replacing the file's allowances by one that leaves the index build's risk open
        Run run = rehearsal("check", HISTORIES + "project/db/migrations", "-D", "budget.no-risks=true", "-q",
                "-D", "allow-risks=* no-lock-timeout: the deploy sets lock_timeout");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED in up").contains("non-concurrent-index");
        assertThat(run.err()).contains("1 failed round trip");
    }

    @Test
    void oneFormatGoesToStandardOutput() throws Exception {
        Run run = rehearsal("check", HISTORIES + "broken-down", "--format", "github", "-q");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out().lines()).allMatch(l -> l.startsWith("::error ") || l.startsWith("::warning "))
                .anyMatch(l -> l.startsWith("::error file=cli/" + HISTORIES + "broken-down/2_index_email.down.sql,line=1,"));
    }

    @Test
    void helpReadsLikeALintersHelp() {
        Run run = rehearsal("check", "--help");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Usage: rehearsal check [-hqvV]").contains("<folder>")
                .contains("-f, --format=<format>").contains("--jdbc-url=<url>").contains("--seed=<rows>")
                .contains("Exit codes:").containsPattern("0 +every migration passed").contains("130").contains("143").contains("Examples:")
                .contains("rehearsal.properties or rehearsal.toml");
        assertThat(rehearsal("--help").out()).contains("Commands:").contains("check");
        assertThat(rehearsal("--version").out()).startsWith("rehearsal ");
        // the description, wrapped at words: no line stops short while the next one goes on with its sentence
        for (String help : List.of(run.out(), rehearsal("--help").out())) {
            List<String> lines = help.lines().takeWhile(l -> !l.equals("Arguments:") && !l.startsWith("  -h")).toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                String line = lines.get(i);
                String next = lines.get(i + 1);
                boolean continues = !next.isBlank() && Character.isLowerCase(next.strip().charAt(0))
                        && !line.isBlank() && !line.strip().endsWith(".") && !line.strip().endsWith(":");
                assertThat(continues && line.length() < 50).as("line %d of the help stops short: \"%s\" / \"%s\"",
                        i + 1, line, next).isFalse();
            }
        }
    }

    @Test
    void badInputGetsOneLineAndExitCodeTwoBeforeAnyDatabaseStarts(@TempDir Path dir) throws Exception {
        assertOneLine(rehearsal("check", HISTORIES + "broken-down", "--colour"), "Unknown option: '--colour'");
        assertOneLine(rehearsal("check"), "Missing required parameter: '<folder>'");
        assertOneLine(rehearsal("check", HISTORIES + "broken-down", "--format", "pdf"),
                "Unknown report format \"pdf\": use one of text, json, sarif, junit, github, html");
        assertOneLine(rehearsal("check", HISTORIES + "nowhere"), "the folder " + HISTORIES + "nowhere does not exist");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertOneLine(rehearsal("check", HISTORIES + "broken-down", "-f", "sarif", "-o", file.resolve("out.sarif").toString()),
                "cannot write the report to " + file.resolve("out.sarif") + ": " + file + " is not a writable folder");
        assertOneLine(rehearsal("check", HISTORIES + "broken-down", "-D", "seed.rowz=5"),
                "Unknown setting rehearsal.seed.rowz (-D): did you mean rehearsal.seed.rows?");
        assertOneLine(rehearsal("check", HISTORIES + "broken-down", "--budget-writes", "soon"), "rehearsal.budget.writes");
        assertOneLine(rehearsal("check", HISTORIES + "broken-down", "--query-max-wait", "fast"),
                "rehearsal.queries.max-wait = \"fast\" is not a duration");
        assertOneLine(rehearsal("check", HISTORIES + "broken-down", "-D", "rehearsal.queries.max-wait.orders=later"),
                "rehearsal.queries.max-wait.orders = \"later\" is not a duration");
    }

    @Test
    void productionVolumesPutEstimatesInEveryFormatAndASeedFileShapesTheRows(@TempDir Path dir) throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("1_accounts.up.sql"), "CREATE TABLE accounts (id bigserial PRIMARY KEY,"
                + " email varchar(200) NOT NULL);\n");
        Files.writeString(migrations.resolve("1_accounts.down.sql"), "DROP TABLE accounts;\n");
        Files.writeString(migrations.resolve("2_short_email.up.sql"), "ALTER TABLE accounts ADD COLUMN short_email"
                + " varchar(100);\nUPDATE accounts SET short_email = email;\n");
        Files.writeString(migrations.resolve("2_short_email.down.sql"), "ALTER TABLE accounts DROP COLUMN short_email;\n");
        Path volumes = Files.writeString(dir.resolve("volumes.csv"), "table_name,rows\naccounts,5000000\n");
        Path reports = dir.resolve("reports");

        Run run = rehearsal("check", migrations.toString(), "-q", "--risks-since", "1", "--volumes", volumes.toString(),
                "-D", "estimates.sizes=500,1000,2000", "-D", "estimates.repeats=1", "-f", "sarif,junit,json,html,github",
                "-o", reports.toString());
        assertThat(run.err()).contains("rehearsal: 0 failed round trips"); // the UPDATE's lock risks are findings
        JsonNode note = null;
        for (JsonNode r : new ObjectMapper().readTree(reports.resolve("rehearsal.sarif").toFile()).at("/runs/0/results")) {
            if (r.get("ruleId").asText().equals("estimate-at-production-volume")) {
                note = r;
            }
        }
        assertThat(note).as("an estimate in the SARIF log").isNotNull();
        assertThat(note.get("level").asText()).isEqualTo("note");
        assertThat(note.at("/message/text").asText()).contains("2_short_email (up): 2_short_email at 5,000,000 rows");
        assertThat(note.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).endsWith("2_short_email.up.sql");
        assertThat(reports.resolve("rehearsal.github.txt")).content().contains("::notice file=").contains("estimate-at-production-volume::2_short_email at 5,000,000 rows");
        assertThat(reports.resolve("rehearsal.junit.xml")).content().contains("at production volume: 2_short_email at 5,000,000 rows");
        assertThat(new ObjectMapper().readTree(reports.resolve("rehearsal.json").toFile()).at("/steps/1/note").asText())
                .contains("at production volume: 2_short_email at 5,000,000 rows");
        assertThat(reports.resolve("rehearsal.html")).content().contains("At 5,000,000 rows");

        // seeded values as long as the column allows do not fit the narrower copy, as in production
        Path seeds = Files.writeString(dir.resolve("seed.toml"), "[accounts]\nemail = { length = 200 }\n");
        Run seeded = rehearsal("check", migrations.toString(), "-q", "--risks-since", "1", "--seed", "20",
                "--seed-file", seeds.toString());
        assertThat(seeded.exit()).as(seeded.err()).isEqualTo(1);
        assertThat(seeded.out()).contains("2_short_email").contains("22001");

        assertOneLine(rehearsal("check", migrations.toString(), "--seed-file", dir.resolve("none.toml").toString()),
                "Could not read rehearsal.seed.file " + dir.resolve("none.toml"));
        Path badSeeds = Files.writeString(dir.resolve("bad.toml"), "[accounts]\nemail = { null-ratio = \"some\" }\n");
        assertOneLine(rehearsal("check", migrations.toString(), "--seed-file", badSeeds.toString()),
                "accounts.email.null-ratio is \"some\"; give a number from 0 to 1");
        assertOneLine(rehearsal("check", migrations.toString(), "--volumes", dir.resolve("none.csv").toString()),
                "none.csv");
    }

    @Test
    void theRunningApplicationsQueriesFromAStatisticsExportFailARenameTheyStillRead(@TempDir Path dir) throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("1_accounts.up.sql"), "CREATE TABLE accounts (id bigserial PRIMARY KEY,"
                + " email varchar(200) NOT NULL, name text);\n");
        Files.writeString(migrations.resolve("1_accounts.down.sql"), "DROP TABLE accounts;\n");
        Files.writeString(migrations.resolve("2_rename_name.up.sql"), "ALTER TABLE accounts RENAME COLUMN name TO full_name;\n");
        Files.writeString(migrations.resolve("2_rename_name.down.sql"), "ALTER TABLE accounts RENAME COLUMN full_name TO name;\n");
        // as the export in docs/running-application.md writes it: normalized, $1 parameters, a query over two lines
        Path statistics = Files.writeString(dir.resolve("pg_stat_statements.csv"), "query,calls\n"
                + "\"select name\n  from accounts where id = $1\",1200\n"
                + "\"insert into accounts (email) values ($1)\",40\n"
                + "BEGIN,5000\n");
        Path reports = dir.resolve("reports");
        String lockTimeout = "* no-lock-timeout: the deploy sets lock_timeout";

        Run run = rehearsal("check", migrations.toString(), "-q", "--risks-since", "1", "--allow-risk", lockTimeout,
                "--queries", statistics.toString(), "-f", "text,sarif", "-o", reports.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("breaks-running-app").contains("select name from accounts where id = $1"
                + " (42703: column \"name\" does not exist)").contains("stops reading accounts.name");
        assertThat(reports.resolve("rehearsal.sarif")).content().contains("\"ruleId\" : \"breaks-running-app\"");

        Run allowed = rehearsal("check", migrations.toString(), "-q", "--risks-since", "1", "--allow-risk", lockTimeout,
                "--allow-risk", "2 breaks-running-app: no running version reads name", "--allow-risk",
                "2 rename: no running version reads name", "--queries", statistics.toString());
        assertThat(allowed.exit()).as(allowed.err()).isEqualTo(0);

        // an export without a query column is reported, never failing the migrations it cannot judge
        Path unknown = Files.writeString(dir.resolve("other.csv"), "statement,count\nselect 1,2\n");
        Run unreadable = rehearsal("check", migrations.toString(), "-q", "--risks-since", "1", "--allow-risk",
                lockTimeout, "--allow-risk", "2 rename: no running version reads name", "--queries", unknown.toString(), "-f", "json,text",
                "-o", reports.toString());
        assertThat(unreadable.exit()).as(unreadable.err()).isEqualTo(0);
        assertThat(reports.resolve("rehearsal.json")).content().contains("needs a query column (pg_stat_statements)");
        assertOneLine(rehearsal("check", migrations.toString(), "--queries", dir.resolve("none.csv").toString()),
                "rehearsal.queries.file = \"" + dir.resolve("none.csv") + "\": no such readable file");
    }

    @Test
    void aServerThatCannotBeReachedIsAnEnvironmentError() {
        Run run = rehearsal("check", HISTORIES + "broken-down", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/postgres");

        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith("rehearsal: ").contains("127.0.0.1:1").doesNotContain("\tat ");
        assertThat(run.out()).doesNotContain("Rehearsal of");
    }

    @Test
    void aFolderWithoutMigrationsIsAnEnvironmentError(@TempDir Path empty) {
        Run run = rehearsal("check", empty.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("rehearsal: No migrations found at").doesNotContain("Exception").doesNotContain("\tat ");
    }

    static void assertOneLine(Run run, String message) {
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith("rehearsal: ").contains(message).doesNotContain("\tat ");
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.out()).doesNotContain("Rehearsal of"); // nothing ran
    }
}
