package dev.rehearsal.core.internal.lifecycle;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Throwaway databases on a named server that a killed run left behind. Each is created with a comment that starts
 * with the provider's mark and names its {@link ProcessOwner}; when a provider connects, the marked databases
 * whose owner is a process of this host that is gone are dropped. Databases without the mark, with an old mark that
 * names no owner, or whose owner still runs or runs on another host, are never touched.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class OrphanedDatabases {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanedDatabases.class);

    /** The comment that starts every throwaway database's comment: only databases with it are ever dropped. */
    public static final String MARK = "rehearsal throwaway database, safe to drop";

    /** The mark with this JVM as its owner: a later run drops the database once this JVM is gone. */
    public static final String OWNED_MARK = MARK + "; " + ProcessOwner.current().mark();

    private static final SecureRandom RANDOM = new SecureRandom();

    private OrphanedDatabases() {
    }

    /** A fresh throwaway database name: {@code rehearsal_} and 12 random hex digits. */
    public static String newName() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return "rehearsal_" + HexFormat.of().formatHex(b);
    }

    /**
     * Drops the orphans.
     *
     * @param list a query giving (name, comment) of the candidate databases
     * @param drop the statement that drops a database, from its name
     * @param mark the prefix of the comment that marks a database as Rehearsal's
     * @return the names dropped
     */
    public static List<String> reap(Connection admin, String list, UnaryOperator<String> drop, String mark) {
        List<String> orphans = new ArrayList<>();
        synchronized (admin) {
            try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery(list)) {
                while (rs.next()) {
                    String comment = rs.getString(2);
                    Optional<ProcessOwner> owner = comment != null && comment.startsWith(mark)
                            ? ProcessOwner.parse(comment) : Optional.empty();
                    if (owner.isPresent() && owner.get().isGone()) {
                        orphans.add(rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                LOG.warn("Could not look for throwaway databases left by killed runs: {}", e.getMessage());
                return List.of();
            }
            List<String> dropped = new ArrayList<>();
            for (String name : orphans) {
                try (Statement st = admin.createStatement()) {
                    st.execute(drop.apply(name));
                    dropped.add(name);
                    LOG.info("Dropped throwaway database {}, left by a run that is gone", name);
                } catch (SQLException e) {
                    LOG.warn("Could not drop throwaway database {} left by a run that is gone: {}", name, e.getMessage());
                }
            }
            return dropped;
        }
    }
}
