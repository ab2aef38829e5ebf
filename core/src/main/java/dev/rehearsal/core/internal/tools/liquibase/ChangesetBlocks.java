package dev.rehearsal.core.internal.tools.liquibase;

import org.apiguardian.api.API;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of one changeset in a changelog file's text, to tell a changeset a change edited from one it left alone:
 * the {@code <changeSet>} element of an XML changelog, or the lines from {@code --changeset author:id} to the next
 * changeset of a formatted SQL one. YAML and JSON changelogs are not read here.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ChangesetBlocks {

    private static final Pattern XML_START = Pattern.compile("<changeSet\\b[^>]*?(/?)>", Pattern.DOTALL);
    private static final Pattern SQL_START = Pattern.compile("(?m)^\\s*--\\s*changeset\\s+(\\S+?):(\\S+)");
    private static final Pattern RUNS_AGAIN = Pattern.compile("\\b(runOnChange|runAlways)\\s*[=:]\\s*[\"']?true\\b");

    private ChangesetBlocks() {
    }

    /** The text of changeset {@code id} by {@code author} in {@code changelog}, whitespace runs made one space. */
    public static Optional<String> of(String changelog, String id, String author) {
        Matcher xml = XML_START.matcher(changelog);
        while (xml.find()) {
            String tag = xml.group();
            if (id.equals(attribute(tag, "id")) && author.equals(attribute(tag, "author"))) {
                int end = xml.group(1).isEmpty() ? changelog.indexOf("</changeSet>", xml.end()) : xml.end();
                return Optional.of(normalized(changelog.substring(xml.start(), end < 0 ? changelog.length() : end)));
            }
        }
        Matcher sql = SQL_START.matcher(changelog);
        while (sql.find()) {
            if (author.equals(sql.group(1)) && id.equals(sql.group(2))) {
                Matcher next = SQL_START.matcher(changelog);
                int end = next.find(sql.end()) ? next.start() : changelog.length();
                return Optional.of(normalized(changelog.substring(sql.start(), end)));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether Liquibase runs the changeset of {@code block} (from {@link #of}) again when it changes, or at every
     * update ({@code runOnChange}, {@code runAlways}): an edit of it reaches production.
     */
    public static boolean runsAgainWhenChanged(String block) {
        return RUNS_AGAIN.matcher(block).find();
    }

    private static String attribute(String tag, String name) {
        Matcher m = Pattern.compile("\\s" + name + "\\s*=\\s*([\"'])(.*?)\\1", Pattern.DOTALL).matcher(tag);
        return m.find() ? m.group(2) : null;
    }

    private static String normalized(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
