package dev.rehearsal.core.internal.tools.sqitch;

import dev.rehearsal.core.MigrationFailedException;
import dev.rehearsal.core.MigrationHistory;
import dev.rehearsal.core.MigrationSource;
import dev.rehearsal.core.MigrationTool;
import dev.rehearsal.core.UpTransaction;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.internal.scripts.ScriptLocation.ScriptFile;
import dev.rehearsal.core.internal.scripts.ScriptLocation;
import dev.rehearsal.core.internal.sql.ScriptRunner;
import dev.rehearsal.core.internal.sql.ScriptTransaction;
import dev.rehearsal.core.model.Migration;
import dev.rehearsal.core.model.MigrationScript;
import dev.rehearsal.core.model.MigrationVersion;
import dev.rehearsal.core.model.RehearsalException;
import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Sqitch project: {@code sqitch.plan} with {@code deploy/}, {@code revert/} and {@code verify/} scripts. Each change
 * is a migration (numbered in plan order, named by the change); its deploy is the up, its revert the down, and its
 * verify script runs after every deploy, as {@code sqitch deploy --verify} runs it: a failing verify reverts the
 * change and fails the phase, naming the verify script. The registry (schema {@code sqitch}) is kept as Sqitch keeps
 * it on PostgreSQL.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SqitchSource implements MigrationSource {

    public static final String PLAN = "sqitch.plan";
    private final ScriptLocation location;

    public SqitchSource(ScriptLocation location) {
        this.location = location;
    }

    public static boolean recognizes(List<ScriptFile> files) {
        return files.stream().anyMatch(f -> f.relativePath().equals(PLAN));
    }

    @Override
    public String describe() {
        return "Sqitch project at " + location;
    }

    @Override
    public MigrationTool open(DataSource dataSource, Dialect dialect) {
        if (dialect.engine() != Engine.POSTGRES) {
            throw new RehearsalException("The Sqitch project at " + location + " is rehearsed on PostgreSQL only for"
                    + " now: Sqitch's registry on " + dialect.engine().displayName() + " is not kept yet.");
        }
        Map<String, ScriptFile> byPath = new HashMap<>();
        location.files().forEach(f -> byPath.putIfAbsent(f.relativePath(), f));
        String where = location + "/" + PLAN;
        ScriptFile planFile = byPath.get(PLAN);
        if (planFile == null) {
            throw new RehearsalException("No " + PLAN + " at " + location + ": a Sqitch project keeps its plan there"
                    + " (sqitch init writes it). Point the location at the project's folder, or leave the format out"
                    + " to detect the layout.");
        }
        SqitchPlan plan = SqitchPlan.parse(planFile.text(), where);
        if (plan.changes().isEmpty()) {
            throw new RehearsalException("No changes in " + where + ": add one with sqitch add.");
        }
        List<Migration> migrations = new ArrayList<>();
        Map<MigrationVersion, SqitchPlan.Change> changes = new LinkedHashMap<>();
        Map<MigrationVersion, MigrationScript> verifies = new HashMap<>();
        Map<MigrationVersion, byte[]> deployBytes = new HashMap<>();
        int n = 0;
        for (SqitchPlan.Change c : plan.changes()) {
            MigrationVersion version = MigrationVersion.parse(String.valueOf(++n));
            ScriptFile deploy = byPath.get("deploy/" + c.name() + ".sql");
            if (deploy == null) {
                throw new RehearsalException(where + ", line " + c.line() + ": change " + c.name() + " has no deploy"
                        + " script: expected deploy/" + c.name() + ".sql (sqitch add " + c.name() + " writes it).");
            }
            ScriptFile revert = byPath.get("revert/" + c.name() + ".sql");
            ScriptFile verify = byPath.get("verify/" + c.name() + ".sql");
            if (verify != null) {
                verifies.put(version, new MigrationScript(verify.relativePath(), verify.describe(), verify.text()));
            }
            deployBytes.put(version, deploy.content());
            changes.put(version, c);
            migrations.add(new Migration(version, c.note().isEmpty() ? c.name() : c.note(), Migration.Type.VERSIONED,
                    new MigrationScript(deploy.relativePath(), deploy.describe(), deploy.text()),
                    revert == null ? null : new MigrationScript(revert.relativePath(), revert.describe(), revert.text()),
                    null, c.name()));
        }
        MigrationHistory history = new MigrationHistory(location.toString(), migrations, List.of());
        return new Tool(history, plan, changes, verifies, deployBytes, dataSource, dialect);
    }

    /** Sqitch on one database: deploy, verify and revert scripts run as psql runs them, the registry kept. */
    private static final class Tool implements MigrationTool {
        private final MigrationHistory history;
        private final SqitchPlan plan;
        private final Map<MigrationVersion, SqitchPlan.Change> changes;
        private final Map<MigrationVersion, MigrationScript> verifies;
        private final Map<MigrationVersion, byte[]> deployBytes;
        private final DataSource dataSource;
        private final Dialect dialect;
        private final SqitchRegistry registry = new SqitchRegistry();

        Tool(MigrationHistory history, SqitchPlan plan, Map<MigrationVersion, SqitchPlan.Change> changes,
             Map<MigrationVersion, MigrationScript> verifies, Map<MigrationVersion, byte[]> deployBytes,
             DataSource dataSource, Dialect dialect) {
            this.history = history;
            this.plan = plan;
            this.changes = changes;
            this.verifies = verifies;
            this.deployBytes = deployBytes;
            this.dataSource = dataSource;
            this.dialect = dialect;
        }

        @Override
        public MigrationHistory history() {
            return history;
        }

        @Override
        public Optional<MigrationVersion> currentVersion() {
            try (Connection c = dataSource.getConnection()) {
                Set<String> deployed = registry.deployed(c, plan);
                MigrationVersion current = null;
                for (Map.Entry<MigrationVersion, SqitchPlan.Change> e : changes.entrySet()) {
                    if (deployed.contains(e.getValue().id())) {
                        current = e.getKey();
                    }
                }
                return Optional.ofNullable(current);
            } catch (SQLException e) {
                throw new RehearsalException("Could not read Sqitch's registry (sqitch.changes): " + e.getMessage(), e);
            }
        }

        @Override
        public void upTo(MigrationVersion target) {
            MigrationVersion current = currentVersion().orElse(null);
            try (Connection c = dataSource.getConnection()) {
                for (Migration m : history.between(current, target)) {
                    SqitchPlan.Change change = changes.get(m.version());
                    // scripts hold their own BEGIN and COMMIT, as psql runs them for Sqitch
                    ScriptRunner.run(c, dialect, "up", m, m.up().name(), m.up().sql(), ScriptTransaction.NONE,
                            conn -> registry.deployed(conn, plan, change, SqitchPlan.sha1Hex(deployBytes.get(m.version()))));
                    MigrationScript verify = verifies.get(m.version());
                    if (verify != null) {
                        verify(c, m, change, verify);
                    }
                }
            } catch (SQLException e) {
                throw new RehearsalException("Could not write Sqitch's registry: " + e.getMessage(), e);
            }
        }

        /** Runs the verify script; when it fails, reverts the change as {@code sqitch deploy --verify} does. */
        private void verify(Connection c, Migration m, SqitchPlan.Change change, MigrationScript verify) throws SQLException {
            try {
                ScriptRunner.run(c, dialect, "verify", m, verify.name(), verify.sql(), ScriptTransaction.NONE, conn -> { });
            } catch (MigrationFailedException failed) {
                String undone = "";
                if (m.down() != null) {
                    ScriptRunner.run(c, dialect, "down", m, m.down().name(), m.down().sql(), ScriptTransaction.NONE,
                            conn -> registry.reverted(conn, plan, change));
                    undone = " The change was reverted with " + m.down().name() + ", as sqitch deploy --verify reverts it.";
                }
                throw new MigrationFailedException("up", m, verify.name(), failed.line(),
                        failed.statement().orElse(null), failed.sqlState().orElse(null), "the verify script failed after " + m.up().name() + " deployed: "
                        + failed.serverMessage() + "." + undone, failed);
            }
        }

        @Override
        public void down(Migration migration) {
            SqitchPlan.Change change = changes.get(migration.version());
            try (Connection c = dataSource.getConnection()) {
                ScriptRunner.run(c, dialect, "down", migration, migration.down().name(), migration.down().sql(), ScriptTransaction.NONE,
                        conn -> registry.reverted(conn, plan, change));
            } catch (SQLException e) {
                throw new RehearsalException("Could not connect to revert " + migration.displayName() + ": "
                        + e.getMessage(), e);
            }
        }

        /** psql runs a deploy script as written: its own BEGIN and COMMIT, each statement outside them alone. */
        @Override
        public UpTransaction upTransaction(Migration migration) {
            return UpTransaction.AS_WRITTEN;
        }

        @Override
        public void applyRepeatables() {
            // Sqitch has no repeatable changes
        }

        @Override
        public String expectedDownScript(Migration migration) {
            return "revert/" + migration.id() + ".sql";
        }

        @Override
        public Migration migration(String target) {
            for (Map.Entry<MigrationVersion, SqitchPlan.Change> e : changes.entrySet()) {
                for (SqitchPlan.Tag tag : e.getValue().tags()) {
                    if (tag.name().equals(target) || tag.name().equals("@" + target)) {
                        return history.find(e.getKey()).orElseThrow();
                    }
                }
            }
            return history.require(target);
        }

        @Override
        public Set<String> ownTables() {
            return SqitchRegistry.TABLES;
        }
    }
}
