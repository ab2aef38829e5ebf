package dev.rehearsal.core.model;

import org.apiguardian.api.API;

import java.util.Objects;

/**
 * One SQL script of a migration: its name relative to the migration location (as the migration tool records it),
 * where it was read from (for messages), and its text before placeholder replacement.
 */
@API(status = API.Status.STABLE, since = "0.1")
public record MigrationScript(String name, String location, String sql) {
    public MigrationScript {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(sql, "sql");
    }
}
