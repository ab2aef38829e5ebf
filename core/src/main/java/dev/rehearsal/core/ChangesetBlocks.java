package dev.rehearsal.core;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Liquibase's checksum of one changeset covers, read from a changelog file's text, to tell a changeset a change
 * edited from one it left alone ({@link NewMigrations}): the changes inside an XML {@code <changeSet>} element, or the
 * lines below a formatted SQL {@code --changeset author:id} line, without the changeset's attributes, comments,
 * rollback, preconditions and accepted checksums, whitespace runs made one space. YAML and JSON changelogs are not
 * read here.
 */
final class ChangesetBlocks {

    private static final Pattern XML_START = Pattern.compile("<changeSet\\b[^>]*?(/?)>", Pattern.DOTALL);
    /** Liquibase's own form: a quoted or unquoted author (spaces allowed), a quoted or unquoted id, any case. */
    private static final Pattern SQL_START = Pattern.compile(
            "(?im)^[ \\t]*--[ \\t]*changeset[ \\t]+(\"[^\"]+\"|[^:\\n]+):(\"[^\"]+\"|\\S+)");
    private static final Pattern XML_OUTSIDE_CHECKSUM = Pattern.compile(
            "(?s)<(comment|rollback|preConditions|validCheckSum)\\b[^>]*?(/>|>.*?</\\1>)");
    private static final Pattern SQL_OUTSIDE_CHECKSUM = Pattern.compile(
            "(?im)^[ \\t]*--[ \\t]*(rollback|comment|validCheckSum|precondition)\\b.*$");
    private static final Pattern RUNS_AGAIN = Pattern.compile(
            "(?i)\\b(runOnChange|runAlways)\\s*[=:]\\s*[\"']?true\\b");
    private static final Pattern ACCEPTED = Pattern.compile("(?i)validCheckSum");

    /** One changeset: its declaration (tag or header line) and what its checksum covers. */
    record Block(String declaration, String checksummed, boolean acceptsOtherChecksums) {

        /** Whether Liquibase runs it again when it changes, or at every update ({@code runOnChange}, {@code runAlways}). */
        boolean runsAgainWhenChanged() {
            return RUNS_AGAIN.matcher(declaration).find();
        }
    }

    private ChangesetBlocks() {
    }

    /** Changeset {@code id} by {@code author} in {@code changelog}; empty where it is not there (or not readable here). */
    static Optional<Block> of(String changelog, String id, String author) {
        Matcher xml = XML_START.matcher(changelog);
        while (xml.find()) {
            String tag = xml.group();
            if (id.equals(attribute(tag, "id")) && author.equals(attribute(tag, "author"))) {
                int end = xml.group(1).isEmpty() ? changelog.indexOf("</changeSet>", xml.end()) : xml.end();
                String inner = changelog.substring(xml.end(), Math.max(xml.end(), end < 0 ? changelog.length() : end));
                return Optional.of(new Block(tag, normalized(XML_OUTSIDE_CHECKSUM.matcher(inner).replaceAll(" ")),
                        ACCEPTED.matcher(inner).find()));
            }
        }
        Matcher sql = SQL_START.matcher(changelog);
        while (sql.find()) {
            if (author.equals(unquoted(sql.group(1).strip())) && id.equals(unquoted(sql.group(2)))) {
                int lineEnd = changelog.indexOf('\n', sql.end());
                lineEnd = lineEnd < 0 ? changelog.length() : lineEnd;
                Matcher next = SQL_START.matcher(changelog);
                int end = next.find(lineEnd) ? next.start() : changelog.length();
                String body = changelog.substring(lineEnd, end);
                return Optional.of(new Block(changelog.substring(sql.start(), lineEnd),
                        normalized(SQL_OUTSIDE_CHECKSUM.matcher(body).replaceAll(" ")), ACCEPTED.matcher(body).find()));
            }
        }
        return Optional.empty();
    }

    private static String attribute(String tag, String name) {
        Matcher m = Pattern.compile("\\s" + name + "\\s*=\\s*([\"'])(.*?)\\1", Pattern.DOTALL).matcher(tag);
        return m.find() ? m.group(2) : null;
    }

    private static String unquoted(String value) {
        return value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static String normalized(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
