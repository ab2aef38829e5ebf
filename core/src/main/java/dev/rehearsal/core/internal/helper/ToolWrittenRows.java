package dev.rehearsal.core.internal.helper;

import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.data.DataFingerprint;
import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A migration tool that, at the end of each of its migrate commands, writes rows of its own into tables of the
 * application's schema: Django's {@code post_migrate} handlers add a content type and permissions for each model the
 * migrations made, and leave them when a migration is reverted. Those rows are the tool's, not the migration's: the
 * data checks leave those tables out, as they leave out the tool's history table. Their schema is still checked.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface ToolWrittenRows {

    /** The tables whose rows the tool writes itself ({@code auth_permission}), as the data checks name them. */
    Set<String> tablesWithToolRows();

    /**
     * {@code whole} less the tables whose rows {@code tool} writes itself, where it does: by name, in whichever schema
     * the tool keeps them (its connection's search_path).
     */
    static DataFingerprint leftOut(MigrationTool tool, DataFingerprint whole) {
        if (!(tool instanceof ToolWrittenRows written)) {
            return whole;
        }
        Set<String> left = written.tablesWithToolRows();
        Map<String, DataFingerprint.TableFingerprint> tables = new LinkedHashMap<>(whole.tables());
        tables.keySet().removeIf(table -> left.contains(table.substring(table.lastIndexOf('.') + 1)));
        return tables.size() == whole.tables().size() ? whole : new DataFingerprint(tables);
    }
}
