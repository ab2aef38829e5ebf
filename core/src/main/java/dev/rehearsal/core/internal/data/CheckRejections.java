package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.db.DataAccess.FilteredLoad;
import org.apiguardian.api.API;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a load through a staging table made of its rows: how many each CHECK constraint refused and how many passed
 * them all, read from one row of counts the engine's dialect writes for its staging table.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CheckRejections {

    private CheckRejections() {
    }

    /**
     * The load of {@code staged} rows of which {@code accepted} went in, at most {@code limit}: {@code counts} (null
     * where no check refused anything) returns one row, a count of refused rows for each of {@code checks} in order,
     * then the rows every check passes.
     */
    public static FilteredLoad load(Statement st, String counts, List<String> checks, long staged, long accepted,
                                    long limit) throws SQLException {
        Map<String, Long> byCheck = new LinkedHashMap<>();
        long passing = staged;
        if (counts != null) {
            try (ResultSet rs = st.executeQuery(counts)) {
                rs.next();
                for (int i = 0; i < checks.size(); i++) {
                    long n = rs.getLong(i + 1);
                    if (n > 0) {
                        byCheck.put(checks.get(i), n);
                    }
                }
                passing = rs.getLong(checks.size() + 1);
            }
        }
        return new FilteredLoad(accepted, byCheck, Math.max(0, Math.min(passing, limit) - accepted));
    }
}
