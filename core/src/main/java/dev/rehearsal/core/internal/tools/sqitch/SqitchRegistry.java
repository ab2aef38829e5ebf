package dev.rehearsal.core.internal.tools.sqitch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Sqitch's registry on PostgreSQL, schema {@code sqitch}: the tables and rows {@code sqitch deploy} and
 * {@code sqitch revert} write (releases, projects, changes, tags, dependencies, events), so that Sqitch itself could
 * carry on from any state Rehearsal leaves. The committer is Rehearsal; ids and hashes are Sqitch's
 * ({@link SqitchPlan}). Checked against Sqitch 1.3 by {@code SqitchVerificationTest}.
 */
final class SqitchRegistry {

    static final Set<String> TABLES = Set.of("sqitch.releases", "sqitch.projects", "sqitch.changes", "sqitch.tags",
            "sqitch.dependencies", "sqitch.events");
    private static final String COMMITTER = "Rehearsal";
    private static final String COMMITTER_EMAIL = "rehearsal@localhost";

    /** The registry's tables and the project's row, created when missing, as Sqitch creates them on first deploy. */
    void ensure(Connection c, SqitchPlan plan) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("create schema if not exists sqitch");
            st.execute("comment on schema sqitch is 'Sqitch database deployment metadata v1.1.'");
            st.execute("create table if not exists sqitch.releases (version real primary key, installed_at timestamptz"
                    + " not null default clock_timestamp(), installer_name text not null, installer_email text not null)");
            st.execute("create table if not exists sqitch.projects (project text primary key, uri text unique,"
                    + " created_at timestamptz not null default clock_timestamp(), creator_name text not null,"
                    + " creator_email text not null)");
            st.execute("create table if not exists sqitch.changes (change_id text primary key, script_hash text,"
                    + " change text not null, project text not null references sqitch.projects(project) on update cascade,"
                    + " note text not null default '', committed_at timestamptz not null default clock_timestamp(),"
                    + " committer_name text not null, committer_email text not null, planned_at timestamptz not null,"
                    + " planner_name text not null, planner_email text not null, unique (project, script_hash))");
            st.execute("create table if not exists sqitch.tags (tag_id text primary key, tag text not null, project text"
                    + " not null references sqitch.projects(project) on update cascade, change_id text not null"
                    + " references sqitch.changes(change_id) on update cascade, note text not null default '',"
                    + " committed_at timestamptz not null default clock_timestamp(), committer_name text not null,"
                    + " committer_email text not null, planned_at timestamptz not null, planner_name text not null,"
                    + " planner_email text not null, unique (project, tag))");
            st.execute("create table if not exists sqitch.dependencies (change_id text not null references"
                    + " sqitch.changes(change_id) on update cascade on delete cascade, type text not null, dependency text"
                    + " not null, dependency_id text references sqitch.changes(change_id) on update cascade,"
                    + " check ((type = 'require' and dependency_id is not null) or (type = 'conflict' and dependency_id"
                    + " is null)), primary key (change_id, dependency))");
            st.execute("create table if not exists sqitch.events (event text not null check (event in ('deploy',"
                    + " 'revert', 'fail', 'merge')), change_id text not null, change text not null, project text not null"
                    + " references sqitch.projects(project) on update cascade, note text not null default '', requires"
                    + " text[] not null default '{}', conflicts text[] not null default '{}', tags text[] not null"
                    + " default '{}', committed_at timestamptz not null default clock_timestamp(), committer_name text not"
                    + " null, committer_email text not null, planned_at timestamptz not null, planner_name text not null,"
                    + " planner_email text not null, primary key (change_id, committed_at))");
            st.execute("insert into sqitch.releases (version, installer_name, installer_email) select 1.1, '" + COMMITTER
                    + "', '" + COMMITTER_EMAIL + "' where not exists (select 1 from sqitch.releases)");
        }
        try (PreparedStatement ps = c.prepareStatement("insert into sqitch.projects (project, uri, creator_name,"
                + " creator_email) select ?, ?, ?, ? where not exists (select 1 from sqitch.projects where project = ?)")) {
            ps.setString(1, plan.project());
            ps.setString(2, plan.uri());
            ps.setString(3, COMMITTER);
            ps.setString(4, COMMITTER_EMAIL);
            ps.setString(5, plan.project());
            ps.executeUpdate();
        }
    }

    /**
     * The ids of the project's deployed changes, the registry created first where it is missing: at the first read,
     * before anything is rehearsed, so that the {@code sqitch} schema is there in every schema the round trips compare.
     */
    Set<String> deployed(Connection c, SqitchPlan plan) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Statement st = c.createStatement();
             ResultSet exists = st.executeQuery("select to_regclass('sqitch.changes') is not null")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                ensure(c, plan);
                return ids;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select change_id from sqitch.changes where project = ?")) {
            ps.setString(1, plan.project());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** What {@code sqitch deploy} records for a change: its row, dependencies, tags and a deploy event. */
    void deployed(Connection c, SqitchPlan plan, SqitchPlan.Change change, String scriptHash) throws SQLException {
        update(c, "insert into sqitch.changes (change_id, script_hash, change, project, note, committer_name,"
                        + " committer_email, planned_at, planner_name, planner_email) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                change.id(), scriptHash, change.name(), plan.project(), change.note(), COMMITTER, COMMITTER_EMAIL,
                at(change.plannedAt()), change.plannerName(), change.plannerEmail());
        for (String required : change.requires()) {
            update(c, "insert into sqitch.dependencies (change_id, type, dependency, dependency_id) values (?, 'require',"
                    + " ?, (select change_id from sqitch.changes where project = ? and change = ?))", change.id(),
                    required, plan.project(), required);
        }
        for (String conflict : change.conflicts()) {
            update(c, "insert into sqitch.dependencies (change_id, type, dependency) values (?, 'conflict', ?)",
                    change.id(), conflict);
        }
        for (SqitchPlan.Tag tag : change.tags()) {
            update(c, "insert into sqitch.tags (tag_id, tag, project, change_id, note, committer_name, committer_email,"
                            + " planned_at, planner_name, planner_email) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    tag.id(), tag.name(), plan.project(), change.id(), tag.note(), COMMITTER, COMMITTER_EMAIL,
                    at(tag.plannedAt()), tag.plannerName(), tag.plannerEmail());
        }
        event(c, "deploy", plan, change);
    }

    /** What {@code sqitch revert} records: the change's rows go, a revert event stays. */
    void reverted(Connection c, SqitchPlan plan, SqitchPlan.Change change) throws SQLException {
        update(c, "delete from sqitch.tags where change_id = ?", change.id());
        update(c, "delete from sqitch.dependencies where change_id = ?", change.id());
        update(c, "delete from sqitch.changes where change_id = ?", change.id());
        event(c, "revert", plan, change);
    }

    private static void event(Connection c, String event, SqitchPlan plan, SqitchPlan.Change change) throws SQLException {
        List<String> tags = new ArrayList<>();
        change.tags().forEach(t -> tags.add(t.name()));
        try (PreparedStatement ps = c.prepareStatement("insert into sqitch.events (event, change_id, change, project,"
                + " note, requires, conflicts, tags, committer_name, committer_email, planned_at, planner_name,"
                + " planner_email) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, event);
            ps.setString(2, change.id());
            ps.setString(3, change.name());
            ps.setString(4, plan.project());
            ps.setString(5, change.note());
            ps.setArray(6, c.createArrayOf("text", change.requires().toArray()));
            ps.setArray(7, c.createArrayOf("text", change.conflicts().toArray()));
            ps.setArray(8, c.createArrayOf("text", tags.toArray()));
            ps.setString(9, COMMITTER);
            ps.setString(10, COMMITTER_EMAIL);
            ps.setTimestamp(11, at(change.plannedAt()));
            ps.setString(12, change.plannerName());
            ps.setString(13, change.plannerEmail());
            ps.executeUpdate();
        }
    }

    private static Timestamp at(String planned) {
        return Timestamp.from(Instant.parse(planned));
    }

    private static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }
}
