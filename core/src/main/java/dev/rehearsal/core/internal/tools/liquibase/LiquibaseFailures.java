package dev.rehearsal.core.internal.tools.liquibase;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import liquibase.exception.PreconditionFailedException;
import liquibase.exception.ValidationFailedException;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Liquibase threw, told as Rehearsal tells a failure: the changeset (the one Liquibase names where an update of
 * several failed), the statement Liquibase generated, the SQLState and the database's reason; an applied changeset
 * whose checksum changed, with both checksums and what to do; a precondition that halted.
 */
final class LiquibaseFailures {

    private final String location;
    private final Map<String, Migration> byKey;
    private final LiquibaseSearchPath searchPath;

    LiquibaseFailures(String location, Map<String, Migration> byKey, LiquibaseSearchPath searchPath) {
        this.location = location;
        this.byKey = byKey;
        this.searchPath = searchPath;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * Liquibase's "check sum" validation failure, told as what happened and what to do: an applied changeset's text
     * changed, and Liquibase never runs an applied changeset again.
     */
    private String changedChecksums(String what, Migration migration, List<String> invalid) {
        StringBuilder sb = new StringBuilder("Liquibase refused to " + what + " "
                + (migration == null ? location : migration.id() + " (" + location + ")") + ": ");
        sb.append(invalid.size() == 1 ? "an applied changeset" : invalid.size() + " applied changesets")
                .append(" changed since it was applied, so DATABASECHANGELOG no longer matches the changelog:");
        Pattern entry = Pattern.compile("(.*)::(.*)::(.*) was: (\\S+) but is now: (\\S+)");
        for (String line : invalid) {
            Matcher m = entry.matcher(line.strip());
            if (m.matches()) {
                sb.append("\n  changeset ").append(m.group(2)).append(" by ").append(m.group(3)).append(" in ")
                        .append(m.group(1)).append(": checksum ").append(m.group(4)).append(" when applied, ")
                        .append(m.group(5)).append(" now");
            } else {
                sb.append("\n  ").append(line.strip());
            }
        }
        return sb.append("\nRestore the changeset as it was and put the change in a new changeset; if the edit cannot")
                .append(" change the schema (a comment, formatting), add <validCheckSum> with the new checksum to it.")
                .toString();
    }

    /** {@code e}, which Liquibase threw while it tried to {@code what}, as a failure a user can act on. */
    RuntimeException of(String what, Migration migration, Exception e) {
        if (e instanceof RehearsalException r) {
            return r;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        ValidationFailedException invalid = cause(e, ValidationFailedException.class);
        if (invalid != null && !invalid.getInvalidMD5Sums().isEmpty()) {
            return new RehearsalException(changedChecksums(what, migration, invalid.getInvalidMD5Sums()), e);
        }
        String customChange = MissingCustomChange.describe(e, location, searchPath.roots());
        if (customChange != null) {
            return new RehearsalException(customChange, e);
        }
        if (migration == null) {
            String reason = reason(e);
            boolean notFound = reason.contains("was not found in the configured search path");
            return new RehearsalException("Liquibase could not " + what + " the changelog " + location + ": " + reason
                    + (notFound ? searchPath.advice() : ""), e);
        }
        String sqlState = root instanceof SQLException sql ? sql.getSQLState() : null;
        // an update of several changesets fails in one of them, which Liquibase names
        Matcher named = Pattern.compile("Migration failed for changeset (.+)::(.+)::(.+?):")
                .matcher(message);
        if (named.find() && byKey.containsKey(LiquibaseTool.key(named.group(1), named.group(2), named.group(3)))) {
            migration = byKey.get(LiquibaseTool.key(named.group(1), named.group(2), named.group(3)));
        }
        String reason = reason(e);
        String statement = null;
        Matcher failedSql = Pattern.compile("(?s)(.*?)\\s*\\[Failed SQL: \\(-?\\d+\\) (.*)]\\s*$")
                .matcher(reason);
        if (failedSql.matches()) {
            reason = failedSql.group(1);
            statement = failedSql.group(2);
        }
        // Liquibase names no changeset where recording one failed (its INSERT into DATABASECHANGELOG): the values do
        Matcher recording = Pattern.compile("(?i)INSERT INTO \\S*databasechangelog"
                + " \\(ID, AUTHOR, FILENAME.*?VALUES \\('((?:[^']|'')*)', '((?:[^']|'')*)', '((?:[^']|'')*)'")
                .matcher(statement == null ? "" : statement);
        if (recording.find() && byKey.containsKey(LiquibaseTool.key(unquote(recording.group(3)),
                unquote(recording.group(1)), unquote(recording.group(2))))) {
            migration = byKey.get(LiquibaseTool.key(unquote(recording.group(3)), unquote(recording.group(1)),
                    unquote(recording.group(2))));
        }
        PreconditionFailedException halted = cause(e, PreconditionFailedException.class);
        if (halted != null) {
            reason = "its precondition failed, and a failed precondition halts Liquibase (onFail=\"HALT\", the default): "
                    + reason + ". Liquibase stops at this changeset in production too: make the precondition hold here,"
                    + " or give it onFail=\"MARK_RAN\" (or CONTINUE, WARN) if skipping the changeset is intended.";
        }
        return new MigrationFailedException(what.equals("roll back") ? "down" : "up", migration,
                what.equals("roll back") && migration.down() != null ? migration.down().name() : migration.up().name(), 0,
                statement, sqlState, reason, e);
    }

    private static String unquote(String sqlText) {
        return sqlText.replace("''", "'");
    }

    /**
     * What Liquibase said went wrong, without its exception class names and changeset banner: the "Reason:" of its
     * {@code MigrationFailedException}, which holds the database's error or the precondition's message.
     */
    private static String reason(Throwable e) {
        liquibase.exception.MigrationFailedException failed = cause(e, liquibase.exception.MigrationFailedException.class);
        String text = failed != null && failed.getMessage() != null ? failed.getMessage()
                : e.getMessage() == null ? e.toString() : e.getMessage();
        int at = text.indexOf("Reason:");
        if (at >= 0) {
            text = text.substring(at + "Reason:".length());
        }
        text = text.replaceAll("(liquibase|java)\\.[\\w.]+(Exception|Error): ", "").strip();
        return text.replaceAll("\\s*\\n\\s*", " ");
    }
}
