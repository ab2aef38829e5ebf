package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.lifecycle.OrphanedDatabases;
import dev.rehearsal.core.model.RehearsalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bases kept between runs on a named PostgreSQL server ({@code rehearsal.only-new.keep-base}): databases named
 * {@code rehearsal_base_<key>} that nobody may connect to, copied with {@code CREATE DATABASE ... TEMPLATE} from a
 * throwaway database at the last released migration, and copied the same way by later runs. A kept base carries a
 * comment that starts with {@link #MARK} and holds its whole key and when a run last used it, by the server's clock.
 * Only databases with the mark are ever copied or dropped; each account keeps at most {@link #LIMIT}, and a new one
 * drops its least recently used beyond that.
 *
 * <p>A base is made under a throwaway database's name and mark, then renamed and marked as kept: a run killed half-way
 * leaves a throwaway database that a later run drops, never an unmarked database under a kept base's name.
 */
final class PostgresKeptBases {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresKeptBases.class);

    /** The start of every kept base's comment: only databases with it are ever copied or dropped as kept bases. */
    static final String MARK = "rehearsal kept base, safe to drop";
    /** Kept bases an account keeps on a server at most; a new one drops the least recently used beyond it. */
    static final int LIMIT = 5;
    private static final String PREFIX = "rehearsal_base_";
    private static final Pattern COMMENT = Pattern.compile(Pattern.quote(MARK) + "; key ([0-9a-f]+); used (\\d+)");
    private static final String OWN_ACCOUNT = "datdba = (select oid from pg_roles where rolname = current_user)";

    private final Connection admin;
    private final Supplier<String> server;
    private final Predicate<String> own;
    private final BiFunction<String, String, EphemeralDatabase> adopt;

    /**
     * @param admin the provider's connection to another database of the server (autocommit)
     * @param own   whether a database is one of the provider's throwaway databases
     * @param adopt makes a database just created (its name, and what it is, for messages) one of the provider's
     *              throwaway databases
     */
    PostgresKeptBases(Connection admin, Supplier<String> server, Predicate<String> own,
                      BiFunction<String, String, EphemeralDatabase> adopt) {
        this.admin = admin;
        this.server = server;
        this.own = own;
        this.adopt = adopt;
    }

    /** The kept base's name for {@code key} (a hexadecimal digest). */
    static String name(String key) {
        return PREFIX + key.substring(0, Math.min(key.length(), 32));
    }

    /**
     * The server's version; the account and the settings given to it ({@code ALTER ROLE ... SET}); the server's own
     * settings from its configuration ({@code postgresql.conf}, {@code ALTER SYSTEM}); the extensions on offer.
     */
    String serverState() {
        synchronized (admin) {
            try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("select version(), current_user,"
                    + " (select string_agg(coalesce(r.rolname, '*') || ':' || c, ',' order by r.rolname, c)"
                    + " from pg_db_role_setting s cross join unnest(s.setconfig) as c left join pg_roles r"
                    + " on r.oid = s.setrole where s.setdatabase = 0 and (s.setrole = 0 or r.rolname = current_user)),"
                    + " (select string_agg(name || '=' || setting, ',' order by name) from pg_settings"
                    + " where source = 'configuration file'),"
                    + " (select string_agg(name || ' ' || default_version, ',' order by name)"
                    + " from pg_available_extensions)")) {
                rs.next();
                return rs.getString(1) + "; account " + rs.getString(2) + "; its settings " + rs.getString(3)
                        + "; the server's " + rs.getString(4) + "; extensions " + rs.getString(5);
            } catch (SQLException e) {
                throw new RehearsalException("Could not read what " + server.get() + " gives a session, for the key"
                        + " of a kept base: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
            }
        }
    }

    Optional<EphemeralDatabase> copyOf(String key) {
        String base = name(key);
        synchronized (admin) {
            String name = OrphanedDatabases.newName();
            try {
                if (!key.equals(find(base).map(Database::comment).map(PostgresKeptBases::keyOf).orElse(null))) {
                    return Optional.empty();
                }
                try (Statement st = admin.createStatement()) {
                    st.execute("create database " + name + " template " + base);
                }
            } catch (SQLException e) {
                throw new RehearsalException("Could not copy the kept base " + base + " on " + server.get() + ": "
                        + e.getMessage() + " (SQLState " + e.getSQLState() + ")." + ("42501".equals(e.getSQLState())
                        ? " Only the account that kept it (its owner) or a superuser may copy it: run with that"
                        + " account, or drop the base so that this one keeps its own." : ""), e);
            }
            EphemeralDatabase copy = adopt.apply(name, "the copy " + name + " of the kept base " + base);
            try {
                mark(base, key);
            } catch (SQLException e) {
                // the copy is whole; only the base's last use is not recorded, so it may be dropped a little earlier
                LOG.warn("Could not record the use of the kept base {} on {}: {}", base, server.get(), e.getMessage());
            }
            return Optional.of(copy);
        }
    }

    String keep(EphemeralDatabase database, String key) {
        long t0 = System.nanoTime();
        String source = database.name();
        String base = name(key);
        if (!own.test(source)) {
            return "not kept: " + source + " is not a throwaway database of this run";
        }
        synchronized (admin) {
            String made = OrphanedDatabases.newName();
            boolean created = false;
            try {
                String taken = taken(base, key);
                if (taken != null) {
                    return taken;
                }
                List<String> lost = whatACopyLoses(source);
                if (!lost.isEmpty()) {
                    return "not kept: the released migrations set " + String.join(", ", lost) + ", which a copy of the"
                            + " database does not take along";
                }
                if (database instanceof PostgresThrowaway throwaway) {
                    throwaway.closeIdle();
                }
                DatabaseCopies.awaitNoSessions(admin, source);
                try (Statement st = admin.createStatement()) {
                    st.execute("create database " + made + " template " + source);
                    created = true;
                    st.execute("comment on database " + made + " is '" + OrphanedDatabases.OWNED_MARK + "'");
                }
            } catch (SQLException e) {
                String left = created ? drop(made) : null;
                return "not kept: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")" + (left == null ? ""
                        : "; dropping " + made + ", made for it, failed too: drop it by hand (" + left + ")");
            }
            try (Statement st = admin.createStatement()) {
                st.execute("alter database " + made + " rename to " + base);
            } catch (SQLException e) {
                String left = drop(made);
                try {
                    String taken = "42P04".equals(e.getSQLState()) ? taken(base, key) : null;
                    return (taken != null ? taken : "not kept: " + e.getMessage() + " (SQLState " + e.getSQLState()
                            + ")") + (left == null ? "" : "; " + made + " is left for a later run to drop: " + left);
                } catch (SQLException again) {
                    return "not kept: " + again.getMessage() + " (SQLState " + again.getSQLState() + ")";
                }
            }
            try (Statement st = admin.createStatement()) {
                // nobody may connect before it is marked: a copy of it then waits for no session
                st.execute("alter database " + base + " with allow_connections false");
                mark(base, key);
            } catch (SQLException e) {
                String left = drop(base);
                return "not kept: " + base + " could not be closed to connections and marked as a kept base: "
                        + e.getMessage() + " (SQLState " + e.getSQLState() + ")" + (left == null ? ""
                        : "; it keeps a throwaway database's mark, so a later run drops it (" + left + ")");
            }
            return "kept as " + base + " for later runs (" + (System.nanoTime() - t0) / 1_000_000 + " ms)"
                    + evict(base);
        }
    }

    /** Why {@code base} cannot be made: kept already, or another database has its name; null where it is free. */
    private String taken(String base, String key) throws SQLException {
        Optional<Database> found = find(base);
        if (found.isEmpty()) {
            return null;
        }
        String comment = found.get().comment();
        if (comment != null && comment.startsWith(OrphanedDatabases.MARK)) {
            return "kept already as " + base + " by another run, which is marking it now";
        }
        return key.equals(keyOf(comment)) ? "kept already as " + base + " by another run"
                : "not kept: a database Rehearsal did not keep is named " + base + "; drop or rename it, and the next"
                + " run keeps the base there";
    }

    /** The database named {@code name}, with its comment, if there is one. */
    private Optional<Database> find(String name) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("select shobj_description(oid, 'pg_database')"
                + " from pg_database where datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Database(name, rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** A database on the server and its comment (null where it has none). */
    private record Database(String name, String comment) {
    }

    /** The key a kept base's comment names; null for a comment without the mark, or none at all. */
    private static String keyOf(String comment) {
        Matcher m = comment == null ? null : COMMENT.matcher(comment);
        return m != null && m.matches() ? m.group(1) : null;
    }

    /**
     * What a copy of {@code source} would not have that it has: settings, grants, a comment or a connection limit
     * given to the database itself ({@code ALTER DATABASE}, {@code GRANT ... ON DATABASE}), which live in shared
     * catalogs; the synchronous_commit setting and the mark Rehearsal gives every throwaway database aside.
     */
    private List<String> whatACopyLoses(String source) throws SQLException {
        List<String> lost = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("select coalesce(r.rolname, ''), c.setting"
                + " from pg_db_role_setting s cross join unnest(s.setconfig) as c(setting)"
                + " left join pg_roles r on r.oid = s.setrole"
                + " where s.setdatabase = (select oid from pg_database where datname = ?)")) {
            ps.setString(1, source);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String role = rs.getString(1);
                    String setting = rs.getString(2);
                    if (!role.isEmpty() || !PostgresServerProvider.OWN_SETTING.equals(setting)) {
                        lost.add("database settings (" + setting + (role.isEmpty() ? "" : " for role " + role) + ")");
                    }
                }
            }
        }
        try (PreparedStatement ps = admin.prepareStatement("select datacl is not null, datconnlimit <> -1,"
                + " shobj_description(oid, 'pg_database') is distinct from ? from pg_database where datname = ?")) {
            ps.setString(1, OrphanedDatabases.OWNED_MARK);
            ps.setString(2, source);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (rs.getBoolean(1)) {
                        lost.add("grants on the database");
                    }
                    if (rs.getBoolean(2)) {
                        lost.add("a connection limit on the database");
                    }
                    if (rs.getBoolean(3)) {
                        lost.add("a comment on the database");
                    }
                }
            }
        }
        return lost;
    }

    private void mark(String base, String key) throws SQLException {
        long now;
        try (Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("select (extract(epoch from clock_timestamp()) * 1000)::bigint")) {
            rs.next();
            now = rs.getLong(1);
        }
        try (Statement st = admin.createStatement()) {
            st.execute("comment on database " + base + " is '" + MARK + "; key " + key + "; used " + now + "'");
        }
    }

    /**
     * Drops the least recently used kept bases of this account beyond {@link #LIMIT}, never {@code keep}; says what
     * it did.
     */
    private String evict(String keep) {
        List<Kept> kept = new ArrayList<>();
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("select datname,"
                + " shobj_description(oid, 'pg_database') from pg_database where datname like 'rehearsal\\_base\\_%'"
                + " and " + OWN_ACCOUNT)) {
            while (rs.next()) {
                Matcher m = rs.getString(2) == null ? null : COMMENT.matcher(rs.getString(2));
                if (m != null && m.matches() && name(m.group(1)).equals(rs.getString(1))) {
                    kept.add(new Kept(rs.getString(1), Long.parseLong(m.group(2))));
                }
            }
        } catch (SQLException e) {
            return "; the kept bases could not be listed to drop old ones: " + e.getMessage() + " (SQLState "
                    + e.getSQLState() + ")";
        }
        kept.sort(Comparator.comparingLong(Kept::used).reversed());
        List<String> done = new ArrayList<>();
        for (Kept old : kept.subList(Math.min(LIMIT, kept.size()), kept.size())) {
            if (!old.name().equals(keep)) {
                String failure = drop(old.name());
                done.add(failure == null ? old.name() : old.name() + " (not dropped: " + failure + ")");
            }
        }
        return done.isEmpty() ? "" : ", and dropped the least recently used, as an account keeps at most " + LIMIT
                + ": " + String.join(", ", done);
    }

    private record Kept(String name, long used) {
    }

    /** Drops {@code name}, a database this class made or a kept base; returns null, or why it could not. */
    private String drop(String name) {
        try (Statement st = admin.createStatement()) {
            st.execute("drop database if exists " + name + " with (force)");
            return null;
        } catch (SQLException e) {
            return e.getMessage() + " (SQLState " + e.getSQLState() + ")";
        }
    }
}
