package dev.rehearsal.core;

import dev.rehearsal.core.data.DataFingerprint;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.DatabaseProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fingerprint is taken again only when something may have changed the data: while the server has written nothing
 * since the last one began, the last one is reused; any write, even to an unlogged table or one rolled back, makes
 * the next fingerprint read the rows again, those of the tables written to (the others keep their hashes).
 */
class FingerprintReuseTest {

    @Test
    void aFingerprintIsReusedOnlyWhileNothingWasWritten(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__tables.sql"), """
                create table orders (id bigint primary key, status text);
                create unlogged table sessions (id bigint primary key, token text);
                insert into orders select i, 'new' from generate_series(1, 50) i;
                insert into sessions select i, 't' || i from generate_series(1, 50) i;
                """);
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir))) {
            r.migrateTo("latest");
            DataFingerprint first = assertReusedWhileTheServerIsQuiet(r);

            sql(r, "update orders set status = 'paid' where id = 7");
            DataFingerprint afterUpdate = r.fingerprint();
            assertThat(afterUpdate.differences(first)).as("same row count, one value changed").isNotEmpty();
            assertThat(afterUpdate.table("sessions")).as("a table not written to keeps its hashes")
                    .containsSame(first.table("sessions").orElseThrow());

            sql(r, "update sessions set token = 'stolen' where id = 3");
            DataFingerprint afterUnlogged = r.fingerprint();
            assertThat(afterUnlogged.differences(afterUpdate)).as("a write the server does not log").isNotEmpty();

            sql(r, "begin", "delete from orders", "rollback");
            DataFingerprint afterRollback = r.fingerprint();
            assertThat(afterRollback).as("read again after a rolled-back write").isNotSameAs(afterUnlogged);
            assertThat(afterRollback.differences(afterUnlogged)).isEmpty();
        }
    }

    @Test
    void aTableEmptiedByDeleteFingerprintsAsOneNeverFilled(@TempDir Path dir) throws Exception {
        // six tables: the fingerprint first leaves out those without a heap page; then each is read by one statement
        StringBuilder ddl = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            ddl.append("create table t").append(i).append(" (id bigint primary key, note text);\n");
        }
        Files.writeString(dir.resolve("V1__tables.sql"), ddl.toString());
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir))) {
            r.migrateTo("latest");
            DataFingerprint empty = r.fingerprint();
            sql(r, "insert into t2 select i, 'n' || i from generate_series(1, 30) i",
                    "insert into t5 select i, null from generate_series(1, 4) i");
            DataFingerprint filled = r.fingerprint();
            assertThat(filled.table("t2").orElseThrow().rows()).isEqualTo(30);
            assertThat(filled.table("t2").orElseThrow().column("note").orElseThrow().nonNull()).isEqualTo(30);
            assertThat(filled.table("t5").orElseThrow().column("note").orElseThrow().nonNull()).isZero();
            assertThat(filled.differences(empty)).contains("t2: 30 rows, then 0", "t5: 4 rows, then 0");
            // t2 keeps its pages after the delete, so it is read, and must look as it did before any row came
            sql(r, "delete from t2", "delete from t5");
            assertThat(r.fingerprint().differences(empty)).isEmpty();
            assertThat(r.fingerprint()).isEqualTo(empty);
        }
    }

    /**
     * Takes a fingerprint twice and asserts the second is the first, reused, when nothing on the server took a
     * transaction id in between. The marker is the server's: the provider's own background work (clones made ahead,
     * closed databases dropped) also moves it, and then the rows are rightly read again, so such a pair is tried
     * again. Returns the first fingerprint of the quiet pair.
     */
    private static DataFingerprint assertReusedWhileTheServerIsQuiet(MigrationRehearsal r) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            String before = serverSnapshot(r);
            DataFingerprint first = r.fingerprint();
            DataFingerprint second = r.fingerprint();
            if (before.equals(serverSnapshot(r))) {
                assertThat(second).as("nothing written in between").isSameAs(first);
                return first;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the server never stayed quiet for two fingerprints in 50 tries");
    }

    private static String serverSnapshot(MigrationRehearsal r) throws Exception {
        try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select txid_current_snapshot()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void sql(MigrationRehearsal r, String... statements) throws Exception {
        try (Connection c = r.dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /**
     * Fingerprints and integrity checks run on Rehearsal's own held session: they take no connection from the
     * database's pool, each of which costs a session reset when it is handed back.
     */
    @Test
    void fingerprintsAndIntegrityChecksTakeNoPooledConnection(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V1__tables.sql"), """
                create table orders (id bigint primary key, status text);
                insert into orders select i, 'new' from generate_series(1, 50) i;
                """);
        AtomicInteger taken = new AtomicInteger();
        DatabaseProvider counting = new WrappedProvider(DatabaseProviders.embeddedPostgres(), pool ->
                (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("getConnection")) {
                                taken.incrementAndGet();
                            }
                            try {
                                return method.invoke(pool, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }));
        try (MigrationRehearsal r = MigrationRehearsal.start(RehearsalSettings.of("filesystem:" + dir), counting,
                getClass().getClassLoader())) {
            r.migrateTo("latest");
            r.fingerprint();
            assertThat(r.integrityProblems()).isEmpty();
            sql(r, "update orders set status = 'paid' where id = 7");
            int before = taken.get();
            DataFingerprint afterUpdate = r.fingerprint();
            assertThat(afterUpdate.table("orders").orElseThrow().rows()).isEqualTo(50);
            assertThat(r.integrityProblems()).isEmpty();
            assertThat(taken.get()).as("pooled connections taken by a fingerprint read again and an integrity check")
                    .isEqualTo(before);
        }
    }
}
