package dev.rehearsal.core.internal.helper;

import org.apiguardian.api.API;

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
}
