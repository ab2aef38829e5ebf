package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.internal.containment.KeptPlace;
import dev.rehearsal.core.internal.containment.NetworkConfinement;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The environment of every process Rehearsal starts for a migration tool (a helper running Alembic, Django, Knex or
 * TypeORM; a command of {@code rehearsal.command.*}): the environment it inherits (the JVM's), from which every
 * variable that names a database or a database server is removed, plus the variables that name the throwaway
 * database ({@code DATABASE_URL}, {@code DATABASE_HOST}... and the engine's client variables, {@code PGHOST}... or
 * {@code MYSQL_HOST}...), the variables the user maps to it, and the tool's own. What was removed is named in one
 * warning line, with how to map a variable the project needs.
 *
 * <p>A variable names a database when libpq or the MySQL and MariaDB clients read it to choose a server, a database,
 * a login or how to reach them ({@code PGSERVICE}, {@code PGPASSFILE}, {@code PGSSLMODE}, {@code MYSQL_UNIX_PORT},
 * {@code MYSQL_GROUP_SUFFIX}...), when its name says so ({@code ANALYTICS_DATABASE_URL}, {@code LEGACY_DB_URL},
 * {@code DB_HOST}, {@code POSTGRES_PASSWORD}...), or when its value is a database URL or connection string
 * ({@code postgres://}, {@code postgresql+psycopg://}, {@code mysql://}, {@code mariadb://}, {@code jdbc:},
 * {@code host=... dbname=...}, {@code user@tcp(host:3306)/db}). Session defaults that name nothing
 * ({@code PGTZ}, {@code PGAPPNAME}, {@code PGCLIENTENCODING}) are kept.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ToolProcessEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(ToolProcessEnvironment.class);
    /** Warnings already logged in this JVM: a rehearsal starts many processes with the same environment. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** libpq's variables that choose the server, the database, the login or how the connection is made. */
    private static final Set<String> LIBPQ = Set.of("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER",
            "PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "PGSYSCONFDIR", "PGOPTIONS", "PGREQUIREAUTH",
            "PGCHANNELBINDING", "PGSSLMODE", "PGREQUIRESSL", "PGSSLNEGOTIATION", "PGSSLCOMPRESSION", "PGSSLCERT",
            "PGSSLKEY", "PGSSLCERTMODE", "PGSSLROOTCERT", "PGSSLCRL", "PGSSLCRLDIR", "PGSSLSNI", "PGREQUIREPEER",
            "PGSSLMINPROTOCOLVERSION", "PGSSLMAXPROTOCOLVERSION", "PGGSSENCMODE", "PGKRBSRVNAME", "PGGSSLIB",
            "PGGSSDELEGATION", "PGTARGETSESSIONATTRS", "PGLOADBALANCEHOSTS");

    /** The MySQL and MariaDB clients' variables that choose the server, the login or the option files read. */
    private static final Set<String> MYSQL = Set.of("MYSQL_HOST", "MYSQL_TCP_PORT", "MYSQL_UNIX_PORT", "MYSQL_PWD",
            "MYSQL_GROUP_SUFFIX", "MYSQL_TEST_LOGIN_FILE", "MYSQL_HOME", "MYSQLX_TCP_PORT", "MYSQLX_UNIX_PORT",
            "LIBMYSQL_ENABLE_CLEARTEXT_PLUGIN", "MARIADB_HOST", "MARIADB_TCP_PORT", "MARIADB_UNIX_PORT");

    /** Names that say the variable holds a database's address or login: {@code LEGACY_DB_URL}, {@code DB_HOST}. */
    private static final Pattern NAME = Pattern.compile("(?:\\w+_)?(?:DB|DATABASE|POSTGRES|POSTGRESQL|PG|MYSQL|MARIADB)"
            + "_(?:URL|URI|DSN|HOST|HOSTNAME|HOSTADDR|SERVER|ADDR|ADDRESS|PORT|NAME|DATABASE|DB|USER|USERNAME|PASSWORD"
            + "|PASS|PWD|SOCKET|SERVICE)", Pattern.CASE_INSENSITIVE);

    /** A database URL anywhere in a value: {@code postgres://}, {@code postgresql+asyncpg://}, {@code jdbc:...}. */
    private static final Pattern URL = Pattern.compile("(?<![\\w+.-])(?:(?:postgres|postgresql|pgsql|cockroachdb"
            + "|redshift|mysql|mysqlx|mariadb)(?:\\+[\\w.-]+)?://|jdbc:)", Pattern.CASE_INSENSITIVE);

    /** Go's MySQL data source names: {@code user:password@tcp(host:3306)/name}. */
    private static final Pattern GO_DSN = Pattern.compile("@(?:tcp|tcp6|unix)\\([^)]*\\)/", Pattern.CASE_INSENSITIVE);

    /** A libpq keyword/value connection string: {@code host=db dbname=app user=app}. */
    private static final Pattern CONNINFO = Pattern.compile(
            "\\s*+(?:\\w++\\s*+=\\s*+(?:'(?:[^'\\\\]|\\\\.)*+'|[^\\s']\\S*+)\\s*+)++");
    private static final Pattern CONNINFO_TARGET = Pattern.compile("(?:^|\\s)(?:host|hostaddr|dbname|service)\\s*=",
            Pattern.CASE_INSENSITIVE);

    private final String tool;
    private final Engine engine;
    private final Map<String, String> database;
    private final Map<String, String> own = new LinkedHashMap<>();
    private final Set<String> mapped = new LinkedHashSet<>();
    private String mapping;
    private Map<String, String> inherited = System.getenv();
    private Supplier<List<ConnectionDetails>> containedTo;
    private KeptPlace kept;
    private NetworkConfinement.Confined confined;

    private ToolProcessEnvironment(String tool, Engine engine, Map<String, String> database) {
        this.tool = tool;
        this.engine = engine;
        this.database = database;
        this.mapping = "make the code that reads it take DATABASE_URL (or the engine's client variables, such as"
                + " PGHOST and PGDATABASE), which name the throwaway database";
    }

    /**
     * The environment of a process of {@code tool} bound to {@code database}: the dialect's client variables
     * ({@link Dialect#clientEnvironment}) and {@code DATABASE_HOST}, {@code DATABASE_PORT}, {@code DATABASE_NAME},
     * {@code DATABASE_USER}, {@code DATABASE_PASSWORD}.
     *
     * @param tool how the warning names the process ({@code Knex}, {@code the migration command})
     */
    public static ToolProcessEnvironment of(String tool, Dialect dialect, ConnectionDetails database) {
        return new ToolProcessEnvironment(tool, dialect.engine(), variables(dialect, database));
    }

    /**
     * The environment of a helper handed its database with each request rather than at start (Alembic): it names no
     * database at all until then, and the variables {@link #variables} names for {@code dialect} are set with each
     * request.
     */
    public static ToolProcessEnvironment beforeItsDatabase(String tool, Dialect dialect) {
        ToolProcessEnvironment environment = new ToolProcessEnvironment(tool, dialect.engine(), Map.of());
        environment.mapped.addAll(variables(dialect, new ConnectionDetails("localhost", 1, "-", "-", "")).keySet());
        return environment;
    }

    /** The variables that name {@code database} for the engine of {@code dialect}, for a process or a request. */
    public static Map<String, String> variables(Dialect dialect, ConnectionDetails database) {
        Map<String, String> client = new TreeMap<>(dialect.clientEnvironment(database));
        Map<String, String> variables = new LinkedHashMap<>();
        String url = client.remove("DATABASE_URL");
        if (url != null) {
            variables.put("DATABASE_URL", url);
        }
        variables.putAll(client);
        variables.put("DATABASE_HOST", database.host());
        variables.put("DATABASE_PORT", String.valueOf(database.port()));
        variables.put("DATABASE_NAME", database.database());
        variables.put("DATABASE_USER", database.user());
        variables.put("DATABASE_PASSWORD", database.password());
        return variables;
    }

    /**
     * A template of the user's ({@code rehearsal.env.<NAME>}, {@code rehearsal.alembic.env.<NAME>}) filled in for
     * {@code details}: {@code ${url}} (as {@code url}), {@code ${host}}, {@code ${port}}, {@code ${user}},
     * {@code ${password}}, {@code ${database}}.
     */
    public static String fill(String template, ConnectionDetails details, String url) {
        return template.replace("${url}", url).replace("${host}", details.host())
                .replace("${port}", String.valueOf(details.port())).replace("${user}", details.user())
                .replace("${password}", details.password()).replace("${database}", details.database());
    }

    /** Adds a variable of the tool's own ({@code PYTHONDONTWRITEBYTECODE}, {@code REHEARSAL_MIGRATIONS}). */
    public ToolProcessEnvironment put(String name, String value) {
        own.put(name, value);
        return this;
    }

    /**
     * Names the variables the user maps to the throwaway database, set with each request or already among
     * {@link #put}'s, so they are never taken for another database's; and {@code how} a variable is mapped, for the
     * warning ({@code rehearsal.alembic.env.<NAME>=${url}}).
     */
    public ToolProcessEnvironment mapped(Collection<String> names, String how) {
        mapped.addAll(names);
        mapping = "map it with " + how;
        return this;
    }

    /** How the warning says a variable the project needs is mapped, where no setting maps one. */
    public ToolProcessEnvironment mappedBy(String how) {
        mapping = how;
        return this;
    }

    /** The environment the process would inherit (the JVM's, by default). */
    public ToolProcessEnvironment inheriting(Map<String, String> environment) {
        inherited = Map.copyOf(environment);
        return this;
    }

    /**
     * What the process gets: the inherited environment without what names another database, then the throwaway
     * database's variables and the tool's own; and what was removed.
     */
    public World world() {
        Map<String, String> environment = new LinkedHashMap<>();
        List<String> removed = new ArrayList<>();
        inherited.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String name = e.getKey();
            if (database.containsKey(name) || own.containsKey(name)) {
                return; // replaced below
            }
            if (namesADatabase(name, e.getValue())) {
                if (!mapped.contains(name)) {
                    removed.add(name);
                }
                return;
            }
            environment.put(name, e.getValue());
        });
        environment.putAll(database);
        environment.putAll(own);
        String warning = removed.isEmpty() ? null : "Rehearsal runs " + tool + " with an environment that names only"
                + " the throwaway database: it removed " + String.join(", ", removed) + ", which name"
                + (removed.size() == 1 ? "s" : "") + " another database or server. If the project needs "
                + (removed.size() == 1 ? "it" : "one of them") + ", " + mapping + ".";
        return new World(environment, removed, Optional.ofNullable(warning));
    }

    /**
     * Runs the process contained ({@code rehearsal.containment=network}, the default): where this machine can make
     * namespaces and the throwaway server is on its loopback, the process reaches only the database
     * {@code database} names when each session starts ({@link NetworkConfinement}); elsewhere one warning line says
     * the run is guarded, not contained, and why.
     *
     * @param mode {@code network}, or {@code guard} for the session and driver guards alone
     */
    public ToolProcessEnvironment containment(String mode, Supplier<List<ConnectionDetails>> databases) {
        containedTo = "network".equals(mode) ? databases : null;
        return this;
    }

    /**
     * Contained processes enter the network {@code place} keeps for the tool's processes, one after another, rather
     * than a network made for each.
     */
    public ToolProcessEnvironment keptIn(KeptPlace place) {
        kept = place;
        return this;
    }

    /**
     * Starts {@code builder}'s process with this environment in place of the JVM's, contained where
     * {@link #containment} asks for it and the machine allows it; logs the warnings once per JVM.
     *
     * @throws IOException where the program cannot be run, or the machine contains tools but this process could not
     *                     be contained (then it is not started; the message says why and how to run it guarded)
     */
    public Process start(ProcessBuilder builder) throws IOException {
        World world = world();
        builder.environment().clear();
        builder.environment().putAll(world.environment());
        world.warning().filter(WARNED::add).ifPresent(LOG::warn);
        synchronized (this) {
            confined = null;
        }
        if (containedTo == null) {
            return builder.start();
        }
        Optional<String> not = NetworkConfinement.notContained(containedTo.get().get(0));
        NetworkConfinement.Confined gate = null;
        if (not.isEmpty()) {
            try {
                gate = NetworkConfinement.confine(builder, engine, containedTo, kept);
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("Cannot run program")) {
                    throw e;
                }
                // this machine contains tools: one that cannot be contained now is not run at all
                throw new IOException("Rehearsal could not contain " + tool + " (" + e.getMessage() + "), so it did not"
                        + " run it; rehearsal.containment=guard runs it guarded only (docs/layouts.md, Containment)",
                        e);
            }
        }
        if (gate == null) {
            String warning = "Rehearsal runs " + tool + " guarded, not contained: " + not.orElseThrow() + ". A"
                    + " session the tool opens on another database is stopped by Rehearsal's guards where they see it"
                    + " (docs/layouts.md, Containment).";
            if (WARNED.add(warning)) {
                LOG.warn(warning);
            }
            return builder.start();
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            gate.close();
            throw e;
        }
        synchronized (this) {
            confined = gate;
        }
        process.onExit().thenRun(gate::close);
        return process;
    }

    /** Whether the last process {@link #start} started runs contained. */
    public synchronized boolean contained() {
        return confined != null;
    }

    /**
     * The sessions the contained process asked for on another database since the last call, one line each
     * ({@code database "dev" as user "app"}); refused before they reached the server.
     */
    public synchronized List<String> takeRefusals() {
        return confined == null ? List.of() : confined.takeRefusals();
    }

    /** The variables that name the throwaway database, and the mapped ones among {@link #put}'s, without passwords. */
    public String handed() {
        Map<String, String> shown = new LinkedHashMap<>(database);
        own.forEach((name, value) -> {
            if (mapped.contains(name)) {
                shown.put(name, value);
            }
        });
        return shown.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + masked(e.getKey(), e.getValue())).collect(Collectors.joining(", "));
    }

    /** Whether the variable {@code name} with {@code value} names a database or a database server. */
    static boolean namesADatabase(String name, String value) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (LIBPQ.contains(upper) || MYSQL.contains(upper) || NAME.matcher(name).matches()) {
            return true;
        }
        if (value == null || value.isBlank()) {
            return false;
        }
        return URL.matcher(value).find() || GO_DSN.matcher(value).find()
                || CONNINFO.matcher(value).matches() && CONNINFO_TARGET.matcher(value).find();
    }

    private static String masked(String name, String value) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.contains("PASSWORD") || upper.endsWith("_PWD")) {
            return "***";
        }
        return value.replaceAll("(://[^:/@]*):[^@/]*@", "$1:***@");
    }

    /**
     * A process's environment: what it gets, and the inherited variables removed because they name another
     * database (by name, sorted).
     *
     * @param warning the one line that names what was removed and how to map a variable, where anything was
     */
    public record World(Map<String, String> environment, List<String> removed, Optional<String> warning) {
        public World {
            environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
            removed = List.copyOf(removed);
        }
    }
}
