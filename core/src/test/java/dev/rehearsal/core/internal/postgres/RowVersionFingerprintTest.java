package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.db.DataAccess.MarkedFingerprint;
import dev.rehearsal.core.db.DatabaseProviders;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.schema.SchemaSnapshot;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fingerprint reuses the hashes of the tables whose rows have not changed since the last one, on the embedded
 * PostgreSQL. Reuse must never hide a change: every case here changes what a table's values read as, some without
 * writing a row (an enum label renamed, a column turned into {@code timestamptz} without a rewrite), and one in a
 * copy of the database that went another way (restore mode re-applies a migration on such a copy).
 */
class RowVersionFingerprintTest {

    @Test
    void tablesWhoseRowsDidNotChangeKeepTheirHashesAndOnlyTheWrittenOneIsReadAgain() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection()) {
            StringBuilder ddl = new StringBuilder();
            for (int i = 1; i <= 6; i++) { // more than a few: the tables without pages are left out first
                ddl.append("create table t").append(i).append(" (id bigint primary key, note text);\n");
                if (i != 6) {
                    ddl.append("insert into t").append(i).append(" select g, 'n' || g from generate_series(1, 200) g;\n");
                }
            }
            sql(c, ddl.toString());
            SchemaSnapshot schema = schema(db, c);
            MarkedFingerprint first = db.dialect().data(c).fingerprint(schema, null);

            sql(c, "update t2 set note = 'changed' where id = 7");
            MarkedFingerprint second = db.dialect().data(c).fingerprint(schema, first);

            for (String untouched : new String[] {"t1", "t3", "t4", "t5"}) {
                assertThat(second.fingerprint().tables().get(untouched)).as(untouched + " reused")
                        .isSameAs(first.fingerprint().tables().get(untouched));
            }
            assertThat(second.fingerprint().tables().get("t6")).as("no page: known empty without a read")
                    .isEqualTo(first.fingerprint().tables().get("t6"));
            assertThat(first.fingerprint().tables().get("t6").columns()).as("an empty table still lists its columns")
                    .containsOnlyKeys("id", "note")
                    .allSatisfy((column, fingerprint) -> assertThat(fingerprint.nonNull()).isZero());
            assertThat(second.fingerprint().differences(first.fingerprint())).singleElement().asString()
                    .startsWith("t2");
            assertThat(second.fingerprint()).as("equal to one taken from scratch")
                    .isEqualTo(db.dialect().data(c).fingerprint(schema));

            sql(c, "delete from t4 where id = 3", "insert into t4 values (3, 'n3')");
            MarkedFingerprint third = db.dialect().data(c).fingerprint(schema, second);
            assertThat(third.fingerprint().tables().get("t4")).as("rewritten as it was: read again, same values")
                    .isNotSameAs(second.fingerprint().tables().get("t4"))
                    .isEqualTo(second.fingerprint().tables().get("t4"));

            sql(c, "delete from t5 where id = 9", "insert into t5 values (9, 'other')");
            DataFingerprint fourth = db.dialect().data(c).fingerprint(schema, third).fingerprint();
            assertThat(fourth.differences(third.fingerprint())).as("same count, one value changed")
                    .singleElement().asString().startsWith("t5");
        }
    }

    @Test
    void valuesThatReadDifferentlyWithoutARowWrittenAreHashedAgain() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection()) {
            sql(c, """
                    create type mood as enum ('sad', 'happy');
                    create table people (id int primary key, mood mood, seen timestamp);
                    insert into people select g, 'sad', timestamp '2026-01-01' + g * interval '1 hour'
                      from generate_series(1, 50) g;
                    """);
            SchemaSnapshot before = schema(db, c);
            MarkedFingerprint first = db.dialect().data(c).fingerprint(before, null);

            sql(c, "alter type mood rename value 'sad' to 'unhappy'");
            SchemaSnapshot renamed = schema(db, c);
            MarkedFingerprint second = db.dialect().data(c).fingerprint(renamed, first);
            assertThat(second.fingerprint().differences(first.fingerprint())).as("the label reads differently")
                    .anyMatch(d -> d.contains("mood"));
            assertThat(second.fingerprint()).isEqualTo(db.dialect().data(c).fingerprint(renamed));

            // in UTC the server turns timestamp into timestamptz without rewriting a row; the text gains an offset
            sql(c, "set timezone = 'UTC'", "alter table people alter column seen type timestamptz");
            SchemaSnapshot retyped = schema(db, c);
            MarkedFingerprint third = db.dialect().data(c).fingerprint(retyped, second);
            assertThat(third.fingerprint().differences(second.fingerprint())).anyMatch(d -> d.contains("seen"));
            assertThat(third.fingerprint()).isEqualTo(db.dialect().data(c).fingerprint(retyped));
        }
    }

    @Test
    void aCopyThatDeletedAnotherRowOfTheSameWriteIsNotTakenForTheOriginal() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase()) {
            try (Connection c = db.dataSource().getConnection()) {
                sql(c, "create table t (id int primary key, note text)",
                        "insert into t values (1, 'a'), (2, 'b'), (3, 'c')"); // one writer for all three rows
            }
            try (EphemeralDatabase copy = db.copy().orElseThrow()) {
                MarkedFingerprint original;
                SchemaSnapshot schema;
                try (Connection c = db.dataSource().getConnection()) {
                    sql(c, "delete from t where id = 3");
                    schema = schema(db, c);
                    original = db.dialect().data(c).fingerprint(schema, null);
                }
                try (Connection c = copy.dataSource().getConnection()) {
                    sql(c, "delete from t where id = 2");
                    // same row count, and every row left was written by the same transaction as in the original
                    DataFingerprint other = copy.dialect().data(c).fingerprint(schema, original).fingerprint();
                    assertThat(other.differences(original.fingerprint())).isNotEmpty();
                    assertThat(other).isEqualTo(copy.dialect().data(c).fingerprint(schema));
                }
            }
        }
    }

    /**
     * A fingerprint is prepared on the server from its first run, so the same tables are planned once per session (the
     * Flyway sample's rehearsal ran 18 fingerprints as 3 statements, each unnamed run planned again); a table dropped
     * and made again under the same name and columns is read anew through the kept statement.
     */
    @Test
    void aFingerprintIsPlannedOncePerSessionAndFollowsATableMadeAgain() throws SQLException {
        try (EphemeralDatabase db = DatabaseProviders.embeddedPostgres().createDatabase();
             Connection c = db.dataSource().getConnection()) {
            sql(c, "create table t (id int primary key, note text)", "insert into t values (1, 'a'), (2, 'b')");
            SchemaSnapshot schema = schema(db, c);
            DataFingerprint first = db.dialect().data(c).fingerprint(schema);
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) from pg_prepared_statements"
                         + " where statement like '%hashtextextended%' and not from_sql")) {
                rs.next();
                assertThat(rs.getInt(1)).as("fingerprint statements prepared on the server after one run").isOne();
            }
            sql(c, "drop table t", "create table t (id int primary key, note text)",
                    "insert into t values (1, 'a'), (2, 'changed'), (3, 'c')");
            DataFingerprint again = db.dialect().data(c).fingerprint(schema);
            assertThat(again.differences(first)).isNotEmpty();
            try (Connection fresh = db.dataSource().getConnection()) {
                assertThat(again).as("as a session that never read t before sees it")
                        .isEqualTo(db.dialect().data(fresh).fingerprint(schema));
            }
        }
    }

    private static SchemaSnapshot schema(EphemeralDatabase db, Connection c) throws SQLException {
        return db.dialect().schemaReader(c, Set.of(), false).read();
    }

    private static void sql(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
