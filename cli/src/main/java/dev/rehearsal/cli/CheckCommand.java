package dev.rehearsal.cli;

import dev.rehearsal.core.HistoryDefectException;
import dev.rehearsal.core.MigrationRehearsal;
import dev.rehearsal.core.NewMigrations;
import dev.rehearsal.core.OnlyNew;
import dev.rehearsal.core.PhaseResult;
import dev.rehearsal.core.RehearsalSettings;
import dev.rehearsal.core.RoundTripReport;
import dev.rehearsal.core.RoundTripStep;
import dev.rehearsal.core.config.Configuration;
import dev.rehearsal.core.config.ConfiguredSettings;
import dev.rehearsal.core.config.ProviderChoice;
import dev.rehearsal.core.config.Setting;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.estimate.ProductionVolumes;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.model.Remedies;
import dev.rehearsal.core.report.Finding;
import dev.rehearsal.core.report.ReportFormat;
import dev.rehearsal.core.report.ReportWriter;
import dev.rehearsal.snapshots.DataSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code rehearsal check <folder>}: detects the folder's layout, rehearses every migration up, down and up again on a
 * throwaway database (the embedded PostgreSQL unless a server or an image is named), writes the reports asked for,
 * and exits 0 when every round trip passed with no risk left unallowed, 1 on findings (a history the tool would
 * refuse included), 2 on usage or environment errors. Settings come from the flags, then the nearest
 * {@code rehearsal.properties} or {@code rehearsal.toml}, with
 * the keys and checks of the JUnit extension ({@link ConfiguredSettings}).
 */
@Command(name = "check", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
        versionProvider = RehearsalCli.Version.class,
        // one element per paragraph, wrapped at words by picocli; the first is the summary `rehearsal --help` lists
        description = {
                "Rehearses every migration in <folder>: up, down and up again on a throwaway database.",
                "Fails when a down leaves something behind, up again builds a different schema, data is lost, a lock"
                        + " budget is broken or a lock risk is not allowed. Layouts: Flyway, golang-migrate, dbmate,"
                        + " Prisma, Alembic, Knex, Django, Liquibase, Atlas, Drizzle, Sqitch (detected; --layout to say"
                        + " which)."},
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every migration passed",
                "1:findings: a failed round trip, a broken lock budget, a risk not allowed",
                "2:usage or environment errors: a bad flag or value, a folder without migrations, a server that"
                        + " cannot be reached, an output that cannot be written",
                "130:interrupted by Ctrl-C (SIGINT), after writing the partial reports",
                "143:ended by SIGTERM (a cancelled CI job), after writing the partial reports"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  rehearsal check db/migrations",
                "  rehearsal check alembic/versions --seed 1000 --format html --output rehearsal.html",
                "  rehearsal check migrations --format sarif --format github --output reports/",
                "  rehearsal check db/migrations --jdbc-url jdbc:postgresql://localhost:5432/postgres",
                "  rehearsal check migrations --budget-writes 2s --allow-risk \"5 non-concurrent-index: 20 rows\"",
                "",
                "Settings: the nearest rehearsal.properties or rehearsal.toml in <folder> or above it (or --config),"
                        + " with the keys of the README's configuration table; flags and -D win over it."})
final class CheckCommand implements Callable<Integer> {

