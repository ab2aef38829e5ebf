package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.sql.Tables;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL answers whether a migration tool's version table exists with one catalog lookup, and must give the
 * driver's table listing's answer for every case a tool meets: its table made or not yet, in the current schema or a
 * named one, a view or a partitioned table of that name, names with capitals and the listing's wildcards.
 */
class TableExistsTest {

    @Test
    void givesTheDriverListingsAnswer() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("""
                    create table flyway_schema_history (installed_rank int);
                    create schema audit;
                    create table audit."History" (id int);
                    create view a_view as select 1 as one;
                    create table events (at date) partition by range (at);
                    create table "under_score" (id int);
                    create temporary table scratch (id int);
                    """);
            record Case(String schema, String table) {
            }
            List<Case> cases = List.of(new Case(null, "flyway_schema_history"), new Case("public", "flyway_schema_history"),
                    new Case("audit", "flyway_schema_history"), new Case("audit", "History"), new Case("audit", "history"),
                    new Case(null, "History"), new Case(null, "a_view"), new Case(null, "events"), new Case(null, "scratch"),
                    new Case(null, "under_score"), new Case(null, "under%score"), new Case(null, "under_scor_"),
                    new Case(null, "no_such_table"), new Case("no_such_schema", "flyway_schema_history"));

            for (Case k : cases) {
                assertThat(db.dialect().tableExists(c, k.schema(), k.table())).as("%s.%s", k.schema(), k.table())
                        .isEqualTo(Tables.exists(c, k.schema(), k.table()));
            }
            assertThat(db.dialect().tableExists(c, null, "flyway_schema_history")).isTrue();
            assertThat(db.dialect().tableExists(c, "audit", "History")).isTrue();
            assertThat(db.dialect().tableExists(c, null, "a_view")).isFalse();
            assertThat(db.dialect().tableExists(c, null, "no_such_table")).isFalse();
        }
    }

    /**
     * The lookup is PostgreSQL's own query: the driver's listing, which the default asks, is never touched (a connection
     * that refuses {@code getMetaData} still gets its answer).
     */
    @Test
    void doesNotAskTheDriversListing() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection()) {
            Connection noListing = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getMetaData")) {
                            throw new AssertionError("the driver's table listing was asked");
                        }
                        try {
                            return method.invoke(c, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            try (Statement st = c.createStatement()) {
                st.execute("create table flyway_schema_history (installed_rank int)");
            }

            assertThat(db.dialect().tableExists(noListing, null, "flyway_schema_history")).isTrue();
            assertThat(db.dialect().tableExists(noListing, "public", "no_such_table")).isFalse();
        }
    }
}
