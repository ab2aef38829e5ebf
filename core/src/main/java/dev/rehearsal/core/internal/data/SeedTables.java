package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.data.TableSeed;
import dev.rehearsal.core.model.ClosestName;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The check that round-trip seeds name tables the history has. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SeedTables {

    private static final Pattern CREATE_TABLE = Pattern.compile(
            "\\bCREATE\\s+(?:UNLOGGED\\s+|TEMP(?:ORARY)?\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([\\w\"`.$]+)",
            Pattern.CASE_INSENSITIVE);

    private SeedTables() {
    }

    /**
     * Refuses seeds for tables no migration of {@code history} mentions (a misspelt name would otherwise seed
     * nothing, silently). Histories whose migrations are not all readable as text (Java migrations) are not checked.
     *
     * @throws RehearsalException naming the table, the setting and what to check
     */
    public static void check(List<TableSeed> seeds, MigrationHistory history) {
        if (seeds.isEmpty()) {
            return;
        }
        List<Predicate<String>> texts = new ArrayList<>();
        Set<String> created = new LinkedHashSet<>();
        for (Migration m : history.versioned()) {
            if (m.up() == null || m.up().sql() == null || m.up().sql().isBlank()) {
                return;
            }
            texts.add(DataChecks.mentionedIn(m.up().sql()));
            Matcher table = CREATE_TABLE.matcher(m.up().sql());
            while (table.find()) {
                created.add(table.group(1).replace("\"", "").replace("`", "").replaceFirst("^public\\.", ""));
            }
        }
        for (TableSeed seed : seeds) {
            if (texts.stream().noneMatch(t -> t.test(seed.tableName()))) {
                throw new RehearsalException("The seed settings name the table \"" + seed.tableName() + "\", which no"
                        + " migration of " + history.location() + " mentions (from rehearsal.seed.file, or a round-trip"
                        + " seed of the test)" + ClosestName.among(seed.tableName(), created)
                        .map(c -> ": did you mean \"" + c + "\"?").orElse("") + ". Check its spelling; a table outside"
                        + " the default schema is written \"audit.log\".");
            }
        }
    }

}