    /** Whether a signal should end a running check cleanly (a real process); set by {@link RehearsalCli#run}. */
    static volatile boolean handleInterrupt;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "<folder>", description = "The migrations: a folder (or a Liquibase changelog file).")
    Path folder;

    @Option(names = {"-f", "--format"}, paramLabel = "<format>",
            description = "text, json, sarif, junit, github or html; repeat for several (default: text).")
    List<String> formats = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "<path>",
            description = {"Where the report goes: a file for one format, a folder for several.",
                    "Default: one format on standard output, several in ./rehearsal-report/."})
    Path output;

    @Option(names = "--layout", paramLabel = "<layout>",
            description = "flyway, golang-migrate, dbmate, prisma, alembic, knex, django, liquibase, atlas, drizzle, sqitch"
                    + " (default: detected).")
    String layout;

    @Option(names = "--jdbc-url", paramLabel = "<url>",
            description = "A PostgreSQL or MariaDB server to create throwaway databases on (default: embedded PostgreSQL).")
    String jdbcUrl;

    @Option(names = "--jdbc-user", paramLabel = "<user>", description = "Its user (or REHEARSAL_JDBC_USER).")
    String jdbcUser;

    @Option(names = "--image", paramLabel = "<image>", description = "A Docker image to run the database in (Testcontainers).")
    String image;

    @Option(names = "--seed", paramLabel = "<rows>", description = "Rows per table generated before each round trip (default: 0).")
    Long seedRows;

    @Option(names = "--seed-file", paramLabel = "<file>", description = "Per-table rows and per-column lengths,"
            + " NULL ratios and values for seeded rows (TOML, as rehearsal.seed.file; docs/configuration.md).")
    String seedFile;

    @Option(names = "--queries", paramLabel = "<file>", description = "The running application's queries (a"
            + " pg_stat_statements or MariaDB digest CSV export, or SQL statements), checked after each up and played"
            + " as traffic while each migration runs; repeatable.")
    List<String> queries = new ArrayList<>();

    @Option(names = "--query-max-wait", paramLabel = "<duration>", description = "The longest one of those queries"
            + " may wait while a migration runs (100ms, 2s): a phase in which one waits longer fails.")
    String queryMaxWait;

    @Option(names = "--queries-after", paramLabel = "<file>", description = "The new version's queries, checked after"
            + " each down (a rollback runs the new application on the old schema); repeatable.")
    List<String> queriesAfter = new ArrayList<>();

    @Option(names = "--volumes", paramLabel = "<file>", description = "Production row counts (the statistics file"
            + " rehearsal.volumes.file reads): each up on those tables is estimated at that volume in every report,"
            + " and lock budgets hold there too.")
    String volumes;

    @Option(names = "--from-snapshot", paramLabel = "<file>", description = "Start from a masked data snapshot"
            + " (rehearsal snapshot capture): the database is migrated to its version and loaded with its rows, and"
            + " the migrations after it are rehearsed over them.")
    Path fromSnapshot;

    @Option(names = "--no-locks", description = "Neither trace locks nor play probe traffic (faster, finds less).")
    boolean noLocks;

    @Option(names = "--budget-reads", paramLabel = "<duration>", description = "Longest any read may wait behind a migration (250ms, 2s).")
    String budgetReads;

    @Option(names = "--budget-writes", paramLabel = "<duration>", description = "Longest any write may wait behind a migration.")
    String budgetWrites;

    @Option(names = "--budget-access-exclusive", paramLabel = "<duration>",
            description = "Longest a migration may hold ACCESS EXCLUSIVE on a table that existed before it.")
    String budgetAccessExclusive;

    @Option(names = "--allow-risk", paramLabel = "\"<version> <rule>: <reason>\"",
            description = "A lock risk a migration may take, with why; repeatable.")
    List<String> allowRisks = new ArrayList<>();

    @Option(names = "--risks-since", paramLabel = "<version>",
            description = "The last released migration: only the risks of later ones fail the check.")
    String risksSince;

    @Option(names = "--risks-base", paramLabel = "<branch>", description = "The branch a change goes into (git): only"
            + " the risks of migrations added or changed since the merge base with it fail the check.")
    String risksBase;

    @Option(names = "--only-new", description = "Rehearse only the migrations the change adds, over the released ones"
            + " applied by the tool without checks: the same base as the risks (--risks-base, --risks-since).")
    boolean onlyNew;

    @Option(names = "--keep-base", description = "With --only-new on a PostgreSQL server (--jdbc-url): copy the"
            + " released migrations' base from one an earlier run kept, else keep it for later runs.")
    boolean keepBase;

    @Option(names = "--config", paramLabel = "<file>",
            description = "A rehearsal.properties or rehearsal.toml to use instead of the nearest one.")
    Path config;

    @Option(names = {"--classpath", "--cp"}, paramLabel = "<jars and folders>",
            description = "Jars and class folders the migrations need (Liquibase custom changes and their"
                    + " dependencies), separated by commas or the platform's path separator; repeatable.")
    List<String> classpath = new ArrayList<>();

    @Option(names = "-D", paramLabel = "<key>=<value>",
            description = {"Any setting of the README's table (rehearsal.seed.locale=de), or a property of the tool"
                    + " (spring.*, flyway.*, liquibase.*: passed on as a -D on its JVM); repeatable."})
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = {"-q", "--quiet"}, description = "No progress lines.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Also the settings and where each came from, the database,"
            + " each phase's SQL and check times and each migration's notes.")
    boolean verbose;

    @Option(names = "--debug", description = "Stack traces with errors.")
    boolean debug;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return check(out, err);
        } catch (RehearsalException | UncheckedIOException | IllegalArgumentException e) {
            err.println("rehearsal: " + String.join("\n  ", e.getMessage() == null ? List.of(e.toString())
                    : e.getMessage().lines().toList()));
            if (debug) {
                e.printStackTrace(err);
            }
            err.flush();
            // a history the team's tool would refuse is a finding about the migrations, not about how this ran
            return historyDefect(e) ? RehearsalCli.FINDINGS : RehearsalCli.ERROR;
        }
    }

    /** Which migrations the risks are judged for, and why; where no base is known with --only-new, its error says it. */
    private static void noteBase(NewMigrations judged, boolean onlyNew, Progress progress) {
        if (judged.note() != null && (judged.baseKnown() || !onlyNew)) {
            progress.note(judged.note());
        }
    }

    private static boolean historyDefect(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HistoryDefectException) {
                return true;
            }
        }
        return false;
    }

    private int check(PrintWriter out, PrintWriter err) {
        if (!Files.exists(folder)) {
            throw new RehearsalException("the folder " + folder + " does not exist: give the folder that holds the"
                    + " migrations (or a Liquibase changelog file)");
        }
        Set<ReportFormat> asked = new LinkedHashSet<>();
        for (String f : formats.isEmpty() ? List.of("text") : formats) {
            for (String name : f.split(",")) {
                if (!name.isBlank()) {
                    asked.add(ReportFormat.parse(name));
                }
            }
        }
        Outputs outputs = Outputs.of(new ArrayList<>(asked), output);
        outputs.checkWritable();

        Optional<SettingsFile> file = config != null ? Optional.of(SettingsFile.read(config)) : SettingsFile.find(folder);
        ToolProperties defines = ToolProperties.of(settings);
        Map<String, String> where = new TreeMap<>();
        Configuration configuration = configuration(file, defines, where);
        String location = "filesystem:" + folder.toAbsolutePath().normalize();
        RehearsalSettings rehearsalSettings = ConfiguredSettings.resolve(configuration,
                ConfiguredSettings.Overrides.NONE.withMigrations(location), () -> location)
                .withRemedies(Remedies.COMMAND_LINE);
        Progress progress = new Progress(err, Terminal.detect(), quiet, verbose);
        file.ifPresent(f -> progress.note("settings: " + f.file()));
        where.forEach((k, from) -> progress.verbose("setting " + k + " from " + from));
        defines.tool().keySet().forEach(k -> progress.verbose("tool property " + k + " from -D"));

        ProductionVolumes productionVolumes = configuration.volumes(Map.of());
        DatabaseProvider provider = ProviderChoice.select(configuration, ProviderChoice.Kind.AUTO, "", null,
                url -> ProviderChoice.server(configuration, url));
        Interrupt interrupt = new Interrupt(handleInterrupt);
        try (provider; ToolProperties.Applied toolProperties = defines.apply();
             UserClassPath classes = UserClassPath.of(classpath, CheckCommand.class.getClassLoader());
             MigrationRehearsal rehearsal = MigrationRehearsal.start(rehearsalSettings, provider, classes.loader())) {
            interrupt.arm(rehearsal, outputs, out, err, progress);
            progress.verbose("database: " + provider.describe() + "; history: " + rehearsal.history().location()
                    + " (" + rehearsal.history().versioned().size() + " migrations)");
            if (!productionVolumes.isEmpty()) {
                rehearsal.budgetsAtProductionVolume(productionVolumes, configuration.estimateSettings());
            }
            if (fromSnapshot != null) {
                try (DataSnapshot snapshot = DataSnapshot.open(fromSnapshot)) {
                    DataSnapshot.RestoreResult restored = snapshot.restoreInto(rehearsal);
                    progress.note(String.format(Locale.ROOT, "restored %,d rows of %s at %s", restored.rows(),
                            fromSnapshot, restored.version().displayName()));
                    restored.notes().forEach(progress::note);
                }
            }
            boolean onlyNew = configuration.bool(Setting.ONLY_NEW, false);
            JudgedMigrations judged = JudgedMigrations.of(rehearsal.history(),
                    configuration.text(Setting.RISKS_SINCE).orElse(null),
                    configuration.text(Setting.RISKS_BASE).orElse(null), folder, System.getenv(), onlyNew);
            if (!judged.ahead()) {
                noteBase(judged.get(), onlyNew, progress);
            }
            rehearsal.production(judged, productionVolumes);
            boolean nothingNew = false;
            if (onlyNew) {
                OnlyNew base = OnlyNew.reach(rehearsal, judged.get(),
                        configuration.bool(Setting.ONLY_NEW_KEEP_BASE, false));
                progress.note("rehearsal: " + base.note());
                nothingNew = base.nothingNew(); // the reports are still written, empty: CI steps read them
            } else if (configuration.bool(Setting.ONLY_NEW_KEEP_BASE, false)) {
                progress.note("rehearsal: warning: --keep-base (rehearsal.only-new.keep-base) keeps the base of"
                        + " --only-new, and this run rehearses every migration: nothing is kept");
            }
            List<RoundTripStep> steps = nothingNew ? List.of() : rehearsal.roundTripSteps();
            if (steps.isEmpty() && !nothingNew) {
                throw new RehearsalException("no migrations to rehearse in " + folder);
            }
            for (int i = 0; i < steps.size(); i++) {
                RoundTripStep step = steps.get(i);
                interrupt.running(step.displayName());
                for (PhaseResult.Phase phase : step.phases()) {
                    if (interrupt.requested()) {
                        return interrupt.await();
                    }
                    progress.phase(i + 1, steps.size(), step.displayName(), phase);
                    try {
                        step.run(phase);
                    } catch (RehearsalException | AssertionError e) {
                        // recorded in the step's result
                    } catch (RuntimeException e) {
                        if (interrupt.requested()) {
                            return interrupt.await(); // the signal closed the database under the migration
                        }
                        throw e;
                    }
                }
                progress.done(i + 1, steps.size(), step.result());
            }
            interrupt.running(null);
            progress.finish();
            if (judged.ahead()) {
                noteBase(judged.get(), onlyNew, progress);
            }
            if (!productionVolumes.isEmpty() && !nothingNew) {
                productionVolumes.unknownTables(rehearsal.schema())
                        .forEach(warning -> progress.note("rehearsal: warning: " + warning));
            }
            RoundTripReport report = rehearsal.report();
            ReportWriter writer = ReportWriter.of(report, rehearsal.history(), Path.of(""))
                    .withEstimates(rehearsal.productionEstimates());
            if (configuration.text(Setting.RISKS_DOWNS).orElse("report").equals("judge")) {
                writer = writer.judgingDowns(); // before the released ones are set aside: theirs stay unjudged
            }
            NewMigrations news = judged.get();
            writer = writer.judging(news::judged);
            outputs.write(writer, report, out, progress);
            interrupt.disarm();
            ClassArchive.reportWritten();
            return verdict(report, writer, progress);
        } finally {
            interrupt.disarm();
            DatabaseProviders.stopSharedEmbeddedPostgres();
            if (configuration.text(Setting.IMAGE).isPresent()) {
                DatabaseProviders.stopContainers();
            }
        }
    }

    /**
     * 1 when a round trip failed or a risk of a new migration is not allowed, else 0; says how many on standard error,
     * and how many risks of released migrations were reported without being judged.
     */
    private static int verdict(RoundTripReport report, ReportWriter writer, Progress progress) {
        List<Finding> findings = writer.findings();
        long failures = report.steps().stream().filter(s -> s.status() == PhaseResult.Status.FAILED).count();
        long judgedRisks = findings.stream().filter(f -> f.level() == Finding.Level.WARNING && f.suppressed() == null)
                .count();
        long released = findings.stream().filter(f -> ReportWriter.RELEASED.equals(f.suppressed())).count();
        long downs = findings.stream().filter(f -> ReportWriter.DOWN.equals(f.suppressed())).count();
        String releasedNote = (released == 0 ? "" : String.format(Locale.ROOT, "; %d risk%s of released migrations"
                + " reported, not judged", released, released == 1 ? "" : "s"))
                + (downs == 0 ? "" : String.format(Locale.ROOT, "; %d risk%s of down scripts reported, not judged"
                + " (rehearsal.risks.downs=judge judges them)", downs, downs == 1 ? "" : "s"));
        if (failures == 0 && judgedRisks == 0) {
            if (!releasedNote.isEmpty()) {
                progress.note("rehearsal: 0 failed round trips, 0 risks not allowed" + releasedNote);
            }
            return RehearsalCli.CLEAN;
        }
        progress.note(String.format(Locale.ROOT, "rehearsal: %d failed round trip%s, %d risk%s not allowed%s", failures,
                failures == 1 ? "" : "s", judgedRisks, judgedRisks == 1 ? "" : "s", releasedNote));
        return RehearsalCli.FINDINGS;
    }

    /**
     * The flags as settings, over the settings file's; every key checked, as the extension checks its own;
     * {@code where} is told where each came from.
     */
    private Configuration configuration(Optional<SettingsFile> file, ToolProperties defines, Map<String, String> where) {
        Map<String, String> values = new LinkedHashMap<>();
        file.ifPresent(f -> f.values().forEach((k, v) -> {
            values.put(k, v);
            where.put(k, f.file().toString());
        }));
        flag(values, where, "--layout", "rehearsal.format", layout);
        flag(values, where, "--jdbc-url", "rehearsal.jdbc.url", jdbcUrl);
        flag(values, where, "--jdbc-user", "rehearsal.jdbc.user", jdbcUser);
        flag(values, where, "--image", "rehearsal.image", image);
        flag(values, where, "--seed", "rehearsal.seed.rows", seedRows == null ? null : String.valueOf(seedRows));
        flag(values, where, "--seed-file", "rehearsal.seed.file", seedFile);
        flag(values, where, "--volumes", "rehearsal.volumes.file", volumes);
        flag(values, where, "--queries", "rehearsal.queries.file", queries.isEmpty() ? null : String.join(",", queries));
        flag(values, where, "--queries-after", "rehearsal.queries.after-file",
                queriesAfter.isEmpty() ? null : String.join(",", queriesAfter));
        flag(values, where, "--query-max-wait", "rehearsal.queries.max-wait", queryMaxWait);
        flag(values, where, "--risks-since", "rehearsal.risks.since", risksSince);
        flag(values, where, "--risks-base", "rehearsal.risks.base", risksBase);
        flag(values, where, "--only-new", "rehearsal.only-new", onlyNew ? "true" : null);
        flag(values, where, "--keep-base", "rehearsal.only-new.keep-base", keepBase ? "true" : null);
        if (noLocks) {
            flag(values, where, "--no-locks", "rehearsal.locks.trace", "false");
            flag(values, where, "--no-locks", "rehearsal.locks.probes", "false");
        }
        flag(values, where, "--budget-reads", "rehearsal.budget.reads", budgetReads);
        flag(values, where, "--budget-writes", "rehearsal.budget.writes", budgetWrites);
        flag(values, where, "--budget-access-exclusive", "rehearsal.budget.access-exclusive", budgetAccessExclusive);
        if (!allowRisks.isEmpty()) {
            List<String> all = new ArrayList<>(allowRisks);
            Optional.ofNullable(values.get("rehearsal.allow-risks")).ifPresent(all::add);
            flag(values, where, "--allow-risk", "rehearsal.allow-risks", String.join("; ", all));
        }
        defines.settings().forEach((k, v) -> flag(values, where, "-D", k, v));
        values.remove("rehearsal.migrations"); // <folder> names them
        where.remove("rehearsal.migrations");
        return Configuration.of(where, k -> Optional.ofNullable(values.get(k)), System::getenv);
    }

    private static void flag(Map<String, String> values, Map<String, String> where, String flag, String key, String value) {
        if (value != null) {
            values.put(key, value);
            where.put(key, flag);
        }
    }
}
