package dev.rehearsal.core.internal.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.internal.locks.ToolSessions;
import dev.rehearsal.core.internal.timing.ComponentTiming;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A long-lived process that runs a project's own migration tool in the tool's language (Alembic and Django in the
 * project's Python, Knex in Node): a helper script of Rehearsal's, written to a temporary file at start, answers one
 * JSON request per line on its standard input, and writes on its private output the statements the tool runs (each
 * answered once the trace has read its locks) and then the request's result. A request that runs past its deadline,
 * or a helper that dies, kills the helper and every process it started; the tool starts a new one for the next.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ToolHelper implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long the interpreter may take to start and load the tool. */
    private static final Duration START = Duration.ofSeconds(60);
    private static final JsonNode ENDED = JSON.createObjectNode();
    private static final int KEPT_ERROR_CHARS = 8_000;

    private final String program;
    private final String tool;
    private final Process process;
    private final ToolProcessEnvironment environment;
    private final BufferedWriter input;
    private final BlockingQueue<JsonNode> output = new LinkedBlockingQueue<>();
    private final StringBuilder errors = new StringBuilder();
    private final JsonNode ready;
    private int requests;

    /**
     * What to say when the helper cannot run the tool: how to choose the interpreter, for a program that cannot be
     * started, and what to say when it started and answered {@code {"ready": false, ...}} (Python without Alembic,
     * Node without Knex), from what it reported.
     */
    public interface NotReady {
        /** {@code Set rehearsal.alembic.python to ...}. */
        String choosing();

        RehearsalException explain(JsonNode reported);
    }

    /**
     * Starts {@code program} on Rehearsal's helper script {@code script} (a resource next to {@code owner}) in
     * {@code directory}, with {@code arguments} after the script, in {@code environment} (the JVM's without what
     * names another database, and the throwaway database's variables).
     *
     * @param tool how messages name the tool ({@code Alembic})
     * @throws RehearsalException naming the program when it cannot be started, and what {@code notReady} says when
     *                            it cannot run the tool
     */
    public ToolHelper(String tool, String program, List<String> programOptions, Class<?> owner, String script,
                      List<String> arguments, Path directory, ToolProcessEnvironment environment,
                      NotReady notReady) {
        this.tool = tool;
        this.program = program;
        this.environment = environment;
        HelperScript file = HelperScript.write(owner, script);
        try {
            List<String> command = new ArrayList<>();
            command.add(program);
            command.addAll(programOptions);
            command.add(file.file().toString());
            command.addAll(arguments);
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
            process = environment.start(builder);
        } catch (IOException e) {
            file.delete();
            throw new RehearsalException("Could not start " + program + " to run " + tool + " (" + e.getMessage()
                    + "). " + notReady.choosing(), e);
        }
        input = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        daemon("rehearsal-" + tool.toLowerCase(Locale.ROOT) + "-output", () -> readLines(process.getInputStream()));
        daemon("rehearsal-" + tool.toLowerCase(Locale.ROOT) + "-errors", () -> keepErrors(process.getErrorStream()));
        JsonNode first;
        try {
            first = next(System.nanoTime() + START.toNanos(), "starting");
        } finally {
            file.delete(); // the interpreter has read it by the time it answers
        }
        if (!first.path("ready").asBoolean()) {
            kill();
            throw notReady.explain(first);
        }
        ready = first;
    }

    /** What the helper said when it started: the versions of its interpreter and tool. */
    public JsonNode ready() {
        return ready;
    }

    /** The program the helper runs in ({@code /usr/bin/python3}), for messages. */
    public String program() {
        return program;
    }

    /** Whether the helper's process runs contained ({@code rehearsal.containment=network} where Linux allows). */
    public boolean contained() {
        return environment.contained();
    }

    /** Whether the helper still runs and can take requests. */
    public boolean alive() {
        return process.isAlive();
    }

    /**
     * Sends {@code request} and waits for its result until {@code timeout}, reporting the statements it runs to
     * {@code sessions}, each named by {@code scripts} from the file it came from (null for the tool's own bookkeeping).
     *
     * @return the result ({@code ok}) of a request that succeeded
     * @throws HelperFailure with the tool's own description when the request raised
     * @throws RehearsalException when the helper died or ran past the timeout (it is killed)
     */
    public JsonNode request(ObjectNode request, Duration timeout, ToolSessions sessions,
                     UnaryOperator<String> scripts, String what) {
        return request(request, timeout, sessions, scripts, what, SessionGuard.NO_DATABASE_YET);
    }

    /**
     * As {@link #request(ObjectNode, Duration, ToolSessions, java.util.function.UnaryOperator, String)}, with every
     * session the tool opens checked by {@code guard} before the tool may use it.
     *
     * @throws SessionGuard.ForeignDatabase when {@code guard} refuses a session: the helper was killed first, so
     *                                      nothing ran on that session
     */
    public JsonNode request(ObjectNode request, Duration timeout, ToolSessions sessions,
                     UnaryOperator<String> scripts, String what, SessionGuard guard) {
        long deadline = System.nanoTime() + timeout.toNanos();
        request.put("id", ++requests);
        RequestStatements statements = new RequestStatements(sessions, scripts);
        statements.arm(request);
        write(request, what);
        int starting = -1;
        while (true) {
            JsonNode message;
            try {
                message = next(deadline, what);
            } catch (Timeout late) {
                throw starting < 0 ? late : late.at(starting);
            }
            String event = message.path("event").asText("");
            if (event.equals("starting")) {
                // the next migration of a request for several: the timeout is each migration's, as when it runs alone
                starting = message.path("index").asInt();
                deadline = System.nanoTime() + timeout.toNanos();
                continue;
            }
            if (!event.isEmpty()) {
                try {
                    if (handled(message, event, statements, sessions, guard, what)) {
                        answer(message, what); // the statement may go on; the session may be used
                    }
                } catch (SessionGuard.ForeignDatabase refused) {
                    throw refused; // the helper was killed before it got an answer
                } catch (RuntimeException | Error e) {
                    kill(); // it may wait for an answer: nothing else may be read as one
                    throw e;
                }
                continue;
            }
            reportComponents(message.path("components"));
            List<String> refused = environment.takeRefusals();
            if (!refused.isEmpty()) {
                throw new SessionGuard.ForeignDatabase(ContainedRefusal.describe(tool, refused));
            }
            if (message.has("error")) {
                throw new HelperFailure(message.get("error"));
            }
            return message.path("ok");
        }
    }

    /**
     * Handles one event of the helper's while a request runs; whether the helper now waits for an empty answer (a
     * {@code before} it waits on is answered here, with what to run).
     */
    private boolean handled(JsonNode message, String event, RequestStatements statements, ToolSessions sessions,
                            SessionGuard guard, String what) {
        switch (event) {
            case "before" -> {
                ObjectNode answer = statements.before(message);
                if (answer != null) {
                    write(answer, what);
                }
                return false; // else not answered: the statement runs at once, and "after" waits for the locks read
            }
            case "after" -> {
                statements.after(message);
                // a statement whose locks are not read (the tool's own): the helper went on
                return message.path("answer").asBoolean(true);
            }
            case "ended" -> {
                sessions.transactionEnded(message.path("backend").asInt());
                return true;
            }
            case "session" -> {
                String refusal = guard.refusal(message);
                if (refusal != null) {
                    kill(); // before the tool gets its answer: nothing runs on that session
                    throw new SessionGuard.ForeignDatabase(refusal + reached(message));
                }
                return true;
            }
            default -> {
                return true; // an event of a later helper: answered, so that it goes on
            }
        }
    }

    /**
     * Answers an event, naming it by its {@code id} (several may wait at once: a migration's {@code Promise.all});
     * an event without one, from a helper that waits for one answer at a time, gets an empty answer.
     */
    private void answer(JsonNode event, String what) {
        write(RequestStatements.answerTo(event), what);
    }

    /**
     * What the helper saw of a refused session's origin: where the project's code sent its first statement from, and
     * the environment variables of the tool's process that name the database it reached.
     */
    private static String reached(JsonNode session) {
        StringBuilder s = new StringBuilder();
        if (session.path("sent_from").isTextual()) {
            s.append("\n  first statement sent from: ").append(session.path("sent_from").asText());
        }
        List<String> variables = new ArrayList<>();
        session.path("named_by").forEach(v -> variables.add(v.asText()));
        if (!variables.isEmpty()) {
            s.append("\n  named by: the environment variable").append(variables.size() > 1 ? "s " : " ")
                    .append(String.join(", ", variables)).append(" of the tool's process");
        } else if (session.has("named_by")) {
            s.append("\n  named by: the code that opened the session (no environment variable of the tool's"
                    + " process names that database)");
        }
        return s.toString();
    }

    /**
     * The helper's own time by component for the request it answered (milliseconds: running env.py, its statements,
     * the tracing and guard round trips), as {@code <tool>.<component>} events for a component recording.
     */
    private void reportComponents(JsonNode components) {
        components.fields().forEachRemaining(c -> ComponentTiming.reported(
                tool.toLowerCase(Locale.ROOT) + "." + c.getKey(), Math.round(c.getValue().asDouble() * 1e6)));
    }

    private void write(JsonNode message, String what) {
        try {
            input.write(JSON.writeValueAsString(message));
            input.write('\n');
            input.flush();
        } catch (IOException e) {
            throw died(what);
        }
    }

    /** The next message, or a failure when the helper dies or the deadline passes (then the helper is killed). */
    private JsonNode next(long deadline, String what) {
        JsonNode message;
        try {
            message = output.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new RehearsalException(tool + "'s helper was stopped while " + what + ", as the test run was"
                    + " interrupted: it and the processes it started were killed.", e);
        }
        if (message == null) {
            int killed = kill();
            throw new Timeout(tool + " did not finish " + what + " within the migration timeout"
                    + " (rehearsal.migration-timeout), so its helper process" + (killed > 1 ? " and the " + (killed - 1)
                    + " processes it started were" : " was") + " killed. Raise rehearsal.migration-timeout if the"
                    + " migration needs longer, or look for a lock it waits on or a prompt." + errorTail());
        }
        if (message == ENDED) {
            throw died(what);
        }
        return message;
    }

    private RehearsalException died(String what) {
        kill();
        return new RehearsalException(tool + "'s helper process (" + program + ") ended while " + what
                + (process.isAlive() ? "" : ", with exit code " + process.exitValue()) + "." + errorTail());
    }

    private String errorTail() {
        synchronized (errors) {
            String text = errors.toString().strip();
            return text.isEmpty() ? "" : "\n  " + program + " said:\n    " + text.replace("\n", "\n    ");
        }
    }

    /** Kills the helper and every process it started; returns how many were killed. */
    public int kill() {
        int count = 0;
        for (ProcessHandle child : process.descendants().toList()) {
            child.destroyForcibly();
            count++;
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            count++;
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Math.max(count, 1);
    }

    /** Ends the helper: it leaves when its input closes; killed when it does not within a few seconds. */
    @Override
    public void close() {
        try {
            input.close();
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return;
            }
        } catch (IOException e) {
            // the helper is gone already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    private void readLines(InputStream stream) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                output.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            // the process ended; the marker below says so
        } finally {
            output.add(ENDED);
        }
    }

    /** Keeps the end of what the helper writes to standard error (the tool's log, the project's prints), for messages. */
    private void keepErrors(InputStream stream) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (errors) {
                    errors.append(line).append('\n');
                    if (errors.length() > KEPT_ERROR_CHARS) {
                        errors.delete(0, errors.length() - KEPT_ERROR_CHARS);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** What the helper and the tool wrote on standard error since {@link #clearErrors} (the last part kept). */
    public String errors() {
        synchronized (errors) {
            return errors.toString();
        }
    }

    /** Clears what the helper wrote to standard error so far: each failure shows only what its request wrote. */
    public void clearErrors() {
        synchronized (errors) {
            errors.setLength(0);
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A request that raised in the tool: its own description (type, message, file, line, statement, SQLSTATE). */
    public static final class HelperFailure extends RuntimeException {
        private final transient JsonNode error;

        HelperFailure(JsonNode error) {
            super(error.path("type").asText() + ": " + error.path("message").asText());
            this.error = error;
        }

        /** What the helper reported: {@code type}, {@code message}, {@code file}, {@code line}, {@code code}... */
        public JsonNode error() {
            return error;
        }
    }

    /** A request that ran past the migration timeout; the helper was killed. */
    public static final class Timeout extends RehearsalException {
        private final int migration;

        Timeout(String message) {
            this(message, -1);
        }

        private Timeout(String message, int migration) {
            super(message);
            this.migration = migration;
        }

        /** Which migration of a request for several ran past the timeout (its index there), or -1. */
        public int migration() {
            return migration;
        }

        Timeout at(int index) {
            return new Timeout(getMessage(), index);
        }
    }
}
