package dev.rehearsal.core.internal.roundtrip;

import dev.rehearsal.core.data.DataProblem;
import dev.rehearsal.core.data.Invariant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The user's invariants of a rehearsal: queries whose results every round-trip phase and every {@code migrateTo}
 * must keep. Evaluated before a step and compared after each phase.
 */
final class Invariants {

    /** Connections to the current database (lent from the transaction held for a restore while there is one). */
    private final DataSource connections;
    private final List<Invariant> invariants = new ArrayList<>();

    Invariants(DataSource connections) {
        this.connections = connections;
    }

    void add(Invariant invariant) {
        invariants.add(invariant);
    }

    List<Invariant> all() {
        return List.copyOf(invariants);
    }

    /** The invariants' results now; a query that cannot run yet maps to null. */
    Map<Invariant, String> evaluate() {
        Map<Invariant, String> results = new LinkedHashMap<>();
        for (Invariant invariant : invariants) {
            results.put(invariant, evaluate(invariant));
        }
        return results;
    }

    private String evaluate(Invariant invariant) {
        try (Connection c = connections.getConnection();
             PreparedStatement ps = c.prepareStatement(invariant.sql());
             ResultSet rs = ps.executeQuery()) {
            StringBuilder sb = new StringBuilder();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                sb.append(sb.length() == 0 ? "" : "; ");
                for (int i = 1; i <= n; i++) {
                    sb.append(i == 1 ? "" : ", ").append(DataWorkbench.plain(rs.getObject(i)));
                }
            }
            return sb.toString();
        } catch (SQLException e) {
            return null;
        }
    }

    /** Invariants whose result changed from {@code before}; each line names the invariant and both results. */
    List<DataProblem> broken(Map<Invariant, String> before, String what) {
        List<DataProblem> problems = new ArrayList<>();
        for (Map.Entry<Invariant, String> e : before.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            String now = evaluate(e.getKey());
            if (!Objects.equals(e.getValue(), now)) {
                problems.add(new DataProblem(DataProblem.Kind.INVARIANT_BROKEN, null, null, "invariant \""
                        + e.getKey().name() + "\" broken by " + what + ": " + e.getKey().sql() + "\n      before: "
                        + e.getValue() + "\n      after:  " + (now == null ? "(the query fails now)" : now)));
            }
        }
        return problems;
    }
}
