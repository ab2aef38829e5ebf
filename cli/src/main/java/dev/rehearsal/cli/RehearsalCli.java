package dev.rehearsal.cli;

import dev.rehearsal.core.report.ReportWriter;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;

/**
 * {@code rehearsal}: Rehearsal's command line, for teams whose migrations live outside a JVM project (Alembic,
 * golang-migrate, dbmate, Prisma, Knex...): {@code rehearsal check <folder>} and {@code rehearsal snapshot capture}; parsing, help and
 * usage errors are picocli's, with one-line messages and the exit codes sqlfluff and squawk use: 0 clean, 1 findings,
 * 2 usage or environment errors; 130 and 143 for a run Ctrl-C or SIGTERM ended. Its interface is the command line, not this class: hence {@code INTERNAL}.
 */
@Command(name = "rehearsal", mixinStandardHelpOptions = true, versionProvider = RehearsalCli.Version.class,
        // one element per paragraph: picocli wraps each at words to the terminal's width
        description = {"Rehearses database migrations before they reach production: each one up, down and up again on"
                + " a throwaway database, with the locks it takes and the traffic it blocks."},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {"Run 'rehearsal check --help' for the options. Documentation: docs/cli.md."})
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RehearsalCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Exit code: every migration passed. */
    static final int CLEAN = 0;
    /** Exit code: a failed round trip, a broken budget, a risk not allowed. */
    static final int FINDINGS = 1;
    /**
     * Exit code: a bad flag or value, a folder without migrations, a server not reachable. A run a signal ended exits
     * 130 (SIGINT) or 143 (SIGTERM), as shells report it ({@link Interrupt}).
     */
    static final int ERROR = 2;

    public static void main(String[] args) {
        Preload.start();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), true));
    }

    /**
     * Runs the command line and returns its exit code.
     *
     * @param handleInterrupt whether Ctrl-C (and SIGTERM) ends a check cleanly, with partial reports; only a real
     *                        process, whose JVM the signal ends, wants that
     */
    static int run(String[] args, PrintWriter out, PrintWriter err, boolean handleInterrupt) {
        CheckCommand.handleInterrupt = handleInterrupt;
        CommandLine cli = new CommandLine(new RehearsalCli());
        addCommands(cli, args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println("rehearsal: " + e.getMessage() + " (see '" + command.getCommandSpec().qualifiedName()
                    + " --help')");
            return ERROR;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            // a bug of ours: CheckCommand turns every failure it expects into a line
            command.getErr().println("rehearsal: unexpected error: " + e + " (please report it, with the stack trace"
                    + " --debug prints)");
            if (parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"))) {
                e.printStackTrace(command.getErr());
            }
            return ERROR;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The subcommands: only the one the arguments start with when they name one, since picocli builds the model of
     * every command it is given (reflection over each option, a tenth of a check's start for the others); all of them
     * for help, completion, or anything else, whose messages list them.
     */
    private static void addCommands(CommandLine cli, String[] args) {
        String first = args.length == 0 ? "" : args[0];
        if (first.equals("check")) {
            cli.addSubcommand(new CheckCommand());
        } else if (first.equals("snapshot")) {
            cli.addSubcommand(new SnapshotCommand());
        } else {
            cli.addSubcommand(new CheckCommand());
            cli.addSubcommand(new SnapshotCommand());
            cli.addSubcommand(new CompletionCommand());
            cli.addSubcommand(new CommandLine.HelpCommand());
        }
    }

    /**
     * The version the build wrote into core, the Java running it, and the embedded PostgreSQL on the class path: its
     * version as the build declared it, and the platforms whose binaries are packed (all of them in the jar, one in
     * a platform package).
     */
    static final class Version implements CommandLine.IVersionProvider {
        private static final List<String> PLATFORMS = List.of("linux-x86_64", "linux-x86_64-alpine_linux",
                "linux-arm_64", "linux-arm_64-alpine_linux", "darwin-x86_64", "darwin-arm_64", "windows-x86_64");

        @Override
        public String[] getVersion() throws IOException {
            Properties cli = new Properties();
            try (InputStream in = RehearsalCli.class.getResourceAsStream("cli.properties")) {
                if (in != null) {
                    cli.load(in);
                }
            }
            ClassLoader loader = RehearsalCli.class.getClassLoader();
            List<String> packed = PLATFORMS.stream()
                    .filter(p -> loader.getResource("postgres-" + p + ".txz") != null).toList();
            return new String[]{"rehearsal " + ReportWriter.version() + " (Java " + System.getProperty("java.version")
                    + ", " + System.getProperty("java.home") + ")",
                    packed.isEmpty() ? "embedded PostgreSQL: none packed (name a server with --jdbc-url)"
                            : "embedded PostgreSQL " + cli.getProperty("postgres", "unknown") + " ("
                            + String.join(", ", packed) + ")"};
        }
    }
}
