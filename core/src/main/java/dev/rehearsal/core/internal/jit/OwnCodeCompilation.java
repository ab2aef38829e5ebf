package dev.rehearsal.core.internal.jit;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Keeps Rehearsal's own code on the JVM's C1 compiler, once per JVM, so that C2 spends no CPU on it. A rehearsal runs
 * its per-phase code a few thousand times: enough to reach C2's thresholds late in a long history or in the second
 * rehearsal of a test JVM, not enough to repay compiling those large methods (0.1-0.6 s of C2 time each, on the
 * 2 cores the rehearsal's own database sessions need; the compiler threads still took 30% of the JVM's CPU in the
 * 8th to 10th rehearsal of one JVM). Methods that reach C2's threshold are compiled by C1 without profiling instead,
 * as {@code -XX:TieredStopAtLevel=1} would do for the whole JVM; the data generator's loops (seeding) and every other
 * library's code (the JDBC driver's parser, the JDK's collections) keep C2.
 *
 * <p>It adds HotSpot compiler directives through the platform's {@code DiagnosticCommand} MBean (what
 * {@code jcmd <pid> Compiler.directives_add} does). It does nothing where that would not help or not work: a JVM
 * without tiered compilation (C2 alone: excluded methods would stay interpreted), one limited to C1 already, one
 * whose top compiler is Graal (JVMCI), a JVM that is not HotSpot, or where {@code rehearsal.jit.c2=true} (system
 * property or {@code REHEARSAL_JIT_C2}) leaves Rehearsal's code to the JVM's default compilers.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class OwnCodeCompilation {

    /** The setting that leaves Rehearsal's own code to the JVM's default compilers when {@code true}. */
    public static final String PROPERTY = "rehearsal.jit.c2";
    /** The environment variable that stands in for {@link #PROPERTY}. */
    public static final String ENVIRONMENT = "REHEARSAL_JIT_C2";

    /**
     * The directives, matched in order (the first that matches a method applies): the data generator keeps C2 (its
     * loops run once per generated value: seeding 200,000 rows took 3-8% longer on C1), the rest of Rehearsal's
     * classes do not.
     */
    static final String DIRECTIVES = """
            [
              { match: ["dev/rehearsal/core/internal/data/*.*"], c2: { Exclude: false } },
              { match: ["dev/rehearsal/core/*.*", "dev/rehearsal/junit/*.*", "dev/rehearsal/cli/*.*"],
                c2: { Exclude: true } }
            ]
            """;

    private static final Logger LOG = LoggerFactory.getLogger(OwnCodeCompilation.class);
    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

    /** What {@link #apply} did in this JVM; null until it first ran. */
    private static CompletableFuture<Outcome> outcome;

    /** What keeping Rehearsal's code on C1 came to in a JVM. */
    public enum Outcome {
        /** The directives are in place. */
        INSTALLED,
        /** {@code rehearsal.jit.c2=true}: Rehearsal's code is left to the JVM's default compilers. */
        LEFT_TO_THE_JVM,
        /** The JVM compiles with C1 only already ({@code -XX:TieredStopAtLevel} below 4). */
        C1_ONLY_ALREADY,
        /** Not done, and why not: no tiered compilation, Graal, not HotSpot, or the command failed. */
        NOT_APPLICABLE
    }

    private OwnCodeCompilation() {
    }

    /**
     * Applies the choice of the system property or environment variable (see the class comment), unless an earlier
     * call in this JVM already did; returns what comes of it.
     */
    public static CompletableFuture<Outcome> apply() {
        return apply(c2WantedBy(System::getProperty, System::getenv));
    }

    /**
     * As {@link #apply()}, with {@code c2} the setting as the caller read it ({@code junit-platform.properties}, the
     * command line's {@code rehearsal.properties}). The first call in a JVM decides: directives once added stay, and
     * the methods they kept off C2 stay off it. The directives are added on a thread of their own: the platform's
     * MBean server they go through takes ~70 ms to start in a fresh JVM, and no method of a rehearsal reaches C2's
     * threshold that early, so the rehearsal does not wait for them.
     */
    public static synchronized CompletableFuture<Outcome> apply(boolean c2) {
        if (outcome == null) {
            if (c2) {
                outcome = CompletableFuture.completedFuture(Outcome.LEFT_TO_THE_JVM);
            } else {
                CompletableFuture<Outcome> pending = new CompletableFuture<>();
                outcome = pending;
                Thread thread = new Thread(() -> {
                    try {
                        pending.complete(install());
                    } finally {
                        pending.complete(Outcome.NOT_APPLICABLE); // an Error on the way: nothing was added
                    }
                }, "rehearsal-jit-directives");
                thread.setDaemon(true);
                thread.start();
            }
        }
        return outcome;
    }

    /** Whether the property, or else the environment variable, asks for C2 ({@code true}, in any case). */
    static boolean c2WantedBy(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        String value = Optional.ofNullable(properties.apply(PROPERTY)).orElseGet(() -> environment.apply(ENVIRONMENT));
        return value != null && "true".equals(value.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * What to do in a JVM with these HotSpot flags ({@code flags} answers a flag's value, or null where the JVM has no
     * such flag), before any directive is added: {@link Outcome#INSTALLED} means "add them".
     */
    static Outcome decide(UnaryOperator<String> flags) {
        if (!"true".equals(flags.apply("TieredCompilation"))) {
            return Outcome.NOT_APPLICABLE;
        }
        String stopAt = flags.apply("TieredStopAtLevel");
        if (stopAt != null && Integer.parseInt(stopAt) < 4) {
            return Outcome.C1_ONLY_ALREADY;
        }
        return "true".equals(flags.apply("UseJVMCICompiler")) ? Outcome.NOT_APPLICABLE : Outcome.INSTALLED;
    }

    private static Outcome install() {
        Outcome decided;
        try {
            decided = decide(OwnCodeCompilation::hotSpotFlag);
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("Rehearsal's code is left to the JVM's compilers: its flags could not be read ({})", e.toString());
            return Outcome.NOT_APPLICABLE;
        }
        if (decided != Outcome.INSTALLED) {
            LOG.debug("Rehearsal's code is left to the JVM's compilers: {}", decided);
            return decided;
        }
        Path file = null;
        try {
            file = Files.createTempFile("rehearsal-jit-", ".json");
            Files.writeString(file, DIRECTIVES, StandardCharsets.UTF_8);
            Object answer = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(DIAGNOSTIC_COMMAND),
                    "compilerDirectivesAdd", new Object[] {new String[] {file.toString()}},
                    new String[] {String[].class.getName()});
            String text = String.valueOf(answer).strip();
            if (!text.startsWith("2 compiler directives added")) {
                LOG.info("Rehearsal could not keep its own code on the C1 compiler (the JVM answered: {});"
                        + " rehearsals still run, only C2 may spend more CPU compiling it", text);
                return Outcome.NOT_APPLICABLE;
            }
            LOG.debug("Rehearsal's own classes are compiled by C1 only in this JVM ({}=true leaves them to C2)",
                    PROPERTY);
            return Outcome.INSTALLED;
        } catch (IOException | JMException | RuntimeException e) {
            LOG.info("Rehearsal could not keep its own code on the C1 compiler ({}); rehearsals still run,"
                    + " only C2 may spend more CPU compiling it", e.toString());
            return Outcome.NOT_APPLICABLE;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.debug("could not delete {}: {}", file, e.toString());
                }
            }
        }
    }

    /** A HotSpot flag's value, or null where the JVM has no such flag. */
    private static String hotSpotFlag(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption(name).getValue();
        } catch (IllegalArgumentException e) {
            return null; // no such flag in this JVM (UseJVMCICompiler where JVMCI is not built in)
        }
    }
}
