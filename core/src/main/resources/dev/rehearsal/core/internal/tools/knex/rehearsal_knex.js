'use strict';
// Rehearsal's Knex helper: drives the project's own Knex (from its node_modules) with its knexfile, in Node.
//
// Started once per rehearsal by Rehearsal (the JVM) as `node rehearsal_knex.js <project> <migrations> <knexfile>
// <environment>`, it answers one JSON request per line: `open` lists the migrations as Knex orders them, `up` and
// `down` run knex.migrate.up / down for one named migration on the database named in the request (a Knex instance
// per call, destroyed after it, as Rehearsal copies and drops databases). Every statement Knex runs is reported
// before and after it runs and waits for the JVM's answer, so that the JVM can read the locks it holds while its
// transaction is still open. The protocol is this process's standard output; what the project prints goes to
// standard error.
const path = require('path');
const { send, receive, event, notify } = require('./rehearsal_protocol.js'); // first: it takes standard output

const [project, folder, knexfile, environment] = process.argv.slice(2);

let knexLib;
let config;
try {
  knexLib = require(require.resolve('knex', { paths: [project] }));
  const loaded = require(knexfile);
  const exported = loaded && loaded.default ? loaded.default : loaded;
  config = exported.client || exported.connection ? exported : exported[environment];
  if (!config) {
    throw new Error(knexfile + ' has no configuration for the environment "' + environment + '" (it has: '
      + Object.keys(exported).join(', ') + ')');
  }
} catch (error) {
  send({ ready: false, node: process.execPath, version: process.version,
    missing: error.code === 'MODULE_NOT_FOUND' && /'knex'/.test(error.message) ? 'knex' : null,
    error: error.code === 'MODULE_NOT_FOUND' && /'knex'/.test(error.message) ? undefined : describe(error) });
  process.exit(0);
}

const migrations = Object.assign({}, config.migrations || {}, { directory: folder });
const table = migrations.tableName || 'knex_migrations';
let trace = null; // what the request being served traces: its migration file and the lock-timeout query
let sessionQuery = null; // while a step runs: the query that identifies a session, for the JVM's session guard

// every statement of every Knex client of this process (transactions use clients made from the same prototype)
const clientPrototype = Object.getPrototypeOf(knexLib({ client: config.client }).client);
const query = clientPrototype._query;
const inTransaction = new Map();
const guarded = new WeakSet(); // the connections already shown to the JVM's session guard
clientPrototype._query = async function traced(connection, obj) {
  if (sessionQuery && !guarded.has(connection)) {
    // every connection a step's Knex clients open (the migration's own included) is proved to be on the throwaway
    // database before its first statement; the JVM kills this process otherwise
    guarded.add(connection);
    const read = await query.call(this, connection, { sql: sessionQuery, bindings: [], method: 'raw' });
    const response = read.response; // pg: a result with rows; mysql and mysql2: [rows, fields]
    const row = response.rows ? response.rows[0] : response[0][0];
    const [backend, database, server] = Object.values(row);
    await event({ event: 'session', backend: Number(backend), database: String(database), server: String(server) });
  }
  if (!trace) {
    return query.call(this, connection, obj);
  }
  const sql = typeof obj === 'string' ? obj : obj.sql;
  const backend = connection.processID !== undefined ? connection.processID : connection.threadId;
  // Knex's own statements: its tables, and the transaction it opens and ends around each migration
  const own = sql.includes(table) || /^\s*(begin|start transaction|commit|rollback)\b/i.test(sql);
  const inTransactionBefore = inTransaction.get(backend) === true;
  notify({ event: 'before', backend, sql, in_transaction: inTransactionBefore, file: own ? null : trace.file, line: 0 });
  let result;
  try {
    result = await query.call(this, connection, obj);
  } catch (error) {
    notify({ event: 'after', failed: true, rows: -1, lock_timeout: null, answer: false });
    throw error;
  }
  if (/^\s*(begin|start transaction)\b/i.test(sql)) {
    inTransaction.set(backend, true);
  } else if (/^\s*(commit|rollback)\b/i.test(sql) && !/^\s*rollback\s+to\b/i.test(sql)) {
    inTransaction.set(backend, false);
  }
  let lockTimeout = null;
  // read after the migration's statements only: the risk rules judge those, not Knex's own bookkeeping
  if (trace.lockTimeoutQuery && connection.query && !own) {
    try {
      const read = await connection.query(trace.lockTimeoutQuery);
      const row = read.rows ? read.rows[0] : read[0];
      lockTimeout = row ? String(Object.values(row)[0]) : null;
    } catch (ignored) {
      lockTimeout = null; // a failed transaction: the statement's own failure says more
    }
  }
  const rows = result && typeof result.rowCount === 'number' ? result.rowCount : -1;
  // the JVM reads the locks a migration's statement holds while its transaction is open, and the helper waits for
  // that; after Knex's own statements it goes on at once
  const answer = !own && inTransactionBefore;
  const message = { event: 'after', failed: false, rows, lock_timeout: lockTimeout, answer };
  if (answer) {
    await event(message);
  } else {
    notify(message);
  }
  return result;
};


