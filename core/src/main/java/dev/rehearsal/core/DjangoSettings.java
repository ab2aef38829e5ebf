package dev.rehearsal.core;

import org.apiguardian.api.API;

/**
 * How Rehearsal runs a project's own Django migrations: in which Python, and with which settings module. Django
 * itself applies them: Rehearsal starts one helper process per rehearsal, which runs the project's {@code manage.py}
 * as {@code python manage.py} would and then Django's own {@code migrate} for each step.
 *
 * @param python   the interpreter; empty: the active virtualenv ({@code VIRTUAL_ENV}), else a {@code .venv} beside or
 *                 above the project, else {@code python3} on the PATH
 * @param settings {@code DJANGO_SETTINGS_MODULE}; empty: what {@code manage.py} sets
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record DjangoSettings(String python, String settings) {

    /** The interpreter found as described, the settings module manage.py names. */
    public static final DjangoSettings DEFAULTS = new DjangoSettings("", "");

    public DjangoSettings {
        python = python == null ? "" : python.strip();
        settings = settings == null ? "" : settings.strip();
    }
}
