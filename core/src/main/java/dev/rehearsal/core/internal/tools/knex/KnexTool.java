package dev.rehearsal.core.internal.tools.knex;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.helper.HelperStep;
import dev.rehearsal.core.internal.helper.PendingUps;
import dev.rehearsal.core.internal.helper.SessionGuard;
import dev.rehearsal.core.internal.helper.UnwatchedUps;
import dev.rehearsal.core.internal.locks.ToolSessions;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;

import javax.sql.DataSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Knex bound to one database: each up is {@code knex.migrate.up({name})}, each down {@code knex.migrate.down({name})},
 * run by the helper on the database of the moment with a Knex of the phase's own, so that each phase starts on a new
 * session as a deploy's does. The current migration is read from Knex's table over JDBC.
 */
final class KnexTool implements MigrationTool, UnwatchedUps {

    /** A migration Knex runs without its transaction ({@code config = { transaction: false }}), or one that commits. */
    private static final Pattern COMMITS = Pattern.compile("transaction\\s*:\\s*false|\\bcommit\\b",
            Pattern.CASE_INSENSITIVE);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KnexSource source;
    private final MigrationHistory history;
    private final String table;
    private final Map<String, String> files;
    private final DataSource dataSource;
    private final Dialect dialect;
    private final Supplier<ConnectionDetails> database;
    private final ToolSessions sessions;
    private final SessionGuard guard;

    KnexTool(KnexSource source, MigrationHistory history, String table, Map<String, String> files, DataSource dataSource,
             Dialect dialect, Supplier<ConnectionDetails> database, ToolSessions sessions, SessionGuard guard) {
        this.source = source;
        this.history = history;
        this.table = table;
        this.files = files;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.database = database;
        this.sessions = sessions;
        this.guard = guard;
    }


    @Override
    public MigrationHistory history() {
        return history;
    }

    /** A migration's name ({@code 20240201090000_task_priority}), its file name, or a unique prefix. */
    @Override
    public Migration migration(String target) {
        return HelperStep.named(history, target.strip().replaceFirst("\\.(c|m)?js$", ""), 1);
    }

    @Override
    public Optional<MigrationVersion> currentVersion() {
        Set<String> applied = HelperStep.recordedNames(dataSource, table);
        return HelperStep.latestApplied(history, m -> applied.contains(files.get(m.id())));
    }

    @Override
    public void upTo(MigrationVersion target) {
        MigrationVersion from = currentVersion().orElse(null);
        for (Migration m : history.between(from, target)) {
            step("up", m);
        }
    }

    /** Several migrations on one Knex, one {@code knex.migrate.up} each, as a script bringing a database up runs them. */
    @Override
    public void upToUnwatched(MigrationVersion target) {
        PendingUps.apply(this, dialect, () -> history.between(currentVersion().orElse(null), target), pending -> {
            Migration last = pending.get(pending.size() - 1);
            ObjectNode request = request("up", last).put("trace", false);
            ArrayNode names = request.putArray("names");
            pending.forEach(m -> names.add(files.get(m.id())));
            run(request, "up", last, "knex.migrate.up of " + pending.get(0).displayName() + " to " + last.displayName());
        }, m -> step("up", m));
    }

    @Override
    public void down(Migration migration) {
        step("down", migration);
    }

    private void step(String phase, Migration migration) {
        run(request(phase, migration), phase, migration, "knex.migrate." + phase + " of " + migration.displayName());
    }

    private ObjectNode request(String phase, Migration migration) {
        ObjectNode request = JSON.createObjectNode().put("op", phase).put("name", files.get(migration.id()))
                .put("trace", true).put("file", migration.up().location());
        if (dialect.locks() != null && dialect.locks().lockTimeoutQuery() != null) {
            request.put("lock_timeout_query", dialect.locks().lockTimeoutQuery());
        }
        HelperStep.database(request, database.get(), dialect, source);
        request.put("session_query", dialect.sessionIdentityQuery());
        return request;
    }

    private void run(ObjectNode request, String phase, Migration migration, String what) {
        HelperStep.run(source.helper(dialect, database.get(), guard), request, source.timeout(), sessions, guard, phase,
                migration, what);
    }

    @Override
    public void applyRepeatables() {
        // Knex has no repeatable migrations
    }

    /** Found from the up as the helper reports it, where the migration can leave the tool's transaction. */
    @Override
    public UpTransaction upTransaction(Migration migration) {
        return source.withoutTransactions() ? UpTransaction.AS_REPORTED
                : HelperStep.upTransaction(dialect, migration, COMMITS);
    }

    @Override
    public String expectedDownScript(Migration migration) {
        return "an exports.down in " + files.get(migration.id());
    }

    @Override
    public Set<String> ownTables() {
        return Set.of(table, table + "_lock");
    }
}
