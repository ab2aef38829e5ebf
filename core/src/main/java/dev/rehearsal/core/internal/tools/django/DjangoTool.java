package dev.rehearsal.core.internal.tools.django;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.db.ConnectionDetails;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.internal.helper.HelperStep;
import dev.rehearsal.core.internal.helper.OutsideDependencies;
import dev.rehearsal.core.internal.helper.PendingUps;
import dev.rehearsal.core.internal.helper.SessionGuard;
import dev.rehearsal.core.internal.helper.ToolWrittenRows;
import dev.rehearsal.core.internal.helper.UnwatchedUps;
import dev.rehearsal.core.internal.locks.ToolSessions;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Django bound to one database: each up is Django's {@code migrate <app> <migration>}, each down
 * {@code migrate <app> <previous>} ({@code zero} before the first), run by the helper on the database of the moment.
 * The current migration is read from {@code django_migrations} over JDBC.
 */
final class DjangoTool implements MigrationTool, UnwatchedUps, OutsideDependencies, ToolWrittenRows {

    /** A migration Django runs without its transaction ({@code atomic = False}), or one that commits itself. */
    private static final Pattern COMMITS = Pattern.compile("atomic\\s*=\\s*False|\\bcommit\\b", Pattern.CASE_INSENSITIVE);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DjangoSource source;
    private final MigrationHistory history;
    private final String app;
    /** The migrations that depend on another app's migration themselves: only their steps may need {@code ahead}. */
    private final Set<String> outside;
    private final DataSource dataSource;
    private final Dialect dialect;
    private final Supplier<ConnectionDetails> database;
    private final ToolSessions sessions;

    DjangoTool(DjangoSource source, MigrationHistory history, String app, Set<String> outside, DataSource dataSource,
               Dialect dialect, Supplier<ConnectionDetails> database, ToolSessions sessions) {
        this.source = source;
        this.history = history;
        this.app = app;
        this.outside = outside;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.database = database;
        this.sessions = sessions;
    }

    @Override
    public MigrationHistory history() {
        return history;
    }

    /** A migration's name ({@code 0002_product_sku}), a unique prefix of it ({@code 0002}), as Django takes them. */
    @Override
    public Migration migration(String target) {
        return HelperStep.named(history, target, 1);
    }

