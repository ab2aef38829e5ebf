package dev.rehearsal.core.data;

import org.apiguardian.api.API;

import java.util.Objects;

/**
 * A fact about the data that every migration must keep: a query whose result must be the same before and after
 * each step ({@code "paid orders keep their total"}, {@code select count(*), sum(total) from orders where status = 'paid'}).
 * Where the query cannot run before a step (its tables do not exist yet), it is not checked for that step.
 */
@API(status = API.Status.STABLE, since = "0.1")
public record Invariant(String name, String sql) {

    public Invariant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sql, "sql");
    }
}