function knexOn(database) {
  const connection = { host: database.host, port: database.port, user: database.user, password: database.password,
    database: database.name };
  if (config.client === 'pg' || config.client === 'postgres' || config.client === 'postgresql') {
    connection.application_name = 'rehearsal-knex';
  }
  return knexLib(Object.assign({}, config, { connection, migrations, pool: { min: 0, max: 1 } }));
}

const operations = {
  async open(request) {
    const knex = knexOn(request.database);
    try {
      const [, pending] = await knex.migrate.list();
      return {
        table,
        knex: require(require.resolve('knex/package.json', { paths: [project] })).version,
        migrations: pending.map((m) => ({ name: m.file, path: path.resolve(m.directory || folder, m.file) })),
      };
    } finally {
      await knex.destroy();
    }
  },
  async up(request) {
    return step(request, (knex) => knex.migrate.up({ name: request.name }));
  },
  async down(request) {
    return step(request, (knex) => knex.migrate.down({ name: request.name }));
  },
  // the JVM copies a database only while nobody is connected to it
  async release() {
    await releaseKept();
    return {};
  },
};

// One Knex (its pool of one connection) kept across steps on the same database, as one `knex migrate:latest` runs
// them all on one: destroyed when a step fails, when the database changes, and when the JVM asks (release).
let kept = null;

async function releaseKept() {
  const old = kept;
  kept = null;
  if (old) {
    await old.knex.destroy();
  }
}

async function keptKnex(database) {
  if (kept && kept.name !== database.name) {
    await releaseKept();
  }
  if (!kept) {
    kept = { name: database.name, knex: knexOn(database) };
  }
  return kept.knex;
}

async function step(request, work) {
  const knex = await keptKnex(request.database);
  trace = request.trace ? { file: request.file, lockTimeoutQuery: request.lock_timeout_query } : null;
  sessionQuery = request.session_query || null;
  try {
    await work(knex);
    return { table };
  } catch (error) {
    await releaseKept(); // the next step starts on a new session, whatever state this one left
    throw error;
  } finally {
    trace = null;
    sessionQuery = null;
    inTransaction.clear();
  }
}

function describe(error) {
  const stack = String(error && error.stack || error);
  const frame = stack.split('\n').map((l) => l.match(/\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):\d+\)?$/))
    .find((m) => m && path.resolve(m[1]).startsWith(path.resolve(folder) + path.sep));
  return {
    type: error && error.name || 'Error',
    message: String(error && error.message || error),
    file: frame ? path.resolve(frame[1]) : null,
    line: frame ? Number(frame[2]) : 0,
    code: '',
    statement: error && error.sql || null,
    sqlstate: error && typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code) ? error.code : null,
    traceback: stack.slice(-6000),
  };
}

async function serve() {
  send({ ready: true, node: process.execPath, version: process.version, pid: process.pid });
  for (;;) {
    const request = JSON.parse(await receive());
    try {
      const result = await operations[request.op](request);
      send({ id: request.id, ok: result });
    } catch (error) {
      send({ id: request.id, error: describe(error) });
    }
  }
}

serve();
