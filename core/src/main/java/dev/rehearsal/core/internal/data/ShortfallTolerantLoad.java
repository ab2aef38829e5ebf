package dev.rehearsal.core.internal.data;

import dev.rehearsal.core.data.SeedException;
import dev.rehearsal.core.data.SeedShortfall;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Loads one table of a seeding so that a table the seeder cannot fill never fails the seeding: when the database
 * refuses a generated row (a constraint the seeder did not understand, a trigger, a cast), the table is loaded again
 * row by row ({@link RowByRow}) and keeps every row the database accepts; when the constraints reject every row
 * made, the rows already accepted stay. Either way the table and what refused its
 * rows are named once, as a {@link SeedShortfall}.
 */
final class ShortfallTolerantLoad {

    /** Consecutive refused rows after which the row-by-row load gives up on a table. */
    private static final int REFUSALS_IN_A_ROW = 200;

    interface SeederFactory {
        TableSeeder create() throws SQLException;
    }

    private final Connection connection;
    private final String table;
    private final long rows;
    private final Map<String, Long> loaded;
    private final List<SeedShortfall> shortfalls;

    ShortfallTolerantLoad(Connection connection, String table, long rows, Map<String, Long> loaded,
                          List<SeedShortfall> shortfalls) {
        this.connection = connection;
        this.table = table;
        this.rows = rows;
        this.loaded = loaded;
        this.shortfalls = shortfalls;
    }

    /**
     * Thrown when the database refused a row of a table loaded whole: the seeding transaction is then aborted, and
     * the seeding starts again with that table loaded row by row. (Loading the whole table under a savepoint instead
     * would give its rows a subtransaction's id, and the seeder finds the rows it added by its transaction's id.)
     */
    static final class RowByRow extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String table;

        RowByRow(String table, SQLException cause) {
            super(cause.getMessage(), cause, false, false);
            this.table = table;
        }

        String table() {
            return table;
        }
    }

    /** Rows the table kept; {@code rowByRow}: each row under its own savepoint, keeping those the database accepts. */
    long run(boolean rowByRow, SeederFactory factory) throws SQLException {
        TableSeeder seeder;
        try {
            seeder = factory.create();
        } catch (SeedException e) {
            return shortOf(0, e.getMessage().replaceFirst("^Cannot seed " + Pattern.quote(table) + ": ", ""));
        } catch (SQLException e) {
            // reading what the generators need (parent keys, existing values) failed: the table gets no rows
            return shortOf(0, "could not read what its rows need: SQLState " + e.getSQLState() + ", " + e.getMessage());
        }
        if (rowByRow) {
            return rowByRow(seeder);
        }
        try {
            return seeder.run(loaded);
        } catch (SeedException e) {
            long kept = loaded.getOrDefault(table, 0L);
            return shortOf(kept, withoutLoadedLine(e.getMessage()).replaceFirst("^Cannot seed " + Pattern.quote(table) + ": ", ""));
        } catch (SQLException e) {
            throw new RowByRow(table, e);
        }
    }

    /** Loads generated rows one at a time, each under its own savepoint, keeping those the database accepts. */
    private long rowByRow(TableSeeder seeder) throws SQLException {
        Map<String, Integer> refusals = new LinkedHashMap<>();
        long kept = 0;
        int inARow = 0;
        while (kept < rows && inARow < REFUSALS_IN_A_ROW) {
            List<Object[]> batch = seeder.rows((int) Math.min(1_000, rows - kept));
            if (batch.isEmpty()) {
                break;
            }
            for (Object[] row : batch) {
                Savepoint one = connection.setSavepoint();
                try {
                    seeder.insert(row);
                    connection.releaseSavepoint(one);
                    kept++;
                    inARow = 0;
                } catch (SQLException e) {
                    connection.rollback(one);
                    record(refusals, e);
                    if (++inARow >= REFUSALS_IN_A_ROW) {
                        break;
                    }
                }
                if (kept == rows) {
                    break;
                }
            }
        }
        loaded.put(table, kept);
        if (kept < rows) {
            String most = refusals.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("");
            shortOf(kept, "the database refused the generated rows, row by row: " + most
                    + ". Seed " + table + " from a seed file (rehearsal.seed.file) or a fixture instead.");
        }
        return kept;
    }

    private long shortOf(long kept, String reason) {
        shortfalls.add(new SeedShortfall(table, rows, kept, reason.strip()));
        return kept;
    }

    private static void record(Map<String, Integer> refusals, SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        message = message.replaceFirst("^row \\d+ \\([^)]*\\): ", "");
        refusals.merge((e.getSQLState() == null ? "" : "SQLState " + e.getSQLState() + ", ") + message, 1, Integer::sum);
    }

    private static String withoutLoadedLine(String message) {
        return message.lines().filter(l -> !l.startsWith("Loaded before the failure") && !l.equals("Nothing was loaded."))
                .reduce((a, b) -> a + "\n" + b).orElse(message);
    }
}
