package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.internal.mariadb.MariaDbDialect;
import dev.rehearsal.core.internal.postgres.PostgresDialect;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The environment of a tool's process, from the environment it would inherit: what names another database is removed
 * and named in one warning line, and what names a database names the throwaway one.
 */
class ToolProcessEnvironmentTest {

    private static final ConnectionDetails THROWAWAY = new ConnectionDetails("127.0.0.1", 54321, "rehearsal_abc",
            "postgres", "s3cret");

    /** A developer's shell: the team's databases in several forms, and what a tool needs that names none. */
    private static final Map<String, String> SHELL = Map.ofEntries(
            entry("PATH", "/usr/local/bin:/usr/bin"),
            entry("HOME", "/home/dev"),
            entry("NODE_ENV", "production"),
            entry("PGTZ", "UTC"),
            entry("PGAPPNAME", "dev-shell"),
            entry("SENTRY_DSN", "https://key@sentry.example.com/42"),
            entry("REDIS_URL", "redis://cache.internal:6379/0"),
            entry("DATABASE_URL", "postgres://app:pw@db.internal:5432/app_dev"),
            entry("PGHOST", "db.internal"),
            entry("PGDATABASE", "app_dev"),
            entry("PGPASSWORD", "team-password"),
            entry("PGSERVICE", "team"),
            entry("PGSSLMODE", "verify-full"),
            entry("ANALYTICS_DATABASE_URL", "postgresql+psycopg://analytics.internal/warehouse"),
            entry("LEGACY_DB_URL", "mysql://legacy.internal/shop"),
            entry("DB_HOST", "db.internal"),
            entry("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.internal:5432/app_dev"),
            entry("REPORTS_CONNECTION", "host=reports.internal dbname=reports user=ro"),
            entry("ORDERS_DSN", "app:pw@tcp(orders.internal:3306)/orders"),
            entry("MYSQL_HOST", "mysql.internal"),
            entry("MYSQL_UNIX_PORT", "/run/mysqld/mysqld.sock"));

    @Test
    void whatNamesAnotherDatabaseIsRemovedAndWhatNamesADatabaseNamesTheThrowawayOne() {
        ToolProcessEnvironment.World world = ToolProcessEnvironment.of("Knex", new PostgresDialect("18"), THROWAWAY)
                .put("REHEARSAL_MIGRATIONS", "/app/migrations").inheriting(SHELL).world();

        assertThat(new TreeMap<>(world.environment())).containsExactlyEntriesOf(new TreeMap<>(Map.ofEntries(
                entry("PATH", "/usr/local/bin:/usr/bin"),
                entry("HOME", "/home/dev"),
                entry("NODE_ENV", "production"),
                entry("PGTZ", "UTC"),
                entry("PGAPPNAME", "dev-shell"),
                entry("SENTRY_DSN", "https://key@sentry.example.com/42"),
                entry("REDIS_URL", "redis://cache.internal:6379/0"),
                entry("DATABASE_URL", "postgres://postgres:s3cret@127.0.0.1:54321/rehearsal_abc"),
                entry("PGHOST", "127.0.0.1"),
                entry("PGPORT", "54321"),
                entry("PGDATABASE", "rehearsal_abc"),
                entry("PGUSER", "postgres"),
                entry("PGPASSWORD", "s3cret"),
                entry("DATABASE_HOST", "127.0.0.1"),
                entry("DATABASE_PORT", "54321"),
                entry("DATABASE_NAME", "rehearsal_abc"),
                entry("DATABASE_USER", "postgres"),
                entry("DATABASE_PASSWORD", "s3cret"),
                entry("REHEARSAL_MIGRATIONS", "/app/migrations"))));
        assertThat(world.removed()).containsExactly("ANALYTICS_DATABASE_URL", "DB_HOST", "LEGACY_DB_URL",
                "MYSQL_HOST", "MYSQL_UNIX_PORT", "ORDERS_DSN", "PGSERVICE", "PGSSLMODE", "REPORTS_CONNECTION",
                "SPRING_DATASOURCE_URL");
        assertThat(world.warning()).contains("Rehearsal runs Knex with an environment that names only the throwaway"
                + " database: it removed ANALYTICS_DATABASE_URL, DB_HOST, LEGACY_DB_URL, MYSQL_HOST, MYSQL_UNIX_PORT,"
                + " ORDERS_DSN, PGSERVICE, PGSSLMODE, REPORTS_CONNECTION, SPRING_DATASOURCE_URL, which name another"
                + " database or server. If the project needs one of them, make the code that reads it take"
                + " DATABASE_URL (or the engine's client variables, such as PGHOST and PGDATABASE), which name the"
                + " throwaway database.");
    }

    @Test
    void onMariaDbTheMySqlClientsVariablesNameTheThrowawayDatabaseAndLibpqsAreRemoved() {
        ConnectionDetails mariadb = new ConnectionDetails("127.0.0.1", 3306, "rehearsal_abc", "root", "");
        ToolProcessEnvironment.World world = ToolProcessEnvironment.of("the migration command",
                new MariaDbDialect("11.4", false), mariadb).inheriting(SHELL).world();

        assertThat(world.environment()).contains(entry("DATABASE_URL", "mysql://root@127.0.0.1:3306/rehearsal_abc"),
                entry("MYSQL_HOST", "127.0.0.1"), entry("MYSQL_TCP_PORT", "3306"),
                entry("MYSQL_DATABASE", "rehearsal_abc"), entry("MYSQL_USER", "root"), entry("MYSQL_PWD", ""));
        assertThat(world.environment()).doesNotContainKeys("PGHOST", "PGDATABASE", "PGPASSWORD", "PGSERVICE",
                "MYSQL_UNIX_PORT");
        assertThat(world.removed()).contains("PGHOST", "PGDATABASE", "PGPASSWORD", "MYSQL_UNIX_PORT")
                .doesNotContain("MYSQL_HOST", "DATABASE_URL");
    }

