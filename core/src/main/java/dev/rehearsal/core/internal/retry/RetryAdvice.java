package dev.rehearsal.core.internal.retry;

import dev.rehearsal.core.MigrationFailedException;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fix a not-retry-safe finding suggests, from the error the retry met or what it left different. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RetryAdvice {

    /** Errors of a statement meeting what the stopped run already made (PostgreSQL's 42xxx, MariaDB's 1050/1060/1061...). */
    private static final Set<String> ALREADY_THERE = Set.of("42701", "42P07", "42710", "42P06", "42723", "42P16", "42S01", "42S21");
    private static final Pattern MARIADB_DUPLICATE = Pattern.compile(
            "Duplicate (?:column|key) name|Table '[^']*' already exists|already exists", Pattern.CASE_INSENSITIVE);
    private static final Pattern INVALID_INDEX = Pattern.compile("index (\\S+) INVALID");

    private static final String ONE_PER_MIGRATION = "give each statement that commits by itself a migration of its own,"
            + " so that a failure leaves a migration whole or not at all";

    private RetryAdvice() {
    }

    private static final Pattern CREATES = Pattern.compile("\\bCREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:UNIQUE\\s+)?"
            + "(MATERIALIZED\\s+VIEW|VIEW|FUNCTION|PROCEDURE|TRIGGER|TABLE|INDEX|TYPE|SEQUENCE)\\s+"
            + "(?:IF\\s+NOT\\s+EXISTS\\s+)?((?:[`\"][^`\"]+[`\"]|[\\w$]+)(?:\\.(?:[`\"][^`\"]+[`\"]|[\\w$]+))?)",
            Pattern.CASE_INSENSITIVE);

    /** What a repeatable migration could not make again ({@code view active_customers}, or null), and the fix. */
    public record Rerun(String object, String fix) {
    }

    /** For a repeatable migration that failed when applied again over itself at {@code statement}. */
    public static Rerun forRerun(String statement) {
        Matcher m = CREATES.matcher(statement == null ? "" : statement);
        if (!m.find()) {
            return new Rerun(null, "make every statement safe to run again over what it made (CREATE OR REPLACE, IF"
                    + " NOT EXISTS, DROP ... IF EXISTS first)");
        }
        String kind = m.group(1).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        String upper = kind.toUpperCase(Locale.ROOT);
        String fix = switch (kind) {
            case "view", "function", "procedure" -> "CREATE OR REPLACE " + upper + " (DROP " + upper
                    + " IF EXISTS first where its columns or signature change)";
            case "table", "index", "sequence" -> "CREATE " + upper + " IF NOT EXISTS";
            default -> "DROP " + upper + " IF EXISTS " + m.group(2) + " first";
        };
        return new Rerun(kind + " " + m.group(2), fix);
    }

    /** For a retry that failed with {@code error} on a database where the stopped run {@code left} these. */
    public static String forError(RuntimeException error, List<String> left) {
        String state = error instanceof MigrationFailedException m ? m.sqlState().orElse("") : "";
        String message = error.getMessage() == null ? "" : error.getMessage();
        if (ALREADY_THERE.contains(state) || MARIADB_DUPLICATE.matcher(message).find()) {
            return "make each statement safe to run again over what an earlier attempt made (ADD COLUMN IF NOT"
                    + " EXISTS, CREATE ... IF NOT EXISTS, DROP ... IF EXISTS: MariaDB and PostgreSQL have them), or "
                    + ONE_PER_MIGRATION;
        }
        return forDifference(left);
    }

    /** For a retry that succeeded but left the database {@code different} from a clean run's. */
    public static String forDifference(List<String> different) {
        for (String d : different) {
            Matcher m = INVALID_INDEX.matcher(d);
            if (m.find()) {
                return "drop what a cancelled build leaves before building the index again (DROP INDEX CONCURRENTLY IF"
                        + " EXISTS " + m.group(1) + ";), and do not rely on IF NOT EXISTS, which keeps an INVALID"
                        + " index: the uniqueness or the reads it was meant for are then missing, and nothing fails";
            }
        }
        if (different.stream().anyMatch(d -> d.toLowerCase(Locale.ROOT).startsWith("data "))) {
            return "make each data change touch only rows it has not changed yet (WHERE ... IS NULL, NOT EXISTS), or"
                    + " run it in the same transaction as the statements it depends on";
        }
        return "make each statement safe to run again (IF NOT EXISTS, IF EXISTS, CREATE OR REPLACE), or "
                + ONE_PER_MIGRATION;
    }
}
