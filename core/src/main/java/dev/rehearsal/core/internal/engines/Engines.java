package dev.rehearsal.core.internal.engines;

import dev.rehearsal.core.model.RehearsalException;
import dev.rehearsal.core.db.DatabaseProvider;
import dev.rehearsal.core.db.Dialect;
import dev.rehearsal.core.db.Engine;
import dev.rehearsal.core.db.EngineSupport;
import dev.rehearsal.core.internal.containers.ContainerProvider;
import dev.rehearsal.core.internal.mariadb.MariaDbDialect;
import dev.rehearsal.core.internal.mariadb.MariaDbServerProvider;
import dev.rehearsal.core.internal.postgres.EmbeddedPostgresProvider;
import dev.rehearsal.core.internal.postgres.PostgresDialect;
import dev.rehearsal.core.internal.postgres.PostgresServerProvider;
import org.apiguardian.api.API;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The one place that knows the engines' classes: PostgreSQL and MariaDB dialects, servers and containers. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Engines implements EngineSupport {

    @Override
    public Optional<Dialect> dialect(String product, String version) {
        String name = product.toLowerCase(Locale.ROOT);
        if (name.contains("postgres")) {
            return Optional.of(new PostgresDialect(version));
        }
        if (name.matches(".*(mariadb|mysql).*")) {
            return Optional.of(new MariaDbDialect(version, false));
        }
        return Optional.empty();
    }

    @Override
    public DatabaseProvider embeddedPostgres() {
        return EmbeddedPostgresProvider.shared();
    }

    @Override
    public void stopSharedEmbeddedPostgres() {
        EmbeddedPostgresProvider.closeShared();
    }

    @Override
    public DatabaseProvider embeddedPostgres(Map<String, String> serverSettings) {
        return EmbeddedPostgresProvider.start(serverSettings);
    }

    @Override
    public DatabaseProvider postgresServer(String jdbcUrl, String user, String password) {
        return PostgresServerProvider.connect(jdbcUrl, user, password);
    }

    @Override
    public DatabaseProvider mariaDbServer(String jdbcUrl, String user, String password) {
        return MariaDbServerProvider.connect(jdbcUrl, user, password);
    }

    @Override
    public DatabaseProvider container(String image) {
        ClassLoader loader = Engines.class.getClassLoader();
        if (!ContainerProvider.testcontainersPresent(loader)) {
            throw new RehearsalException("Image " + image + " needs Testcontainers: add"
                    + " org.testcontainers:testcontainers-postgresql (or -mariadb for MariaDB images), test scope; or"
                    + " leave the image unset for the embedded PostgreSQL, which needs no Docker.");
        }
        Engine engine = Engine.ofImage(image);
        if (!ContainerProvider.available(engine, loader)) {
            throw new RehearsalException("Image " + image + " needs " + ContainerProvider.module(engine) + " (test scope) next to"
                    + " Testcontainers.");
        }
        return ContainerProvider.of(image);
    }

    @Override
    public void stopContainers() {
        if (ContainerProvider.testcontainersPresent(Engines.class.getClassLoader())) {
            ContainerProvider.stopAll();
        }
    }
}
