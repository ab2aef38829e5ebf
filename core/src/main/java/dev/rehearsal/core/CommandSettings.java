package dev.rehearsal.core;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How Rehearsal drives a migration tool whose history is code (Knex, Django, Rails, Ecto, TypeORM...) through the
 * project's own command, one step at a time: the commands that apply the next migration, revert the current one and
 * print the current version. Each runs in a shell ({@code sh -c}) in {@link #directory()}, with the throwaway
 * database's address in its environment ({@code DATABASE_URL}, {@code DATABASE_HOST}, {@code DATABASE_PORT},
 * {@code DATABASE_NAME}, {@code DATABASE_USER}, {@code DATABASE_PASSWORD} and the engine's client variables such as
 * {@code PGHOST}), and the folder the history was read from in {@code REHEARSAL_MIGRATIONS}, so that the tool can be
 * pointed at the files Rehearsal read ({@code knex migrate:up --migrations-directory "$REHEARSAL_MIGRATIONS"}).
 *
 * <p>Commands may name migrations with placeholders, replaced by shell-quoted names (the file name without its
 * extension, such as {@code 0002_add_sku}): {@code {next}} the migration being applied (in the down command: the one
 * being reverted), {@code {previous}} the one before it, or {@link #base()} before the first.
 *
 * @param up             applies the next migration ({@code npx knex migrate:up},
 *                       {@code python3 manage.py migrate shop {next}}); empty when no tool is driven by command
 * @param down           reverts the current migration ({@code npx knex migrate:down},
 *                       {@code python3 manage.py migrate shop {previous}}); empty: the history has no downs
 * @param current        prints the current version ({@code npx knex migrate:currentVersion},
 *                       {@code python3 manage.py showmigrations shop})
 * @param currentPattern a regular expression whose first group, at its last match in the current command's output,
 *                       is the current migration's version or name; no match means none is applied. The default takes
 *                       the output's last word
 * @param tables         the tool's own tables, left out of schema comparisons ({@code knex_migrations},
 *                       {@code django_migrations})
 * @param directory      where the commands run; empty: the working directory (the project's, under Maven)
 * @param base           what {@code {previous}} stands for before the first migration ({@code zero}, as Django names
 *                       it)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record CommandSettings(String up, String down, String current, String currentPattern, List<String> tables,
                              String directory, String base) {

    /** The default {@link #currentPattern()}: the last word of the output. */
    public static final String LAST_WORD = "(\\S+)\\s*\\z";

    /** No tool driven by command. */
    public static final CommandSettings NONE = new CommandSettings("", "", "", LAST_WORD, List.of(), "", "zero");

    public CommandSettings {
        up = up == null ? "" : up.strip();
        down = down == null ? "" : down.strip();
        current = current == null ? "" : current.strip();
        currentPattern = currentPattern == null || currentPattern.isBlank() ? LAST_WORD : currentPattern;
        tables = List.copyOf(Objects.requireNonNull(tables, "tables"));
        directory = directory == null ? "" : directory.strip();
        base = base == null || base.isBlank() ? "zero" : base.strip();
        try {
            if (Pattern.compile(currentPattern).matcher("").groupCount() < 1) {
                throw new IllegalArgumentException("rehearsal.command.current-pattern \"" + currentPattern + "\" has no"
                        + " group: put the version in parentheses, such as Current Version: (\\S+)");
            }
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("rehearsal.command.current-pattern is not a regular expression: "
                    + e.getDescription() + " in \"" + currentPattern + "\"", e);
        }
    }

    /** Whether a tool is driven by command ({@link #up()} is set). */
    public boolean configured() {
        return !up.isEmpty();
    }

    /** A copy with these three commands. */
    public CommandSettings withCommands(String up, String down, String current) {
        return new CommandSettings(up, down, current, currentPattern, tables, directory, base);
    }

    /** A copy that reads the current version with this pattern. */
    public CommandSettings withCurrentPattern(String pattern) {
        return new CommandSettings(up, down, current, pattern, tables, directory, base);
    }

    /** A copy that leaves these tables (the tool's own) out of schema comparisons. */
    public CommandSettings withTables(List<String> names) {
        return new CommandSettings(up, down, current, currentPattern, names, directory, base);
    }

    /** A copy whose commands run in this directory. */
    public CommandSettings withDirectory(String path) {
        return new CommandSettings(up, down, current, currentPattern, tables, path, base);
    }

    /** A copy where {@code {previous}} before the first migration is {@code name}. */
    public CommandSettings withBase(String name) {
        return new CommandSettings(up, down, current, currentPattern, tables, directory, name);
    }
}
