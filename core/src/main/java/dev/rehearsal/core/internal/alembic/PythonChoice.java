package dev.rehearsal.core.internal.alembic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.core.internal.helper.ToolHelper;
import dev.rehearsal.core.model.RehearsalException;

/**
 * What to say when the Python chosen for a Python tool (Alembic, Django) cannot run it: which interpreter was tried and
 * how it was chosen, what it lacks, and how to point Rehearsal at the project's own.
 *
 * @param project  where the interpreter was found
 * @param tool     {@code Alembic}
 * @param setting  {@code rehearsal.alembic.python}
 * @param module   the module to install with pip ({@code alembic})
 * @param debian   Debian's packages of it ({@code python3-alembic python3-psycopg2})
 */
record PythonChoice(AlembicProject project, String tool, String setting, String module, String debian)
        implements ToolHelper.NotReady {

    @Override
    public String choosing() {
        return "Python was " + project.describePython() + ". Set " + setting + " to the interpreter of the project's"
                + " virtualenv (such as .venv/bin/python), or activate that virtualenv (VIRTUAL_ENV) before running"
                + " Rehearsal.";
    }

    @Override
    public RehearsalException explain(JsonNode reported) {
        return new RehearsalException("The Python at " + reported.path("python").asText(project.python()) + " (Python "
                + reported.path("version").asText("?") + ", chosen by " + project.pythonFrom() + ") cannot import "
                + reported.path("missing").asText(module) + ", which Rehearsal needs to run the project's " + tool
                + ". Point " + setting + " at the interpreter of the project's virtualenv (such as .venv/bin/python),"
                + " activate that virtualenv, or install " + tool + " there (pip install " + module + "; on Debian:"
                + " apt-get install " + debian + ", then " + setting + "=/usr/bin/python3).");
    }
}
