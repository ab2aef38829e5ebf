package dev.rehearsal.core.config;

import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.model.ClosestName;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code rehearsal.*} setting Rehearsal reads, in the JUnit extension and on the command line: its key, its default as the README's
 * configuration table shows it, the form its value takes, and the environment variable that stands in for it where
 * one does. The single table of settings: {@link Configuration} reads only these keys, rejects any other
 * {@code rehearsal.*} key, and a test checks the README against this table.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum Setting {
    FORMAT("rehearsal.format", "detected", Form.CHOICE, null,
            List.of("flyway", "golang-migrate", "dbmate", "prisma", "alembic", "liquibase", "atlas", "drizzle", "sqitch",
                    "django", "knex", "command")),
    MIGRATIONS("rehearsal.migrations", "classpath:db/migration", Form.TEXT, null),
    IRREVERSIBLE("rehearsal.irreversible", "none", Form.VERSIONS, null),
    MINIMUM_DOWNGRADE_VERSION("rehearsal.minimum-downgrade-version", "none", Form.VERSION, null),
    MISSING_DOWN("rehearsal.missing-down", "restore", Form.CHOICE, null, List.of("restore", "fail")),
    REPORT_DIR("rehearsal.report.dir", "target/rehearsal", Form.TEXT, null),
    REPORT_FORMATS("rehearsal.report.formats", "text, json, html", Form.LIST, null),
    LOSSY("rehearsal.lossy", "none", Form.VERSIONS, null),
    DATA_CHANGES("rehearsal.data-changes", "none", Form.VERSIONS, null),
    SEED_ROWS("rehearsal.seed.rows", "0", Form.COUNT, null),
    RANDOM_SEED("rehearsal.seed", "42", Form.INTEGER, null),
    SEED_LOCALE("rehearsal.seed.locale", "en", Form.LOCALE, null),
    NULL_RATIO("rehearsal.seed.null-ratio", "0.1", Form.RATIO, null),
    SEED_FILE("rehearsal.seed.file", "none", Form.TEXT, null),
    SEED_BOUNDARIES("rehearsal.seed.boundaries", "true", Form.BOOLEAN, null),
    DATA_CHECKS("rehearsal.data-checks", "true", Form.BOOLEAN, null),
    ALLOW_RISKS("rehearsal.allow-risks", "none", Form.RISK_ALLOWANCES, null),
    RISKS_SINCE("rehearsal.risks.since", "none", Form.TEXT, null),
    ONLY_NEW("rehearsal.only-new", "false", Form.BOOLEAN, null),
    ONLY_NEW_KEEP_BASE("rehearsal.only-new.keep-base", "false", Form.BOOLEAN, null),
    RISKS_DOWNS("rehearsal.risks.downs", "report", Form.CHOICE, null, List.of("report", "judge")),
    RISKS_BASE("rehearsal.risks.base", "the branch CI names, origin/HEAD, main, master", Form.TEXT, null),
    TRACE_LOCKS("rehearsal.locks.trace", "true", Form.BOOLEAN, null),
    PROBES("rehearsal.locks.probes", "true", Form.BOOLEAN, null),
    MIGRATION_TIMEOUT("rehearsal.migration-timeout", "60s", Form.DURATION, null),
    BUDGET_READS("rehearsal.budget.reads", "none", Form.DURATION, null),
    BUDGET_WRITES("rehearsal.budget.writes", "none", Form.DURATION, null),
    BUDGET_ACCESS_EXCLUSIVE("rehearsal.budget.access-exclusive", "none", Form.DURATION, null),
    BUDGET_NO_RISKS("rehearsal.budget.no-risks", "false", Form.BOOLEAN, null),
    PROVIDER("rehearsal.provider", "auto", Form.CHOICE, null,
            List.of("auto", "embedded", "server", "testcontainers", "jdbc", "docker", "container")),
    JDBC_URL("rehearsal.jdbc.url", "none", Form.JDBC_URL, null),
    JDBC_USER("rehearsal.jdbc.user", "REHEARSAL_JDBC_USER", Form.TEXT, "REHEARSAL_JDBC_USER"),
    JDBC_PASSWORD("rehearsal.jdbc.password", "REHEARSAL_JDBC_PASSWORD", Form.SECRET, "REHEARSAL_JDBC_PASSWORD"),
    IMAGE("rehearsal.image", "none", Form.TEXT, null),
    POSTGRES_MAJOR("rehearsal.postgres.major", "any", Form.COUNT, null),
    MARIADB_URL("rehearsal.mariadb.url", "none", Form.JDBC_URL, null),
    MARIADB_USER("rehearsal.mariadb.user", "REHEARSAL_MARIADB_USER", Form.TEXT, "REHEARSAL_MARIADB_USER"),
    MARIADB_PASSWORD("rehearsal.mariadb.password", "REHEARSAL_MARIADB_PASSWORD", Form.SECRET,
            "REHEARSAL_MARIADB_PASSWORD"),
    MARIADB_IMAGE("rehearsal.mariadb.image", "mariadb:11.4", Form.TEXT, null),
    MATRIX("rehearsal.matrix", "embedded", Form.LIST, null),
    SHARD("rehearsal.shard", "1/1", Form.SHARD, null),
    PARALLEL("rehearsal.parallel", "auto", Form.PARALLEL, null),
    PATCHED_SCHEMA_READS("rehearsal.schema.patched-reads", "true", Form.BOOLEAN, null),
    COLUMN_ORDER("rehearsal.schema.column-order", "false", Form.BOOLEAN, null),
    QUERIES_FILE("rehearsal.queries.file", "none", Form.LIST, null),
    QUERIES_AFTER_FILE("rehearsal.queries.after-file", "none", Form.LIST, null),
    QUERIES_RECORD("rehearsal.queries.record", "none", Form.TEXT, null),
    QUERIES_TRAFFIC("rehearsal.queries.traffic", "true", Form.BOOLEAN, null),
    QUERIES_MAX_WAIT("rehearsal.queries.max-wait", "none", Form.DURATION, null),
    LOG_TOOL("rehearsal.log.tool", "warn", Form.CHOICE, null, List.of("warn", "info")),
    CONTAINMENT("rehearsal.containment", "network", Form.CHOICE, null, List.of("network", "guard")),
    FLYWAY_CONFIG("rehearsal.flyway.config", "found where teams keep them", Form.LIST,
            null),
    FLYWAY_CUSTOMIZER("rehearsal.flyway.customizer", "none", Form.TEXT, null),
    UNDO_WRITE("rehearsal.undo.write", "false", Form.BOOLEAN, null),
    RETRY("rehearsal.retry", "true", Form.BOOLEAN, null),
    LIQUIBASE_CONTEXTS("rehearsal.liquibase.contexts", "none: every changeset", Form.TEXT, null),
    LIQUIBASE_LABELS("rehearsal.liquibase.labels", "none: every changeset", Form.TEXT, null),
    LIQUIBASE_SEARCH_PATH("rehearsal.liquibase.search-path", "the class path and the working directory", Form.LIST,
            null),
    ALEMBIC_PYTHON("rehearsal.alembic.python", "VIRTUAL_ENV, a .venv, python3", Form.TEXT, null),
    ALEMBIC_CONFIG("rehearsal.alembic.config", "alembic.ini beside or above the versions", Form.TEXT, null),
    ALEMBIC_NAME("rehearsal.alembic.name", "alembic", Form.TEXT, null),
    ALEMBIC_X("rehearsal.alembic.x", "none", Form.LIST, null),
    DJANGO_PYTHON("rehearsal.django.python", "VIRTUAL_ENV, a .venv, python3", Form.TEXT, null),
    DJANGO_SETTINGS("rehearsal.django.settings", "what manage.py sets", Form.TEXT, null),
    KNEX_NODE("rehearsal.knex.node", "node", Form.TEXT, null),
    KNEX_CONFIG("rehearsal.knex.config", "knexfile.js beside or above the migrations", Form.TEXT, null),
    KNEX_ENVIRONMENT("rehearsal.knex.environment", "NODE_ENV, else development", Form.TEXT, null),
    COMMAND_UP("rehearsal.command.up", "none", Form.TEXT, null),
    COMMAND_DOWN("rehearsal.command.down", "none: rehearsed up only", Form.TEXT, null),
    COMMAND_CURRENT("rehearsal.command.current", "none", Form.TEXT, null),
    COMMAND_CURRENT_PATTERN("rehearsal.command.current-pattern", "the output's last word", Form.TEXT, null),
    COMMAND_TABLES("rehearsal.command.tables", "none", Form.LIST, null),
    COMMAND_DIRECTORY("rehearsal.command.directory", "the working directory", Form.TEXT, null),
    COMMAND_BASE("rehearsal.command.base", "zero", Form.TEXT, null),
    SNAPSHOTS_SCHEMA("rehearsal.snapshots.schema", "auto", Form.CHOICE, null, List.of("auto", "on", "off")),
    SNAPSHOTS_DIR("rehearsal.snapshots.dir", "src/test/resources/rehearsal/schema", Form.TEXT, null),
    SNAPSHOTS_UPDATE("rehearsal.snapshots.update", "false", Form.BOOLEAN, null),
    VOLUMES_FILE("rehearsal.volumes.file", "none", Form.TEXT, null),
    ESTIMATE_SIZES("rehearsal.estimates.sizes", "10000, 40000, 160000", Form.LIST, null),
    ESTIMATE_REPEATS("rehearsal.estimates.repeats", "2", Form.COUNT, null),
    ESTIMATE_TIME_BUDGET("rehearsal.estimates.time-budget", "2m", Form.DURATION, null);

    /** {@code rehearsal.volume.<table>}: production row counts for volume estimates, one key per table. */
    public static final String VOLUME_PREFIX = ProductionVolumes.PREFIX;

    /**
     * {@code rehearsal.queries.max-wait.<table>}: the wait budget of the application's statements on one table, in
     * place of {@code rehearsal.queries.max-wait} there.
     */
    public static final String QUERY_WAIT_PREFIX = "rehearsal.queries.max-wait.";

    /**
     * {@code rehearsal.alembic.env.<NAME>}: an environment variable for the project's env.py, a template of the
     * throwaway database's {@code ${url}}, {@code ${host}}, {@code ${port}}, {@code ${user}}, {@code ${password}},
     * {@code ${database}}.
     */
    public static final String ALEMBIC_ENV_PREFIX = "rehearsal.alembic.env.";

    /**
     * {@code rehearsal.env.<NAME>}: an environment variable for every tool Rehearsal runs as a process (Alembic,
     * Django, Knex, TypeORM, a command), set to the database of the moment with each migration, a template as
     * {@link #ALEMBIC_ENV_PREFIX}'s ({@code ${url}} is {@code DATABASE_URL}'s form, SQLAlchemy's for Alembic).
     */
    public static final String TOOL_ENV_PREFIX = "rehearsal.env.";

    /** {@code rehearsal.placeholders.<name>}: Flyway placeholder values, one key per placeholder. */
    public static final String PLACEHOLDER_PREFIX = "rehearsal.placeholders.";

    /**
     * Keys under {@code rehearsal.} that are not settings and are let through: {@code rehearsal.version} is the
     * Maven property the README's dependency snippet uses, and Surefire passes {@code -D} properties on to tests.
     */
    public static final List<String> NOT_SETTINGS = List.of("rehearsal.version", Setting.FLYWAY_SYSTEM_PROPERTIES);

    /**
     * The system property the command line sets to {@code true} while its {@code -D flyway.*} keys are system
     * properties, so that Flyway's configuration takes them: elsewhere (a test JVM) {@code flyway.*} system properties
     * are the build's, such as Maven's {@code -Dflyway.version}, and are left alone.
     */
    public static final String FLYWAY_SYSTEM_PROPERTIES = "rehearsal.internal.flyway-system-properties";

    /** The forms a value can take; each says what it accepts in {@link #accepted()}. */
    public enum Form {
        TEXT("any text"),
        SECRET("any text"),
        BOOLEAN("true or false"),
        COUNT("a whole number, 0 or more"),
        INTEGER("a whole number"),
        RATIO("a number from 0 to 1, such as 0.1"),
        DURATION("a duration such as 250ms, 2s, 1.5s or 1m (a bare number is milliseconds)"),
        LOCALE("a language tag such as en, de or pt-BR"),
        VERSION("a migration version such as 5, 1.2 or 20240101120000"),
        VERSIONS("migration versions separated by commas, such as 3, 5"),
        JDBC_URL("a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/postgres or jdbc:mariadb://127.0.0.1:3306/test"),
        RISK_ALLOWANCES("\"<version> <rule>: <reason>\" entries separated by ;"),
        LIST("entries separated by commas"),
        SHARD("index/count with 1 <= index <= count, such as 2/4"),
        PARALLEL("auto, or how many parts of the round trips may run at once: a whole number, 1 or more"),
        CHOICE("one of the listed values");

        private final String accepted;

        Form(String accepted) {
            this.accepted = accepted;
        }

        public String accepted() {
            return accepted;
        }
    }

    private final String key;
    private final String documentedDefault;
    private final Form form;
    private final String environmentVariable;
    private final List<String> choices;

    Setting(String key, String documentedDefault, Form form, String environmentVariable) {
        this(key, documentedDefault, form, environmentVariable, List.of());
    }

    Setting(String key, String documentedDefault, Form form, String environmentVariable, List<String> choices) {
        this.key = key;
        this.documentedDefault = documentedDefault;
        this.form = form;
        this.environmentVariable = environmentVariable;
        this.choices = choices;
    }

    /** {@code rehearsal.seed.rows}. */
    public String key() {
        return key;
    }

    /** The default as the README's configuration table shows it ({@code none}, {@code 60s}, {@code classpath:db/migration}). */
    public String documentedDefault() {
        return documentedDefault;
    }

    public Form form() {
        return form;
    }

    /** The environment variable read when neither the annotation nor a parameter sets the value. */
    public Optional<String> environmentVariable() {
        return Optional.ofNullable(environmentVariable);
    }

    /** The accepted values of a {@link Form#CHOICE}; empty for other forms. */
    public List<String> choices() {
        return choices;
    }

    /** What the value may be, for messages. */
    public String accepted() {
        return form == Form.CHOICE ? String.join(", ", choices) : form.accepted();
    }

    /** The setting with this key. */
    public static Optional<Setting> byKey(String key) {
        for (Setting setting : values()) {
            if (setting.key.equals(key)) {
                return Optional.of(setting);
            }
        }
        return Optional.empty();
    }

    /** The known key nearest to {@code key} by edit distance, or null when none is near. */
    public static String closest(String key) {
        return ClosestName.among(key, Arrays.stream(values()).map(Setting::key).toList()).orElse(null);
    }

    /**
     * The failure for {@code key}, set at {@code where}, which is no setting: with the closest known key, or else
     * every key and prefix Rehearsal reads.
     */
    static RehearsalException unknown(String key, String where) {
        String closest = closest(key);
        if (closest != null) {
            return new RehearsalException("Unknown setting " + key + " (" + where + "): did you mean " + closest
                    + "? Every setting: docs/configuration.md.");
        }
        return new RehearsalException("Unknown setting " + key + " (" + where + ")."
                + " The settings Rehearsal reads are listed in the README's configuration table: "
                + String.join(", ", Arrays.stream(values()).map(Setting::key).toList())
                + ", " + QUERY_WAIT_PREFIX + "<table>, " + ALEMBIC_ENV_PREFIX + "<NAME>, " + TOOL_ENV_PREFIX
                + "<NAME> and " + PLACEHOLDER_PREFIX + "<name>.");
    }
}
