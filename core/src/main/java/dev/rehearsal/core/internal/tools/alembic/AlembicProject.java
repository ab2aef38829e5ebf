package dev.rehearsal.core.internal.tools.alembic;

import dev.rehearsal.core.AlembicSettings;
import dev.rehearsal.core.internal.helper.Interpreter;
import dev.rehearsal.core.model.RehearsalException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a project's Alembic lives, found as a developer would run {@code alembic} there: the {@code alembic.ini}
 * beside or above the versions folder (or {@code rehearsal.alembic.config}), the script directory that holds the
 * versions (its {@code env.py}), and the project's Python: {@code rehearsal.alembic.python}, else the active
 * virtualenv, else a {@code .venv} beside or above the project, else {@code python3} on the PATH.
 *
 * @param versions        the versions folder Rehearsal was pointed at
 * @param config          the alembic.ini, or null where the project has none (env.py is then run without one)
 * @param scriptLocation  the script directory: the versions folder's parent, which holds env.py
 * @param python          the interpreter to run Alembic in
 * @param pythonFrom      how the interpreter was chosen, for messages
 * @param workingDirectory where Alembic runs: the folder of alembic.ini, as {@code alembic} is run from there
 */
record AlembicProject(Path versions, Path config, Path scriptLocation, String python, String pythonFrom,
                      Path workingDirectory) {

    /** How far above the versions folder alembic.ini is looked for. */
    private static final int LEVELS = 6;

    /**
     * The project around {@code location}: the versions folder, or the script directory that holds it and env.py.
     */
    static AlembicProject find(Path location, AlembicSettings settings, Map<String, String> environment) {
        boolean scriptDirectory = Files.isRegularFile(location.resolve("env.py"));
        Path versions = scriptDirectory ? location.resolve("versions") : location;
        Path scriptLocation = scriptDirectory ? location : location.getParent();
        if (scriptLocation == null || !Files.isRegularFile(scriptLocation.resolve("env.py"))) {
            throw new RehearsalException("The Alembic revisions at " + versions + " have no env.py beside their"
                    + " folder (" + (scriptLocation == null ? versions : scriptLocation.resolve("env.py")) + "):"
                    + " Rehearsal runs the project's own Alembic, which needs the script directory `alembic init`"
                    + " made. Point the location at the versions folder inside it (such as alembic/versions), or,"
                    + " for a project that commits offline SQL (alembic upgrade --sql), at that SQL.");
        }
        Path config = config(versions, settings);
        Path workingDirectory = config != null ? config.getParent() : scriptLocation.getParent();
        Interpreter python = Interpreter.python(settings.python(), "rehearsal.alembic.python", environment,
                workingDirectory);
        return new AlembicProject(versions, config, scriptLocation, python.program(), python.chosenBy(),
                workingDirectory);
    }

    private static Path config(Path versions, AlembicSettings settings) {
        if (!settings.config().isEmpty()) {
            Path configured = Path.of(settings.config()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(configured)) {
                throw new RehearsalException("rehearsal.alembic.config names " + configured + ", which does not exist."
                        + " Name the project's alembic.ini (relative to " + Path.of("").toAbsolutePath() + "), or"
                        + " leave the setting out to use the alembic.ini beside or above " + versions + ".");
            }
            return configured;
        }
        Path dir = versions;
        for (int i = 0; i <= LEVELS && dir != null; i++, dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("alembic.ini"))) {
                return dir.resolve("alembic.ini");
            }
        }
        // a location on the class path (target/classes/...) sits below the project that holds alembic.ini
        Path cwd = Path.of("").toAbsolutePath();
        return versions.startsWith(cwd) && Files.isRegularFile(cwd.resolve("alembic.ini")) ? cwd.resolve("alembic.ini")
                : null;
    }

    /**
     * The setting that points env.py at the throwaway database, for the session guard's message: a
     * {@code rehearsal.alembic.env.NAME=${url}} for each environment variable env.py reads, else the
     * {@code sqlalchemy.url} way of {@code alembic init}'s env.py.
     */
    String databaseSettingHint() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        try {
            java.util.regex.Matcher m = ENV_READ.matcher(Files.readString(scriptLocation.resolve("env.py")));
            while (m.find()) {
                names.add(m.group(1));
            }
        } catch (java.io.IOException e) {
            // the hint below still holds
        }
        String generic = "build the engine from config.get_main_option(\"sqlalchemy.url\") (or take"
                + " config.attributes[\"connection\"]) as alembic init's env.py does, which Rehearsal sets";
        return names.isEmpty() ? generic : String.join(" ", names.stream().map(n -> "rehearsal.alembic.env." + n
                + "=${url}").toList()) + " (env.py reads " + String.join(", ", names) + "), or " + generic;
    }

    /** {@code os.environ["X"]}, {@code os.environ.get("X")}, {@code os.getenv("X")}. */
    private static final java.util.regex.Pattern ENV_READ = java.util.regex.Pattern.compile(
            "os\\.(?:environ\\s*\\[|environ\\.get\\s*\\(|getenv\\s*\\()\\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']");

    /** For messages: {@code /usr/bin/python3 (rehearsal.alembic.python)}. */
    Interpreter interpreter() {
        return new Interpreter(python, pythonFrom);
    }

    String describePython() {
        return python + " (" + pythonFrom + ")";
    }
}
