package dev.rehearsal.core.internal.postgres;

import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.internal.lifecycle.EmbeddedServerReaper;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Embedded servers start from a copy of a kept {@code initdb} cluster: the copy must give the server zonky's own
 * {@code initdb} would (encoding, locale, checksums, time zone), leave the kept cluster untouched, and a broken one
 * must be discarded rather than fail the run. Each test keeps its clusters in a directory of its own.
 */
class InitializedClustersTest {

    private final Path root = EmbeddedServerReaper.root().resolve("initdb-test-" + UUID.randomUUID());
    private final InitializedClusters clusters = new InitializedClusters(root);

    @AfterEach
    void removeTheClusters() {
        EmbeddedServerReaper.delete(root);
    }

    @Test
    void aServerStartedFromTheKeptClusterIsTheOneInitdbWouldHaveMade() throws Exception {
        String key = clusters.key().orElse(null);
        assumeTrue(key != null, "this file system keeps no POSIX permissions: nothing is kept");
        String made;
        EmbeddedPostgresProvider first = EmbeddedPostgresProvider.start(Map.of(), clusters);
        try {
            assertThat(first.startedFromKeptCluster()).as("nothing was kept yet").isFalse();
            made = settings(first);
            assertThat(clusters.keepInBackground(key, first.postmasterExecutable().orElseThrow()).get(2, TimeUnit.MINUTES))
                    .as("a cluster is kept for these binaries").isTrue();
        } finally {
            first.close();
        }
        Path kept = clusters.cluster(key).orElseThrow();
        assertThat(kept.resolve("postgresql.conf")).exists();

        EmbeddedPostgresProvider second = EmbeddedPostgresProvider.start(Map.of(), clusters);
        try {
            assertThat(second.startedFromKeptCluster()).isTrue();
            assertThat(settings(second)).isEqualTo(made);
            try (EphemeralDatabase db = second.createDatabase(); Connection c = db.dataSource().getConnection();
                 Statement st = c.createStatement()) {
                st.execute("create table t (id int primary key, name text)");
                st.execute("insert into t select g, 'row ' || g from generate_series(1, 1000) g");
                try (ResultSet rs = st.executeQuery("select count(*) from t")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1000);
                }
            }
            assertThat(second.dataDirectory()).isNotEqualTo(kept);
        } finally {
            second.close();
        }
        assertThat(second.dataDirectory()).as("the copy goes with its server").doesNotExist();
        assertThat(kept.resolve("postmaster.pid")).as("the kept cluster itself never ran").doesNotExist();
        assertThat(kept.resolve("PG_VERSION")).exists();
    }

    /**
     * A temporary-files cleaner removes old files one by one: a cluster missing a file of the template database would
     * still start, and fail later. It is found missing before the server starts, and discarded.
     */
    @Test
    void aKeptClusterMissingAFileIsDiscardedAndTheServerRunsInitdb() throws Exception {
        Path kept = keepOne();
        Path templateFile;
        try (var files = Files.list(kept.resolve("base").resolve("1"))) {
            templateFile = files.filter(f -> f.getFileName().toString().matches("\\d+")).findFirst().orElseThrow();
        }
        Files.delete(templateFile);
        startsWithItsOwnInitdb(() -> !Files.exists(templateFile));
    }

    /** A kept entry that lost its list of files (or was kept before there was one) is replaced by the next one kept. */
    @Test
    void aKeptClusterWithoutItsListOfFilesIsReplaced() throws Exception {
        Path kept = keepOne();
        Files.delete(kept.resolveSibling("manifest"));
        String key = clusters.key().orElseThrow();
        assertThat(clusters.cluster(key)).as("not complete: not used").isEmpty();
        EmbeddedPostgresProvider server = EmbeddedPostgresProvider.start(Map.of(), clusters);
        try {
            assertThat(server.startedFromKeptCluster()).isFalse();
            assertThat(clusters.keepInBackground(key, server.postmasterExecutable().orElseThrow()).get(2, TimeUnit.MINUTES))
                    .isTrue();
        } finally {
            server.close();
        }
        assertThat(clusters.cluster(key)).isPresent();
        try (var entries = Files.list(root)) {
            assertThat(entries.map(e -> e.getFileName().toString()))
                    .as("nothing half-made is left beside it").containsExactlyInAnyOrder(key, key + ".lock");
        }
    }

    /** A cluster that is complete but does not start (a damaged control file) is discarded after the failed start. */
    @Test
    void aKeptClusterThatDoesNotStartIsDiscardedAndTheServerRunsInitdb() throws Exception {
        Path kept = keepOne();
        Path control = kept.resolve("global").resolve("pg_control");
        byte[] zeros = new byte[(int) Files.size(control)];
        Files.write(control, zeros); // same size, all zeros
        startsWithItsOwnInitdb(() -> !Files.exists(control) || Arrays.equals(Files.readAllBytes(control), zeros));
    }

    @Test
    void aSettingPostgresRefusesIsNamedAndTheKeptClusterStays() throws Exception {
        Path kept = keepOne();
        String listed = Files.readString(kept.getParent().resolve("manifest"));
        assertThatThrownBy(() -> EmbeddedPostgresProvider.start(Map.of("max_connections", "many"), clusters))
                .isInstanceOf(RehearsalException.class)
                .hasMessageContaining("PostgreSQL refuses its settings: FATAL: invalid value for parameter \"max_connections\": \"many\"")
                .hasMessageContaining("Correct or remove the setting it names");
        // the start failed on the setting, not on the cluster: it is neither discarded nor replaced by initdb's
        assertThat(clusters.cluster(clusters.key().orElseThrow())).contains(kept);
        assertThat(Files.readString(kept.getParent().resolve("manifest"))).isEqualTo(listed);
    }

    /** Starts a server, keeps a cluster for its binaries, stops it; returns the kept cluster. */
    private Path keepOne() throws Exception {
        String key = clusters.key().orElse(null);
        assumeTrue(key != null, "this file system keeps no POSIX permissions: nothing is kept");
        EmbeddedPostgresProvider first = EmbeddedPostgresProvider.start(Map.of(), clusters);
        try {
            assertThat(clusters.keepInBackground(key, first.postmasterExecutable().orElseThrow()).get(2, TimeUnit.MINUTES)).isTrue();
        } finally {
            first.close();
        }
        return clusters.cluster(key).orElseThrow();
    }

    /** What {@code damaged} says of the kept cluster at the same place must no longer hold once the server started. */
    private void startsWithItsOwnInitdb(Callable<Boolean> damaged) throws Exception {
        String key = clusters.key().orElseThrow();
        EmbeddedPostgresProvider server = EmbeddedPostgresProvider.start(Map.of(), clusters);
        try {
            assertThat(server.startedFromKeptCluster()).isFalse();
            try (EphemeralDatabase db = server.createDatabase(); Connection c = db.dataSource().getConnection();
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from pg_class")) {
                assertThat(rs.next()).isTrue();
            }
            // discarded; a sound one may already be kept again in its place
            if (clusters.cluster(key).isPresent()) {
                assertThat(damaged.call()).as("the damaged cluster is still kept").isFalse();
            }
        } finally {
            server.close();
        }
    }

    /** What initdb decides and a test could notice: encoding, locale, checksums, the time zone it wrote down. */
    private static String settings(EmbeddedPostgresProvider provider) throws SQLException {
        try (EphemeralDatabase db = provider.createDatabase(); Connection c = db.dataSource().getConnection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_encoding_to_char(encoding),"
                     + " datcollate, datctype, current_setting('data_checksums'), current_setting('log_timezone'),"
                     + " current_setting('lc_messages'), current_setting('default_text_search_config')"
                     + " from pg_database where datname = current_database()")) {
            rs.next();
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= 7; i++) {
                sb.append(rs.getString(i)).append('|');
            }
            return sb.toString();
        }
    }
}
