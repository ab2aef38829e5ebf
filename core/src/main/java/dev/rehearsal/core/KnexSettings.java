package dev.rehearsal.core;

import org.apiguardian.api.API;

/**
 * How Rehearsal runs a project's own Knex: with which Node, which knexfile and which of its environments. Knex itself
 * applies the migrations: Rehearsal starts one helper process per rehearsal, which loads the project's Knex from its
 * {@code node_modules} and calls {@code knex.migrate.up} and {@code down} for each step.
 *
 * @param node        the Node executable; empty: {@code node} on the PATH
 * @param config      the knexfile; empty: {@code knexfile.js} (or {@code .cjs}, {@code .mjs}) beside or above the
 *                    migrations folder
 * @param environment the knexfile's environment; empty: {@code NODE_ENV}, else {@code development}, as Knex's own
 *                    command line chooses it
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record KnexSettings(String node, String config, String environment) {

    /** Node on the PATH, the knexfile found as described, Knex's own choice of environment. */
    public static final KnexSettings DEFAULTS = new KnexSettings("", "", "");

    public KnexSettings {
        node = node == null ? "" : node.strip();
        config = config == null ? "" : config.strip();
        environment = environment == null ? "" : environment.strip();
    }
}
