package dev.rehearsal.core.internal.helper;

import org.apiguardian.api.API;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a step says when a contained tool asked for a session on another database and was refused, or failed to
 * connect to a server out of its reach.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ContainedRefusal {

    /** What a failed tool's message adds where it ran contained: why another server is out of its reach. */
    private static final String UNREACHABLE = "\n  It ran contained (rehearsal.containment=network): it reaches only"
            + " the throwaway database it was handed, so a refused connection, a missing socket or an unknown host"
            + " in what it said is another server or database that the project's configuration or code names. Point"
            + " it at DATABASE_URL (or PGHOST, PGPORT and PGDATABASE), or map its variable:"
            + " rehearsal.env.<NAME>=${url}.";

    private static final Pattern CONNECTION_FAILED = Pattern.compile(
            "ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|Connection refused|could not translate host"
                    + "|Name or service not known|Temporary failure in name resolution|Network is unreachable"
                    + "|connection to server .* failed|(?:socket|\\.sock|\\.s\\.PGSQL)\\S* .*No such file",
            Pattern.CASE_INSENSITIVE);

    private ContainedRefusal() {
    }

    /**
     * What a failed step of a contained tool adds: the first line of what it said that reads as a connection it could
     * not make, and why; empty where nothing reads so.
     */
    public static String note(String said) {
        return said.lines().filter(l -> CONNECTION_FAILED.matcher(l).find()).findFirst()
                .map(l -> "\n  it said: " + l.strip() + UNREACHABLE).orElse("");
    }

    /**
     * The message: the tool, each session refused ({@code database "dev" as user "app"}), that nothing reached that
     * database, and how to fix it.
     *
     * @param tool how the message names the tool ({@code Knex}, {@code the migration command "..."})
     */
    public static String describe(String tool, List<String> refused) {
        return tool + " asked for a session on another database than the throwaway one Rehearsal made: "
                + String.join("; ", refused) + ". It runs contained (rehearsal.containment=network), so the"
                + " session was refused before it reached the server, and nothing ran there. Point the code that"
                + " opens it at the database Rehearsal hands the tool (DATABASE_URL, PGHOST and PGDATABASE, or the"
                + " connection the tool is given).";
    }
}
