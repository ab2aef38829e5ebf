package dev.rehearsal.core.internal.tools.alembic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.core.AlembicSettings;
import dev.rehearsal.core.internal.helper.Interpreter;
import dev.rehearsal.core.model.RehearsalException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        Set<String> names = new LinkedHashSet<>();
        try {
            Matcher m = ENV_READ.matcher(Files.readString(scriptLocation.resolve("env.py")));
            while (m.find()) {
                names.add(m.group(1));
            }
        } catch (IOException e) {
            // the hint below still holds
        }
        String generic = "build the engine from config.get_main_option(\"sqlalchemy.url\") (or take"
                + " config.attributes[\"connection\"]) as alembic init's env.py does, which Rehearsal sets";
        return names.isEmpty() ? generic : String.join(" ", names.stream().map(n -> "rehearsal.alembic.env." + n
                + "=${url}").toList()) + " (env.py reads " + String.join(", ", names) + "), or " + generic;
    }

    /**
     * The setting that points the code that opened a refused session at the throwaway database: for env.py (or code
     * the helper could not place), {@link #databaseSettingHint()}; for a revision's own connection, the connection
     * Alembic hands the revision, and what to do about each environment variable that named the other database.
     *
     * @param session what the helper reported of the session: {@code opened_from} ({@code file line n: text}) and
     *                {@code named_by} (the variables naming the database it reached)
     * @param handed  the variables Rehearsal sets to the throwaway database for every revision
     * @param mapped  the variables {@code rehearsal.alembic.env.*} maps
     */
    String databaseSettingHint(JsonNode session, Set<String> handed, Set<String> mapped) {
        Matcher from = OPENED_FROM.matcher(session.path("opened_from").asText(""));
        if (!from.lookingAt() || from.group(1).equals("env.py") || from.group(1).endsWith("/env.py")) {
            return databaseSettingHint();
        }
        List<String> fixes = new ArrayList<>();
        fixes.add("run the revision's statements on the connection Alembic hands it (op.get_bind(), op.execute), not"
                + " on a connection of its own");
        for (JsonNode variable : session.path("named_by")) {
            String name = variable.asText();
            String mapping = "rehearsal.alembic.env." + name + "=" + template(name);
            if (mapped.contains(name)) {
                fixes.add("rehearsal.alembic.env." + name + " names that database: map it to the throwaway one, "
                        + mapping);
            } else if (handed.contains(name)) {
                fixes.add("Rehearsal sets " + name + " to the throwaway database for every revision, so the project's"
                        + " code set it again (from a .env file it loads, say): leave Rehearsal's value in place while"
                        + " Rehearsal runs the revisions");
            } else {
                fixes.add("map " + name + " to the throwaway database: " + mapping);
            }
        }
        return String.join("; ", fixes);
    }

    /** The placeholder of {@code rehearsal.alembic.env.*} a variable of that name takes. */
    private static String template(String variable) {
        String name = variable.toUpperCase(Locale.ROOT);
        if (name.contains("URL") || name.contains("URI") || name.contains("DSN")) {
            return "${url}";
        }
        for (String part : new String[] {"HOST", "PORT", "USER", "PASSWORD"}) {
            if (name.endsWith(part)) {
                return "${" + part.toLowerCase(Locale.ROOT) + "}";
            }
        }
        return "${database}";
    }

    /** {@code alembic/versions/ab12_audit.py line 14: ...}: the file, as the helper names the code. */
    private static final Pattern OPENED_FROM = Pattern.compile("(.+?) line \\d+");

    /** {@code os.environ["X"]}, {@code os.environ.get("X")}, {@code os.getenv("X")}. */
    private static final Pattern ENV_READ = Pattern.compile(
            "os\\.(?:environ\\s*\\[|environ\\.get\\s*\\(|getenv\\s*\\()\\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']");

    /** For messages: {@code /usr/bin/python3 (rehearsal.alembic.python)}. */
    Interpreter interpreter() {
        return new Interpreter(python, pythonFrom);
    }

    String describePython() {
        return python + " (" + pythonFrom + ")";
    }
}