    @Override
    public Optional<MigrationVersion> currentVersion() {
        Set<String> applied = new HashSet<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("select name from django_migrations where app = ?")) {
            st.setString(1, app);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    applied.add(rs.getString(1));
                }
            }
        } catch (SQLException missing) {
            return Optional.empty(); // Django makes its table with the first migrate
        }
        return HelperStep.latestApplied(history, m -> applied.contains(m.id()));
    }

    @Override
    public void upTo(MigrationVersion target) {
        MigrationVersion from = currentVersion().orElse(null);
        for (Migration m : history.between(from, target)) {
            migrate("up", m, m.id());
        }
    }

    /** Several migrations in one {@code migrate <app> <target>}, where Django's plan applies exactly those. */
    @Override
    public void upToUnwatched(MigrationVersion target) {
        PendingUps.apply(this, dialect, () -> history.between(currentVersion().orElse(null), target), pending -> {
            Migration last = pending.get(pending.size() - 1);
            ObjectNode request = request(last, last.id()).put("trace", false);
            ArrayNode names = request.putArray("names");
            pending.forEach(m -> names.add(m.id()));
            run(request, "up", last, "migrate " + app + " " + last.id() + " (up from " + pending.get(0).displayName()
                    + ")");
        }, m -> migrate("up", m, m.id()));
    }

    /**
     * The other apps' migrations that Django's plan for {@code migrate <app> <migration>} applies first (those it
     * depends on, such as {@code auth}'s where a model refers to the user model), by Django's own
     * {@code migrate <other app> <migration>}, untraced; asked only for a migration that depends on another app's
     * itself.
     */
    @Override
    public List<String> applyOutsideDependencies(Migration migration) {
        if (!outside.contains(migration.id())) {
            return List.of(); // what its own app's earlier migrations depend on came with them
        }
        ObjectNode request = request(migration, migration.id()).put("op", "ahead").put("trace", false);
        List<String> applied = new ArrayList<>();
        run(request, "up", migration, "migrate the other apps' migrations that migrate " + app + " " + migration.id()
                + " applies first").path("applied").forEach(m -> applied.add(m.asText()));
        return runsByApp(applied);
    }

    /**
     * Migrations named {@code <app> <migration>}, in the order Django applied them, as one entry per run of the same
     * app: {@code auth 0001_initial and 0002_x}, or the run's first and last where it has more than two
     * ({@code auth 0001_initial ... 0012_y (12 migrations)}).
     */
    static List<String> runsByApp(List<String> applied) {
        List<String> apps = new ArrayList<>();
        List<List<String>> runs = new ArrayList<>();
        for (String appAndName : applied) {
            String[] parts = appAndName.split(" ", 2);
            if (apps.isEmpty() || !apps.get(apps.size() - 1).equals(parts[0])) {
                apps.add(parts[0]);
                runs.add(new ArrayList<>());
            }
            runs.get(runs.size() - 1).add(parts[1]);
        }
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < apps.size(); i++) {
            List<String> names = runs.get(i);
            entries.add(apps.get(i) + " " + (names.size() <= 2 ? String.join(" and ", names)
                    : names.get(0) + " ... " + names.get(names.size() - 1) + " (" + names.size() + " migrations)"));
        }
        return entries;
    }

    @Override
    public void down(Migration migration) {
        if (migration.down() == null) {
            throw new RehearsalException(migration.displayName() + " cannot be reversed: " + irreversibleReason(migration));
        }
        migrate("down", migration, history.previous(migration).map(Migration::id).orElse("zero"));
    }

    private void migrate(String phase, Migration migration, String target) {
        run(request(migration, target), phase, migration, "migrate " + app + " " + target + " (" + phase + " of "
                + migration.displayName() + ")");
    }

    private ObjectNode request(Migration migration, String target) {
        ObjectNode request = JSON.createObjectNode().put("op", "migrate").put("target", target).put("trace", true)
                .put("file", migration.up().location());
        HelperStep.database(request, database.get(), dialect, source);
        return request.put("session_query", dialect.sessionIdentityQuery());
    }

    private JsonNode run(ObjectNode request, String phase, Migration migration, String what) {
        return HelperStep.run(source.helper(dialect, database.get()), request, source.timeout(), sessions, guard(),
                phase, migration, what);
    }

    /**
     * The helper closes what is left open of Django's connections: each migration and direction runs on connections
     * of its own, closed when it ends, as a deploy's {@code manage.py migrate} runs in a fresh process.
     */
    @Override
    public void releaseSessions() {
        ConnectionDetails details = database.get();
        HelperStep.release(source.helper(dialect, details), source.timeout(), "Django", details.database());
    }

    /** Every session the step opens must be on the throwaway database of the moment. */
    private SessionGuard guard() {
        return SessionGuard.throwaway("Django", "the project's DATABASES or a migration of the app " + app,
                "run the migration on the connection Django hands it (schema_editor.connection; Rehearsal points"
                        + " DATABASES['default'] at the throwaway database), not another alias or a connection of its"
                        + " own", dialect, dataSource, database);
    }

    @Override
    public void applyRepeatables() {
        // Django has no repeatable migrations
    }

    /** Found from the up as the helper reports it, where the migration can leave the tool's transaction. */
    @Override
    public UpTransaction upTransaction(Migration migration) {
        return HelperStep.upTransaction(dialect, migration, COMMITS);
    }

    @Override
    public String expectedDownScript(Migration migration) {
        return "reversible operations in " + migration.up().name().replace(" (forwards)", "")
                + " (reverse_code for RunPython, reverse_sql for RunSQL)";
    }

    @Override
    public String irreversibleReason(Migration migration) {
        return migration.down() == null ? "Django marks an operation of " + migration.up().name().replace(" (forwards)",
                "") + " irreversible (a RunPython without reverse_code, a RunSQL without reverse_sql), so it is"
                + " rehearsed by restore and re-apply" : null;
    }

    @Override
    public Set<String> ownTables() {
        return Set.of("django_migrations");
    }

    /**
     * The content types and permissions Django's {@code post_migrate} handlers add after each {@code migrate} for the
     * models it made (and leave after a reverse, until {@code remove_stale_contenttypes}).
     */
    @Override
    public Set<String> tablesWithToolRows() {
        return Set.of("django_content_type", "auth_permission");
    }
}
