package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.lifecycle.OrphanedDatabases;
import dev.rehearsal.core.model.RehearsalException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bases kept between runs on a named PostgreSQL server ({@code rehearsal.only-new.keep-base}): databases named
 * {@code rehearsal_base_<key>} that nobody may connect to, made with {@code CREATE DATABASE ... TEMPLATE} from a
 * throwaway database at the last released migration, and copied the same way by later runs. Each carries a comment
 * that starts with {@link #MARK} and holds its whole key and when a run last used it. Only databases with the mark
 * are ever dropped: the least recently used first, once more than {@link #LIMIT} are kept.
 */
final class PostgresKeptBases {

    /** The start of every kept base's comment: only databases with it are ever dropped. */
    static final String MARK = "rehearsal kept base, safe to drop";
    /** Kept bases on a server at most; a new one drops the least recently used beyond it. */
    static final int LIMIT = 5;
    private static final String PREFIX = "rehearsal_base_";
    private static final Pattern COMMENT = Pattern.compile(Pattern.quote(MARK) + "; key ([0-9a-f]+); used (\\d+)");
    /** The setting every throwaway database on such a server has, made by Rehearsal, not by a migration. */
    private static final String OWN_SETTING = "synchronous_commit=off";

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

    Optional<EphemeralDatabase> copyOf(String key) {
        String base = name(key);
        synchronized (admin) {
            try {
                if (!key.equals(marked().get(base))) {
                    return Optional.empty();
                }
                String name = OrphanedDatabases.newName();
                try (Statement st = admin.createStatement()) {
                    st.execute("create database " + name + " template " + base);
                }
                EphemeralDatabase copy = adopt.apply(name, "the copy " + name + " of the kept base " + base);
                mark(base, key);
                return Optional.of(copy);
            } catch (SQLException e) {
                throw new RehearsalException("Could not copy the kept base " + base + " on " + server.get() + ": "
                        + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
            }
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
            try {
                List<String> settings = settingsMadeByMigrations(source);
                if (!settings.isEmpty()) {
                    return "not kept: the released migrations set database settings (" + String.join(", ", settings)
                            + "), which a copy of the database does not take along";
                }
                if (marked().containsKey(base)) {
                    return "kept already as " + base + " by another run";
                }
                if (database instanceof PostgresThrowaway throwaway) {
                    throwaway.closeIdle();
                }
                DatabaseCopies.awaitNoSessions(admin, source);
                try (Statement st = admin.createStatement()) {
                    st.execute("create database " + base + " template " + source);
                }
            } catch (SQLException e) {
                return "42P04".equals(e.getSQLState()) ? "kept already as " + base + " by another run"
                        : "not kept: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")";
            }
            try {
                mark(base, key);
                try (Statement st = admin.createStatement()) {
                    st.execute("alter database " + base + " with allow_connections false");
                }
            } catch (SQLException e) {
                String left = drop(base);
                return "not kept: " + base + " could not be marked as Rehearsal's: " + e.getMessage() + " (SQLState "
                        + e.getSQLState() + ")" + (left == null ? "" : "; dropping it failed too, so it stays on the"
                        + " server without the mark: drop it by hand (" + left + ")");
            }
            return "kept as " + base + " for later runs (" + (System.nanoTime() - t0) / 1_000_000 + " ms)" + evict(base);
        }
    }

    /** The database settings of {@code source} that a migration made ({@code ALTER DATABASE ... SET}). */
    private List<String> settingsMadeByMigrations(String source) throws SQLException {
        List<String> settings = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement("select coalesce(r.rolname, ''), c.setting"
                + " from pg_db_role_setting s cross join unnest(s.setconfig) as c(setting)"
                + " left join pg_roles r on r.oid = s.setrole"
                + " where s.setdatabase = (select oid from pg_database where datname = ?)")) {
            ps.setString(1, source);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String role = rs.getString(1);
                    String setting = rs.getString(2);
                    if (!role.isEmpty() || !OWN_SETTING.equals(setting)) {
                        settings.add(role.isEmpty() ? setting : setting + " for role " + role);
                    }
                }
            }
        }
        return settings;
    }

    /** The kept bases on the server, by name, with their keys: only databases that carry the mark. */
    private Map<String, String> marked() throws SQLException {
        Map<String, String> keys = new TreeMap<>();
        for (Kept kept : kept()) {
            keys.put(kept.name(), kept.key());
        }
        return keys;
    }

    private List<Kept> kept() throws SQLException {
        List<Kept> kept = new ArrayList<>();
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("select datname,"
                + " shobj_description(oid, 'pg_database') from pg_database where datname like 'rehearsal\\_base\\_%'")) {
            while (rs.next()) {
                Matcher m = rs.getString(2) == null ? null : COMMENT.matcher(rs.getString(2));
                if (m != null && m.matches()) {
                    kept.add(new Kept(rs.getString(1), m.group(1), Long.parseLong(m.group(2))));
                }
            }
        }
        return kept;
    }

    private record Kept(String name, String key, long used) {
    }

    private void mark(String base, String key) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("comment on database " + base + " is '" + MARK + "; key " + key + "; used "
                    + System.currentTimeMillis() + "'");
        }
    }

    /** Drops the least recently used kept bases beyond {@link #LIMIT}, never {@code keep}; says what it did. */
    private String evict(String keep) {
        List<String> done = new ArrayList<>();
        try {
            List<Kept> kept = new ArrayList<>(kept());
            kept.sort(Comparator.comparingLong(Kept::used).reversed());
            for (Kept old : kept.subList(Math.min(LIMIT, kept.size()), kept.size())) {
                if (!old.name().equals(keep)) {
                    String failure = drop(old.name());
                    done.add(failure == null ? old.name() : old.name() + " (not dropped: " + failure + ")");
                }
            }
        } catch (SQLException e) {
            return "; the kept bases could not be listed to drop old ones: " + e.getMessage() + " (SQLState "
                    + e.getSQLState() + ")";
        }
        return done.isEmpty() ? "" : ", and dropped the least recently used, as at most " + LIMIT + " are kept: "
                + String.join(", ", done);
    }

    /** Drops {@code base}; returns null, or why it could not (another account kept it). */
    private String drop(String base) {
        try (Statement st = admin.createStatement()) {
            st.execute("drop database if exists " + base + " with (force)");
            return null;
        } catch (SQLException e) {
            return e.getMessage() + " (SQLState " + e.getSQLState() + ")";
        }
    }
}
