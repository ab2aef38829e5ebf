package dev.rehearsal.core.internal.alembic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.internal.locks.ToolSessions;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The long-lived Python process that runs the project's Alembic ({@code rehearsal_alembic.py}, written to a
 * temporary file at start): one JSON request per line on its standard input, and on its private output the
 * statements it runs (answered at once, after the trace has read their locks) and then the request's result. A
 * request that runs past its deadline, or a helper that dies, kills the helper and every process it started; the
 * next request starts a new one.
 */
final class AlembicHelper implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = "rehearsal_alembic.py";
    /** How long Python may take to start and import Alembic and SQLAlchemy. */
    private static final Duration START = Duration.ofSeconds(60);
    private static final JsonNode ENDED = JSON.createObjectNode();
    private static final int KEPT_ERROR_CHARS = 8_000;

    private final String python;
    private final Path directory;
    private final Process process;
    private final BufferedWriter input;
    private final BlockingQueue<JsonNode> output = new LinkedBlockingQueue<>();
    private final StringBuilder errors = new StringBuilder();
    private final JsonNode ready;
    private int requests;

    /**
     * Starts the helper in {@code python}, in {@code directory}.
     *
     * @throws RehearsalException naming the interpreter when it cannot be started or lacks Alembic or SQLAlchemy
     */
    AlembicHelper(String python, Path directory) {
        this.python = python;
        this.directory = directory;
        Path script = writeScript();
        try {
            ProcessBuilder builder = new ProcessBuilder(python, "-u", script.toString()).directory(directory.toFile());
            builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            process = builder.start();
        } catch (IOException e) {
            throw new RehearsalException("Could not start Python for Alembic: " + python + " (" + e.getMessage() + ")."
                    + " Set rehearsal.alembic.python to the interpreter of the project's virtualenv (such as"
                    + " .venv/bin/python), or activate that virtualenv (VIRTUAL_ENV) before running Rehearsal.", e);
        }
        input = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        daemon("rehearsal-alembic-output", () -> readLines(process.getInputStream()));
        daemon("rehearsal-alembic-errors", () -> keepErrors(process.getErrorStream()));
        JsonNode first;
        try {
            first = next(System.nanoTime() + START.toNanos(), "starting");
        } finally {
            deleteScript(script); // Python has read it by the time it answers
        }
        if (!first.path("ready").asBoolean()) {
            kill();
            throw new RehearsalException("The Python at " + first.path("python").asText(python) + " (Python "
                    + first.path("version").asText("?") + ") cannot import " + first.path("missing").asText("alembic")
                    + ", which Rehearsal needs to run the project's Alembic. Point rehearsal.alembic.python at the"
                    + " interpreter of the project's virtualenv (such as .venv/bin/python), activate that virtualenv,"
                    + " or install Alembic there (pip install alembic; on Debian: apt-get install python3-alembic"
                    + " python3-psycopg2, then rehearsal.alembic.python=/usr/bin/python3).");
        }
        ready = first;
    }

    /** What the helper said when it started: its Python, Alembic and SQLAlchemy versions. */
    JsonNode ready() {
        return ready;
    }

    /** Whether the helper still runs and can take requests. */
    boolean alive() {
        return process.isAlive();
    }

    /**
     * Sends {@code request} and waits for its result until {@code timeout}, reporting the statements it runs to
     * {@code sessions}, each named by {@code scripts} from the file it came from (null for Alembic's own).
     *
     * @return the result ({@code ok}) of a request that succeeded
     * @throws HelperFailure with Python's own description when the request raised
     * @throws RehearsalException when the helper died or ran past the timeout (it is killed)
     */
    JsonNode request(ObjectNode request, Duration timeout, ToolSessions sessions,
                     java.util.function.UnaryOperator<String> scripts, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        request.put("id", ++requests);
        write(request, what);
        Object token = null;
        while (true) {
            JsonNode message = next(deadline, what);
            String event = message.path("event").asText("");
            switch (event) {
                case "before" -> token = sessions.before(message.path("backend").asInt(), message.path("sql").asText(),
                        message.path("in_transaction").asBoolean(), message.path("file").isTextual()
                                ? scripts.apply(message.path("file").asText()) : null, message.path("line").asInt());
                case "after" -> {
                    sessions.after(token, message.path("failed").asBoolean(), message.path("rows").asLong(-1),
                            message.path("lock_timeout").asText(null));
                    token = null;
                }
                case "ended" -> sessions.transactionEnded(message.path("backend").asInt());
                default -> {
                    if (message.has("error")) {
                        throw new HelperFailure(message.get("error"));
                    }
                    return message.path("ok");
                }
            }
            write(JSON.createObjectNode(), what); // the statement may go on
        }
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
            throw new RehearsalException("Alembic's helper was stopped while " + what + ", as the test run was"
                    + " interrupted: it and the processes it started were killed.", e);
        }
        if (message == null) {
            int killed = kill();
            throw new Timeout("Alembic did not finish " + what + " within the migration timeout"
                    + " (rehearsal.migration-timeout), so its helper process" + (killed > 1 ? " and the " + (killed - 1)
                    + " processes it started were" : " was") + " killed. Raise rehearsal.migration-timeout if the"
                    + " revision needs longer, or look for a lock it waits on or a prompt in env.py." + errorTail());
        }
        if (message == ENDED) {
            throw died(what);
        }
        return message;
    }

    private RehearsalException died(String what) {
        kill();
        return new RehearsalException("Alembic's helper process (" + python + ") ended while " + what
                + (process.isAlive() ? "" : ", with exit code " + process.exitValue()) + "." + errorTail());
    }

    private String errorTail() {
        synchronized (errors) {
            String text = errors.toString().strip();
            return text.isEmpty() ? "" : "\n  Python said:\n    " + text.replace("\n", "\n    ");
        }
    }

    /** Kills the helper and every process it started; returns how many were killed. */
    int kill() {
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

    /** Keeps the end of what Python writes to standard error (Alembic's log, the project's prints), for messages. */
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

    /** Clears what the helper wrote to standard error so far: each failure shows only what its request wrote. */
    void clearErrors() {
        synchronized (errors) {
            errors.setLength(0);
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static Path writeScript() {
        try (InputStream in = AlembicHelper.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new RehearsalException("Rehearsal's jar lacks " + SCRIPT + ": rebuild or reinstall it.");
            }
            Path dir = Files.createTempDirectory("rehearsal-alembic");
            Path script = dir.resolve(SCRIPT);
            Files.write(script, in.readAllBytes());
            return script;
        } catch (IOException e) {
            throw new RehearsalException("Could not write Alembic's helper script to a temporary folder: "
                    + e.getMessage(), e);
        }
    }

    private static void deleteScript(Path script) {
        try {
            Files.deleteIfExists(script);
            Files.deleteIfExists(script.getParent());
        } catch (IOException e) {
            // a temporary file left in the temporary folder; nothing depends on it
        }
    }

    /** A request that raised in Python: Python's own description (type, message, file, line, statement, SQLSTATE). */
    static final class HelperFailure extends RuntimeException {
        final transient JsonNode error;

        HelperFailure(JsonNode error) {
            super(error.path("type").asText() + ": " + error.path("message").asText());
            this.error = error;
        }
    }

    /** A request that ran past the migration timeout; the helper was killed. */
    static final class Timeout extends RehearsalException {
        Timeout(String message) {
            super(message);
        }
    }
}
