package dev.rehearsal.core;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How Rehearsal drives the team's migration tool: how much of the tool's own log reaches the console, where the
 * team's Flyway configuration is, a class that adjusts Flyway's configuration in code, and whether down scripts it
 * generated and verified are written into the team's migration folder.
 *
 * @param log              {@code warn} (the default): the tool's routine log lines are dropped and its warnings go
 *                         to the report; {@code info}: the tool logs as it is configured to
 * @param flywayConfig     Flyway configuration files to read ({@code flyway.conf}, {@code flyway.toml}, Spring Boot's
 *                         {@code application.properties} or {@code application.yml}); empty looks for them where
 *                         teams keep them (see the README, section Flyway)
 * @param flywayCustomizer the name of a class implementing
 *                         {@link dev.rehearsal.core.flyway.FlywayCustomizer}, or null
 * @param writeUndo        whether verified generated down scripts are written next to the migrations that lack one
 *                         ({@code U3__add_tier.sql}), for the team to review; never where the {@code CI} environment
 *                         variable is set
 * @param liquibaseContexts Liquibase context expression selecting the changesets rehearsed; empty: all
 * @param liquibaseLabels   Liquibase label expression selecting the changesets rehearsed; empty: all
 * @param command          the commands of a migration tool driven through its own command line
 * @param alembic          how the project's own Alembic is run
 * @param django           how the project's own Django is run
 * @param knex             how the project's own Knex is run
 * @param liquibaseSearchPath folders and class-path roots Liquibase resolves changelog and include paths against, as
 *                         its own {@code searchPath} parameter; empty: the class path and the working directory
 * @param containment      how a tool Rehearsal runs as a process (Alembic, Django, Knex, TypeORM, a command) is kept
 *                         to the throwaway database: {@code network} (the default: in namespaces of its own where
 *                         Linux allows, guarded elsewhere) or {@code guard} (the session and driver guards alone)
 * @param environment      environment variables set for every tool run as a process ({@code rehearsal.env.<NAME>}),
 *                         each a template of the database of the moment ({@code ${url}}, {@code ${host}}...)
 * @param retry            whether a migration that can stop part-way is stopped at each such point and retried, and
 *                         the repeatable migrations applied again over themselves (on by default)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record ToolSettings(String log, List<String> flywayConfig, String flywayCustomizer, boolean writeUndo,
                           String liquibaseContexts, String liquibaseLabels, CommandSettings command,
                           AlembicSettings alembic, DjangoSettings django, KnexSettings knex,
                           List<String> liquibaseSearchPath, String containment, Map<String, String> environment,
                           boolean retry) {

    /** Quiet tools, configuration found where teams keep it, no customizer. */
    public static final ToolSettings DEFAULTS = new ToolSettings("warn", List.of(), null, false, "", "",
            CommandSettings.NONE, AlembicSettings.DEFAULTS, DjangoSettings.DEFAULTS, KnexSettings.DEFAULTS, List.of(),
            "network", Map.of(), true);

    public ToolSettings {
        Objects.requireNonNull(log, "log");
        if (!log.equals("warn") && !log.equals("info")) {
            throw new IllegalArgumentException("rehearsal.log.tool is \"" + log + "\"; use warn (the default: only the"
                    + " tool's warnings, in the report) or info (the tool's own log on the console)");
        }
        flywayConfig = List.copyOf(flywayConfig);
        liquibaseContexts = liquibaseContexts == null ? "" : liquibaseContexts.strip();
        liquibaseLabels = liquibaseLabels == null ? "" : liquibaseLabels.strip();
        command = command == null ? CommandSettings.NONE : command;
        alembic = alembic == null ? AlembicSettings.DEFAULTS : alembic;
        django = django == null ? DjangoSettings.DEFAULTS : django;
        knex = knex == null ? KnexSettings.DEFAULTS : knex;
        liquibaseSearchPath = List.copyOf(liquibaseSearchPath);
        containment = containment == null ? "network" : containment;
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        if (!containment.equals("network") && !containment.equals("guard")) {
            throw new IllegalArgumentException("rehearsal.containment is \"" + containment + "\"; use network (the"
                    + " default: tools run in namespaces of their own where Linux allows) or guard (guarded only)");
        }
    }

    /** Whether the tool's routine log lines reach the console. */
    public boolean verbose() {
        return log.equals("info");
    }

    /** A copy that reads these Flyway configuration files instead of looking for them. */
    public ToolSettings withFlywayConfig(List<String> files) {
        return new ToolSettings(log, files, flywayCustomizer, writeUndo, liquibaseContexts, liquibaseLabels, 
                command, alembic, django, knex, liquibaseSearchPath, containment, environment, retry);
    }

    /** A copy that applies this customizer class to Flyway's configuration. */
    public ToolSettings withFlywayCustomizer(String className) {
        return new ToolSettings(log, flywayConfig, className, writeUndo, liquibaseContexts, liquibaseLabels, 
                command, alembic, django, knex, liquibaseSearchPath, containment, environment, retry);
    }

    /** A copy with this log level ({@code warn} or {@code info}). */
    public ToolSettings withLog(String level) {
        return new ToolSettings(level, flywayConfig, flywayCustomizer, writeUndo, liquibaseContexts,
                liquibaseLabels, 
                command, alembic, django, knex, liquibaseSearchPath, containment, environment, retry);
    }

    /** A copy that writes verified generated down scripts next to the migrations ({@code true}), or not. */
    public ToolSettings withWriteUndo(boolean value) {
        return new ToolSettings(log, flywayConfig, flywayCustomizer, value, liquibaseContexts, liquibaseLabels, 
                command, alembic, django, knex, liquibaseSearchPath, containment, environment, retry);
    }

    /** A copy that runs only the Liquibase changesets these context and label expressions select (empty: all). */
    public ToolSettings withLiquibaseFilter(String contexts, String labels) {
        return new ToolSettings(log, flywayConfig, flywayCustomizer, writeUndo, contexts, labels, 
                command, alembic, django, knex, liquibaseSearchPath, containment, environment, retry);
    }

    /** A copy that runs the project's Alembic as these settings say. */
    public ToolSettings withAlembic(AlembicSettings settings) {
        return new ToolSettings(log, flywayConfig, flywayCustomizer, writeUndo, liquibaseContexts, liquibaseLabels,
                command, settings, django, knex, liquibaseSearchPath, containment, environment, retry);
    }

    /** A copy that runs the project's Django and Knex as these settings say. */
    public ToolSettings withHelpers(DjangoSettings djangoSettings, KnexSettings knexSettings) {
        return new ToolSettings(log, flywayConfig, flywayCustomizer, writeUndo, liquibaseContexts, liquibaseLabels,
                command, alembic, djangoSettings, knexSettings, liquibaseSearchPath, containment, environment, retry);
    }

    /** A copy whose Liquibase resolves changelog paths against these folders and class-path roots. */
    public ToolSettings withLiquibaseSearchPath(List<String> searchPath) {
        return new ToolSettings(log, flywayConfig, flywayCustomizer, writeUndo, liquibaseContexts, liquibaseLabels,
                command, alembic, django, knex, searchPath, containment, environment, retry);
    }

    /** A copy that drives the migration tool through these commands. */
    public ToolSettings withCommand(CommandSettings settings) {
        return new ToolSettings(log, flywayConfig, flywayCustomizer, writeUndo, liquibaseContexts, liquibaseLabels,
                settings, alembic, django, knex, liquibaseSearchPath, containment, environment, retry);
    }

    /** A copy that keeps the tools' processes to the throwaway database this way ({@code network} or {@code guard}). */
    public ToolSettings withContainment(String mode) {
        return new ToolSettings(log, flywayConfig, flywayCustomizer, writeUndo, liquibaseContexts, liquibaseLabels,
                command, alembic, django, knex, liquibaseSearchPath, mode, environment, retry);
    }

    /** A copy that sets these variables ({@code rehearsal.env.<NAME>} templates) for every tool run as a process. */
    public ToolSettings withEnvironment(Map<String, String> variables) {
        return new ToolSettings(log, flywayConfig, flywayCustomizer, writeUndo, liquibaseContexts, liquibaseLabels,
                command, alembic, django, knex, liquibaseSearchPath, containment, variables, retry);
    }

    /** A copy that rehearses retries ({@code true}, the default) or not. */
    public ToolSettings withRetry(boolean value) {
        return new ToolSettings(log, flywayConfig, flywayCustomizer, writeUndo, liquibaseContexts, liquibaseLabels,
                command, alembic, django, knex, liquibaseSearchPath, containment, environment, value);
    }
}