    @Test
    void anEnvironmentThatNamesNoOtherDatabaseGivesNoWarning() {
        ToolProcessEnvironment.World world = ToolProcessEnvironment.of("Django", new PostgresDialect("18"), THROWAWAY)
                .inheriting(Map.of("PATH", "/usr/bin", "DATABASE_URL", "postgres://app@db.internal/app",
                        "PGDATABASE", "app"))
                .world();

        assertThat(world.removed()).isEmpty();
        assertThat(world.warning()).isEmpty();
        assertThat(world.environment()).contains(entry("PGDATABASE", "rehearsal_abc"),
                entry("DATABASE_URL", "postgres://postgres:s3cret@127.0.0.1:54321/rehearsal_abc"));
    }

    /**
     * A helper handed its database with each request (Alembic) starts with none named: the throwaway database's
     * variables and those the user maps are set with each request, so they are removed without a word; the warning
     * names the rest and says how to map one.
     */
    @Test
    void aHelperHandedItsDatabaseLaterStartsWithNoneAndOnlyWhatNoRequestSetsIsWarnedAbout() {
        ToolProcessEnvironment.World world = ToolProcessEnvironment
                .beforeItsDatabase("Alembic", new PostgresDialect("18"))
                .mapped(List.of("ANALYTICS_DATABASE_URL"), "rehearsal.alembic.env.<NAME>=${url}")
                .put("PYTHONDONTWRITEBYTECODE", "1")
                .inheriting(Map.of("PATH", "/usr/bin", "DATABASE_URL", "postgres://app@db.internal/app",
                        "PGDATABASE", "app", "PGSERVICE", "team",
                        "ANALYTICS_DATABASE_URL", "postgresql://analytics.internal/warehouse"))
                .world();

        assertThat(world.environment()).containsExactly(entry("PATH", "/usr/bin"),
                entry("PYTHONDONTWRITEBYTECODE", "1"));
        assertThat(world.removed()).containsExactly("PGSERVICE");
        assertThat(world.warning()).contains("Rehearsal runs Alembic with an environment that names only the"
                + " throwaway database: it removed PGSERVICE, which names another database or server. If the"
                + " project needs it, map it with rehearsal.alembic.env.<NAME>=${url}.");
    }

    @Test
    void aProcessGetsTheWorldInPlaceOfTheJvmsEnvironment() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("true");
        builder.environment().put("TEAM_DATABASE_URL", "postgres://team.internal/app");
        ToolProcessEnvironment.of("TypeORM", new PostgresDialect("18"), THROWAWAY)
                .inheriting(Map.of("PATH", "/usr/bin", "TEAM_DATABASE_URL", "postgres://team.internal/app"))
                .start(builder).waitFor();

        assertThat(builder.environment()).containsEntry("PATH", "/usr/bin")
                .containsEntry("PGDATABASE", "rehearsal_abc").doesNotContainKey("TEAM_DATABASE_URL");
        assertThat(builder.environment().keySet()).doesNotContain("HOME");
    }

    @Test
    void theVariablesHandedAreShownWithoutPasswords() {
        assertThat(ToolProcessEnvironment.of("the migration command", new PostgresDialect("18"), THROWAWAY).handed())
                .isEqualTo("DATABASE_URL=postgres://postgres:***@127.0.0.1:54321/rehearsal_abc,"
                        + " PGDATABASE=rehearsal_abc, PGHOST=127.0.0.1, PGPASSWORD=***, PGPORT=54321, PGUSER=postgres, DATABASE_HOST=127.0.0.1,"
                        + " DATABASE_PORT=54321, DATABASE_NAME=rehearsal_abc, DATABASE_USER=postgres,"
                        + " DATABASE_PASSWORD=***");
    }

    @Test
    void aVariableNamesADatabaseByItsNameOrByItsValue() {
        assertThat(ToolProcessEnvironment.namesADatabase("SQLALCHEMY_DATABASE_URI", "sqlite:///x.db")).isTrue();
        assertThat(ToolProcessEnvironment.namesADatabase("POSTGRES_PASSWORD", "pw")).isTrue();
        assertThat(ToolProcessEnvironment.namesADatabase("PGSERVICEFILE", "/etc/pg_service.conf")).isTrue();
        assertThat(ToolProcessEnvironment.namesADatabase("MYSQL_GROUP_SUFFIX", "_production")).isTrue();
        assertThat(ToolProcessEnvironment.namesADatabase("WAREHOUSE", "postgresql+asyncpg://wh/db")).isTrue();
        assertThat(ToolProcessEnvironment.namesADatabase("CONFIG_JSON", "{\"db\": \"mariadb://h/d\"}")).isTrue();
        assertThat(ToolProcessEnvironment.namesADatabase("SENTRY_DSN", "https://k@sentry.io/1")).isFalse();
        assertThat(ToolProcessEnvironment.namesADatabase("PGDATA", "/var/lib/postgresql/data")).isFalse();
        assertThat(ToolProcessEnvironment.namesADatabase("LS_COLORS", "rs=0:di=01;34:ln=01;36")).isFalse();
        assertThat(ToolProcessEnvironment.namesADatabase("NOTE", "a=a=a=a=a=a=a=a=a=a=a=a=a=a=a=a=a=a=a=a=a=a x"))
                .isFalse();
    }
}
