package dev.rehearsal.core.internal.helper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

/**
 * What to say when the interpreter chosen for a tool (Python for Alembic and Django, Node for Knex) cannot run it:
 * which interpreter was tried and how it was chosen, what it lacks, and how to point Rehearsal at the project's own.
 *
 * @param interpreter the interpreter tried
 * @param tool        {@code Alembic}
 * @param setting     {@code rehearsal.alembic.python}
 * @param project     what a project uses instead ({@code the interpreter of the project's virtualenv (such as
 *                    .venv/bin/python)})
 * @param install     how to install the tool there ({@code pip install alembic; on Debian: ...})
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record MissingTool(Interpreter interpreter, String tool, String setting, String project, String install)
        implements ToolHelper.NotReady {

    @Override
    public String choosing() {
        return "The interpreter was " + interpreter.describe() + ". Set " + setting + " to " + project + ".";
    }

    @Override
    public RehearsalException explain(JsonNode reported) {
        JsonNode error = reported.path("error");
        if (error.isObject()) {
            return new RehearsalException(tool + " could not start in " + interpreter.describe() + ": "
                    + error.path("type").asText() + ": " + error.path("message").asText()
                    + (error.path("file").isTextual() ? "\n  at " + error.path("file").asText() + ", line "
                    + error.path("line").asInt() + ": " + error.path("code").asText() : ""));
        }
        return new RehearsalException(interpreter.program() + " (" + reported.path("version").asText("?")
                + ", chosen by " + interpreter.chosenBy() + ") cannot load " + reported.path("missing").asText(tool)
                + ", which Rehearsal needs to run the project's " + tool + ". Point " + setting + " at " + project
                + ", or install " + tool + " there (" + install + ").");
    }
}
