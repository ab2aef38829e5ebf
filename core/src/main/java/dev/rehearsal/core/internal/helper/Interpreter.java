package dev.rehearsal.core.internal.helper;

import org.apiguardian.api.API;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The interpreter a project's tool runs in, chosen as a developer of the project would run the tool, and how it was
 * chosen (for messages).
 *
 * @param program   the interpreter ({@code /work/app/.venv/bin/python}, {@code node})
 * @param chosenBy  {@code rehearsal.alembic.python}, {@code the virtualenv /work/app/.venv}...
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record Interpreter(String program, String chosenBy) {

    /** How far above the project {@code .venv} is looked for. */
    private static final int LEVELS = 6;

    /**
     * The project's Python: {@code configured} (the setting {@code setting}), else the active virtualenv
     * ({@code VIRTUAL_ENV}), else a {@code .venv} or {@code venv} in {@code project} or above, else {@code python3}.
     */
    public static Interpreter python(String configured, String setting, Map<String, String> environment, Path project) {
        if (!configured.isBlank()) {
            return new Interpreter(program(configured), setting);
        }
        String virtualEnv = environment.get("VIRTUAL_ENV");
        if (virtualEnv != null && !virtualEnv.isBlank()) {
            Path candidate = pythonIn(Path.of(virtualEnv));
            if (candidate != null) {
                return new Interpreter(candidate.toString(), "the active virtualenv (VIRTUAL_ENV)");
            }
        }
        Path dir = project;
        for (int i = 0; i <= LEVELS && dir != null; i++, dir = dir.getParent()) {
            for (String name : new String[] {".venv", "venv"}) {
                Path candidate = pythonIn(dir.resolve(name));
                if (candidate != null) {
                    return new Interpreter(candidate.toString(), "the virtualenv " + dir.resolve(name));
                }
            }
        }
        return new Interpreter("python3", "python3 on the PATH");
    }

    /** {@code configured} ({@code setting}), else {@code fallback} found on the PATH. */
    public static Interpreter of(String configured, String setting, String fallback) {
        return configured.isBlank() ? new Interpreter(fallback, fallback + " on the PATH")
                : new Interpreter(program(configured), setting);
    }

    /** A path relative to the working directory made absolute; a bare name left to the PATH. */
    private static String program(String configured) {
        String trimmed = configured.strip();
        boolean path = trimmed.contains("/") || trimmed.contains("\\");
        return path ? Path.of(trimmed).toAbsolutePath().normalize().toString() : trimmed;
    }

    private static Path pythonIn(Path virtualEnv) {
        for (String relative : new String[] {"bin/python", "Scripts/python.exe"}) {
            Path candidate = virtualEnv.resolve(relative);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** For messages: {@code /usr/bin/python3 (rehearsal.alembic.python)}. */
    public String describe() {
        return program + " (" + chosenBy + ")";
    }
}
