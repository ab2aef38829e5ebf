package dev.rehearsal.core.internal.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.internal.locks.ToolSessions;
import dev.rehearsal.core.internal.sql.StatementInterceptor;
import dev.rehearsal.core.internal.sql.StatementInterceptor.RemoteFailure;
import dev.rehearsal.core.internal.sql.StatementInterceptor.RemoteStatement;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The statements a helper reports while it serves one request: each passed to the trace ({@link ToolSessions}) and,
 * where one is set, to the interceptor, which may have the helper run a failing statement in place of one.
 */
final class RequestStatements {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolSessions sessions;
    private final UnaryOperator<String> scripts;
    private final StatementInterceptor interceptor;
    private final Map<String, Object> traced = new HashMap<>(); // what the trace gave each statement that is running
    private final Map<String, RemoteStatement> intercepted = new HashMap<>();

    RequestStatements(ToolSessions sessions, UnaryOperator<String> scripts) {
        this.sessions = sessions;
        this.scripts = scripts;
        this.interceptor = sessions.interceptor();
    }

    /** Asks the helper to wait before each statement for what to run, where the interceptor answers. */
    void arm(ObjectNode request) {
        if (interceptor != null && interceptor.answersRemote()) {
            request.putObject("stopping").put("context_query", interceptor.contextQuery());
        }
    }

    /** A {@code before} event: the answer to write, or null where the helper does not wait for one. */
    ObjectNode before(JsonNode message) {
        RemoteStatement statement = new RemoteStatement(message.path("backend").asInt(), message.path("sql").asText(),
                message.path("in_transaction").asBoolean(),
                message.path("file").isTextual() ? scripts.apply(message.path("file").asText()) : null,
                message.path("line").asInt(), message.path("context").asText(null));
        traced.put(statementOf(message), sessions.before(statement.backend(), statement.sql(),
                statement.inTransaction(), statement.script(), statement.line()));
        RemoteFailure failure = null;
        if (interceptor != null) {
            intercepted.put(statementOf(message), statement);
            failure = interceptor.beforeRemote(statement);
        }
        if (!message.path("answer").asBoolean(false)) {
            return null;
        }
        ObjectNode answer = answerTo(message);
        if (failure != null) {
            answer.put("fail", failure.sql()).put("commit_first", failure.commitFirst());
        }
        return answer;
    }

    /** An {@code after} event. */
    void after(JsonNode message) {
        boolean failed = message.path("failed").asBoolean();
        sessions.after(traced.remove(statementOf(message)), failed, message.path("rows").asLong(-1),
                message.path("lock_timeout").asText(null));
        RemoteStatement statement = intercepted.remove(statementOf(message));
        if (statement != null) {
            interceptor.afterRemote(statement, failed);
        }
    }

    /**
     * The statement an event is about: its {@code statement} number, which pairs an {@code after} with its
     * {@code before} while several run at once; a helper that runs one statement at a time may leave it out.
     */
    private static String statementOf(JsonNode event) {
        return event.path("statement").asText("");
    }

    /**
     * The answer to an event, naming it by its {@code id} (several may wait at once: a migration's
     * {@code Promise.all}); an event without one, from a helper that waits for one answer at a time, gets it empty.
     */
    static ObjectNode answerTo(JsonNode event) {
        ObjectNode answer = JSON.createObjectNode();
        if (event.has("id")) {
            answer.set("answer", event.get("id"));
        }
        return answer;
    }
}
