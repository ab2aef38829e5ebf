package dev.rehearsal.core;

import dev.rehearsal.core.internal.postgres.PostgresDialect;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Alembic loader checked against the real Alembic (Debian's python3-alembic, installed by .ci/setup.sh): the
 * offline SQL Alembic writes today for src/test/resources/alembic-project equals the committed files Rehearsal
 * reads, and {@code alembic upgrade head} on the machine's PostgreSQL leaves the same alembic_version rows and the
 * same schema as Rehearsal applying that SQL.
 */
class AlembicVerificationTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String PYTHON = "/usr/bin/python3";
    private static Path project;
    private static String database;

    @BeforeAll
    static void project(@TempDir Path dir) throws Exception {
        Process check = new ProcessBuilder(PYTHON, "-c", "import alembic, psycopg2").redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!check.waitFor(60, TimeUnit.SECONDS) || check.exitValue() != 0) {
            throw new AssertionError("Debian's python3-alembic and python3-psycopg2 are needed for this test: run"
                    + " bash .ci/setup.sh (it installs them). " + out);
        }
        project = dir;
        Path source = Path.of("src/test/resources/alembic-project");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve("proj").resolve(source.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        database = "rehearsal_alembic_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", ""); Statement st = c.createStatement()) {
            st.execute("create database " + database);
        }
        Files.writeString(dir.resolve("alembic.ini"), """
                [alembic]
                script_location = proj
                sqlalchemy.url = postgresql://postgres@127.0.0.1:5432/%s

                [loggers]
                keys = root
                [handlers]
                keys = console
                [formatters]
                keys = generic
                [logger_root]
                level = WARN
                handlers = console
                [handler_console]
                class = StreamHandler
                args = (sys.stderr,)
                formatter = generic
                [formatter_generic]
                format = %%(levelname)s %%(message)s
                """.formatted(database));
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (database != null) {
            try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", ""); Statement st = c.createStatement()) {
                st.execute("drop database if exists " + database + " with (force)");
            }
        }
    }

    private static String alembic(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-m", "alembic"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(project.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("alembic " + String.join(" ", args)).isZero();
        return out;
    }

    @Test
    void offlineSqlOfTheRealAlembicIsWhatRehearsalReads() throws Exception {
        assertThat(alembic("upgrade", "base:head", "--sql"))
                .isEqualTo(Files.readString(Path.of("src/test/resources/histories/alembic-offline/upgrade.sql")));
        assertThat(alembic("downgrade", "head:base", "--sql"))
                .isEqualTo(Files.readString(Path.of("src/test/resources/histories/alembic-offline/downgrade.sql")));
    }

    @Test
    void upgradeHeadLeavesTheSameRowsAndSchemaAsRehearsal() throws Exception {
        alembic("upgrade", "head");
        List<String> alembicRows = new ArrayList<>();
        SchemaSnapshot alembicSchema;
        try (Connection c = DriverManager.getConnection(SERVER + database, "postgres", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select version_num from alembic_version")) {
            while (rs.next()) {
                alembicRows.add(rs.getString(1));
            }
            alembicSchema = new PostgresDialect("server").snapshot(c, Set.of("alembic_version"));
        }
        SchemaSnapshot rehearsalBase;
        try (MigrationRehearsal r = Histories.rehearse(AlembicOfflineTest.OFFLINE)) {
            r.migrateTo("latest");
            assertThat(r.query("select version_num from alembic_version").column("version_num"))
                    .containsExactlyElementsOf(alembicRows);
            assertThat(r.schema().diff(alembicSchema).changes()).as("schema after alembic upgrade head vs Rehearsal").isEmpty();
            r.migrateTo("base");
            rehearsalBase = r.schema();
        }
        alembic("downgrade", "base");
        try (Connection c = DriverManager.getConnection(SERVER + database, "postgres", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from alembic_version")) {
            rs.next();
            // online, Alembic empties alembic_version at base; its offline SQL, which Rehearsal runs, drops it
            assertThat(rs.getLong(1)).isZero();
            assertThat(rehearsalBase.diff(new PostgresDialect("server").snapshot(c, Set.of("alembic_version"))).changes())
                    .as("schema after alembic downgrade base vs Rehearsal").isEmpty();
        }
    }
}
