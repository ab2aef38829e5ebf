package dev.rehearsal.core;

import dev.rehearsal.core.data.SeedResult;
import dev.rehearsal.core.db.DataAccess;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rows go to the database as the seeder makes them ({@link DataAccess#loadAsGenerated}: one {@code COPY} fed while
 * generating on PostgreSQL), on the embedded PostgreSQL: the stream ends where the generator runs out, a failure half
 * way loads nothing and leaves the session usable, and a stream many chunks long arrives whole.
 */
class StreamedSeedingTest {

    private static MigrationRehearsal withTables(String ddl) throws SQLException {
        MigrationRehearsal r = Histories.rehearse(Histories.settings("data-types"));
        r.migrateTo("1");
        try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(ddl);
        }
        return r;
    }

    private static long count(MigrationRehearsal r, String sql) {
        return ((Number) r.query(sql).singleValue().orElseThrow()).longValue();
    }

    @Test
    void aUniqueKeyThatRunsOutEndsTheStreamAndTheResultSaysSo() throws SQLException {
        try (MigrationRehearsal r = withTables("create type level as enum ('low', 'mid', 'high');"
                + " create table levels (id int generated always as identity primary key, level level not null unique,"
                + " note text)")) {
            SeedResult result = r.seed(10);
            assertThat(result.rowsAdded("levels")).isEqualTo(3);
            assertThat(count(r, "select count(distinct level) from levels")).isEqualTo(3);
            assertThat(result.notes()).anyMatch(n -> n.startsWith("levels: 3 of 10 rows; a unique key ran out"));
            // the other tables were seeded in full, in the same transaction
            assertThat(result.rowsAdded("employees")).isEqualTo(10);
        }
    }

    @Test
    void aStreamOfManyChunksArrivesWholeAndInOrder() throws SQLException {
        try (MigrationRehearsal r = withTables("create table wide (n int primary key, body text not null)");
             Connection c = r.dataSource().getConnection()) {
            DataAccess data = r.database().dialect().data(c);
            // about 2 MB of COPY text: some 30 chunks of 64 KB, each written while the next is made
            long loaded = data.loadAsGenerated("wide", List.of("n", "body"), rows(20_000, -1));
            assertThat(loaded).isEqualTo(20_000);
            assertThat(count(r, "select count(*) from wide")).isEqualTo(20_000);
            assertThat(count(r, "select sum(n) from wide")).isEqualTo(20_000L * 19_999 / 2);
            assertThat(count(r, "select count(*) from wide where body <> repeat('x\t\\', 30) || n")).isZero();
        }
    }

    @Test
    void aFailureHalfWayLoadsNothingAndLeavesTheSessionUsable() throws SQLException {
        try (MigrationRehearsal r = withTables("create table wide (n int primary key, body text not null)");
             Connection c = r.dataSource().getConnection()) {
            DataAccess data = r.database().dialect().data(c);
            assertThatThrownBy(() -> data.loadAsGenerated("wide", List.of("n", "body"), rows(20_000, 12_345)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("row 12345");
            assertThat(count(r, "select count(*) from wide")).isZero();
            // the COPY was cancelled, not left open: the same session loads again
            assertThat(data.loadAsGenerated("wide", List.of("n", "body"), rows(10, -1))).isEqualTo(10);
            assertThat(count(r, "select count(*) from wide")).isEqualTo(10);
        }
    }

    /** {@code n} rows made one at a time; the generator fails at row {@code failAt} (never when negative). */
    private static Iterator<Object[]> rows(int n, int failAt) {
        return new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public Object[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (next == failAt) {
                    throw new IllegalStateException("generator failed at row " + next);
                }
                int i = next++;
                return new Object[]{i, "x\t\\".repeat(30) + i};
            }
        };
    }
}
