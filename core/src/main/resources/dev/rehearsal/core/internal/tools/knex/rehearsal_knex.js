'use strict';
// Rehearsal's Knex helper: drives the project's own Knex (from its node_modules) with its knexfile, in Node.
//
// Started once per rehearsal by Rehearsal (the JVM) as `node rehearsal_knex.js <project> <migrations> <knexfile>
// <environment>`, it answers one JSON request per line: `open` lists the migrations as Knex orders them, `up` and
// `down` run knex.migrate.up / down for one named migration (`up` for several in order, where the JVM brings a
// database up without checks) on the database named in the request, each with a Knex of its own (its pool of one
// connection) destroyed after it: every phase starts on a new session, as a deploy's
// `knex migrate:up` in a new process does, and nothing one phase left on its session (a search_path, a temporary
// table, an advisory lock) reaches the next. Every statement Knex runs is reported before and after it runs and waits
// for the JVM's answer, so that the JVM can read the locks it holds while its transaction is still open; every
// session (Knex's, and a pg or mysql2 client a migration opens itself) is first shown to the JVM's session guard.
// The protocol is this process's standard output; what the project prints goes to standard error.
const path = require('path');
const protocol = require('./rehearsal_protocol.js'); // first: it takes standard output

const [project, folder, knexfile, environment] = process.argv.slice(2);

let knexLib;
let config;
try {
  const knexMain = require.resolve('knex', { paths: [project] });
  protocol.guardDrivers(project, [path.dirname(knexMain)]); // before the knexfile and the migrations load
  knexLib = require(knexMain);
  const loaded = require(knexfile);
  const exported = loaded && loaded.default ? loaded.default : loaded;
  config = exported.client || exported.connection ? exported : exported[environment];
  if (!config) {
    throw new Error(knexfile + ' has no configuration for the environment "' + environment + '" (it has: '
      + Object.keys(exported).join(', ') + ')');
  }
} catch (error) {
  protocol.notReady(error, 'knex', folder);
}

const migrations = Object.assign({}, config.migrations || {}, { directory: folder });
const table = migrations.tableName || 'knex_migrations';
const lockTable = table + '_lock'; // Knex's lock table is named after its table
let trace = null; // what the request being served traces: its migration file and the lock-timeout query

// every statement of every Knex client of this process (transactions use clients made from the same prototype)
const clientPrototype = Object.getPrototypeOf(knexLib({ client: config.client }).client);
const query = clientPrototype._query;
const inTransaction = new Map();
clientPrototype._query = async function traced(connection, obj) {
  // shown to the JVM before its first statement (Knex's set-up on connecting included, for pg and mysql2)
  await protocol.prove(connection, async (sql) => {
    const response = (await query.call(this, connection, { sql, bindings: [], method: 'raw' })).response;
    return Object.values(response.rows ? response.rows[0] : response[0][0]); // mysql: [rows, fields]
  });
  const sql = typeof obj === 'string' ? obj : obj.sql;
  const bindings = typeof obj === 'object' && Array.isArray(obj.bindings) ? obj.bindings : [];
  const run = (instead) => query.call(this, connection, instead ? { sql: instead, bindings: [], method: 'raw' } : obj)
    .catch((error) => {
      if (error && typeof error === 'object' && error.sql === undefined) {
        error.sql = sql; // the failure names its statement
      }
      throw error;
    });
  if (!trace) {
    return run();
  }
  const current = trace;
  const backend = connection.processID !== undefined ? connection.processID : connection.threadId;
  return protocol.traced(connection, () => ({
    backend, sql, file: current.file, inTransaction: inTransaction.get(backend) === true,
    // Knex's own statements: its tables, named in the text or bound (hasTable looks them up in information_schema),
    // and the transaction it opens and ends around each migration
    own: sql.includes(table) || bindings.some((value) => value === table || value === lockTable)
      || /^\s*(begin|start transaction|commit|rollback)\b/i.test(sql),
  }), run, async (result, statement) => {
    if (/^\s*(begin|start transaction)\b/i.test(sql)) {
      inTransaction.set(backend, true);
    } else if (/^\s*(commit|rollback)\b/i.test(sql) && !/^\s*rollback\s+to\b/i.test(sql)) {
      inTransaction.set(backend, false);
    }
    let lockTimeout = null;
    // read after the migration's statements only: the risk rules judge those, not Knex's own bookkeeping
    if (current.lockTimeoutQuery && connection.query && !statement.own) {
      try {
        const [value] = await protocol.firstRow(connection, current.lockTimeoutQuery);
        lockTimeout = value === undefined || value === null ? null : String(value);
      } catch (ignored) {
        lockTimeout = null; // a failed transaction: the statement's own failure says more
      }
    }
    return { rows: result && typeof result.rowCount === 'number' ? result.rowCount : -1, lockTimeout };
  });
};

/** A Knex with the project's configuration on the request's database, with a pool of one connection. */
function knexOn(database) {
  const connection = { host: database.host, port: database.port, user: database.user, password: database.password,
    database: database.name };
  if (config.client === 'pg' || config.client === 'postgres' || config.client === 'postgresql') {
    connection.application_name = 'rehearsal-knex';
  }
  return knexLib(Object.assign({}, config, { connection, migrations, pool: { min: 0, max: 1 } }));
}

/** Runs work with a Knex of its own, destroyed after it: its sessions end with the request. */
async function withKnex(request, work) {
  const knex = knexOn(request.database);
  trace = request.trace ? { file: request.file, lockTimeoutQuery: request.lock_timeout_query } : null;
  try {
    return await work(knex);
  } finally {
    trace = null;
    inTransaction.clear();
    await knex.destroy();
  }
}

const operations = {
  async open(request) {
    return withKnex(request, async (knex) => {
      const [, pending] = await knex.migrate.list();
      return {
        table,
        knex: require(require.resolve('knex/package.json', { paths: [project] })).version,
        migrations: pending.map((m) => ({ name: m.file, path: path.resolve(m.directory || folder, m.file) })),
      };
    });
  },
  async up(request) {
    return withKnex(request, async (knex) => {
      // several names: one knex.migrate.up each, in order, on this one Knex (the JVM bringing a database up)
      const names = request.names || [request.name];
      for (const [index, name] of names.entries()) {
        if (request.names) {
          protocol.notify({ event: 'starting', index }); // the timeout is each migration's, as when it runs alone
        }
        await knex.migrate.up({ name });
      }
      return { table };
    });
  },
  async down(request) {
    return withKnex(request, async (knex) => {
      await knex.migrate.down({ name: request.name });
      return { table };
    });
  },
};

protocol.serve(operations, folder);
