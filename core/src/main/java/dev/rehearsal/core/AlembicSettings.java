package dev.rehearsal.core;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * How Rehearsal runs the project's own Alembic: in which Python, with which {@code alembic.ini} and section, with
 * which {@code -x} arguments, and which environment variables hand the throwaway database to an {@code env.py} that
 * builds its URL from its own settings. Alembic itself applies every revision: Rehearsal starts one helper process
 * per rehearsal in that Python, which loads the script directory once and runs {@code env.py} for each revision, as
 * {@code alembic upgrade} and {@code alembic downgrade} do.
 *
 * @param python      the interpreter; empty: the active virtualenv ({@code VIRTUAL_ENV}), else a {@code .venv}
 *                    beside or above the project, else {@code python3} on the PATH
 * @param config      the {@code alembic.ini}; empty: the one beside or above the versions folder
 * @param name        the ini section Alembic reads ({@code alembic --name}); empty: {@code alembic}
 * @param x           {@code alembic -x} arguments, read by env.py through {@code context.get_x_argument()}
 * @param environment environment variables set for env.py, by name, each a template that may use {@code ${url}},
 *                    {@code ${host}}, {@code ${port}}, {@code ${user}}, {@code ${password}} and {@code ${database}}
 *                    of the throwaway database ({@code DATABASE_URL=${url}})
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record AlembicSettings(String python, String config, String name, List<String> x,
                              Map<String, String> environment) {

    /** Python, alembic.ini and its section found as described above; no -x arguments, no variables. */
    public static final AlembicSettings DEFAULTS = new AlembicSettings("", "", "", List.of(), Map.of());

    public AlembicSettings {
        python = python == null ? "" : python.strip();
        config = config == null ? "" : config.strip();
        name = name == null ? "" : name.strip();
        x = List.copyOf(x);
        environment = Map.copyOf(environment);
    }
}
