'use strict';
// Rehearsal's TypeORM helper: drives the project's own TypeORM (from its node_modules) with the project's DataSource,
// in Node.
//
// Started once per rehearsal by Rehearsal (the JVM) as `node rehearsal_typeorm.js <project> <migrations>
// <data source file>`, it answers one JSON request per line: `open` lists the migrations in the order TypeORM applies
// them; `up` runs TypeORM's runMigrations with only the migrations up to the named one, so that exactly that one is
// pending; `down` runs undoLastMigration, after checking the named one is the last applied. Each call uses a new
// DataSource with the project's options and the database named in the request, destroyed after it, as Rehearsal
// copies and drops databases. Every statement TypeORM runs is reported before and after it runs and waits for the
// JVM's answer; every session is first proved to be on the throwaway database.
const path = require('path');
const fs = require('fs');
const { send, receive, event, notify } = require('./rehearsal_protocol.js'); // first: it takes standard output

const [project, folder, dataSourceFile] = process.argv.slice(2);

let typeorm;
let projectDataSource;
try {
  require(require.resolve('reflect-metadata', { paths: [project] }));
} catch (ignored) {
  // entities with decorators need it; migrations alone do not
}
try {
  typeorm = require(require.resolve('typeorm', { paths: [project] }));
  const loaded = require(dataSourceFile);
  const candidates = [loaded, loaded && loaded.default, ...Object.values(loaded || {})];
  projectDataSource = candidates.find((c) => c && c.options && typeof c.initialize === 'function');
  if (!projectDataSource) {
    throw new Error(dataSourceFile + ' exports no TypeORM DataSource (it exports: '
      + Object.keys(loaded || {}).join(', ') + '): export the DataSource the TypeORM CLI uses');
  }
} catch (error) {
  const missing = error.code === 'MODULE_NOT_FOUND' && /'typeorm'/.test(error.message);
  send({ ready: false, node: process.execPath, version: process.version, missing: missing ? 'typeorm' : null,
    error: missing ? undefined : describe(error) });
  process.exit(0);
}

const table = projectDataSource.options.migrationsTableName || 'migrations';
let trace = null; // what the request being served traces: its migration file and the lock-timeout query
let sessionQuery = null; // while a call runs: the query that identifies a session, for the JVM's session guard
const proofs = new WeakMap(); // per driver connection: its session shown to the JVM's guard (a promise)
const proving = new WeakSet(); // the connections whose proof query is running

// every statement of every query runner of the engines Rehearsal runs (a migration's own DataSource included)
for (const [file, name] of [['driver/postgres/PostgresQueryRunner', 'PostgresQueryRunner'],
  ['driver/mysql/MysqlQueryRunner', 'MysqlQueryRunner']]) {
  let runner;
  try {
    runner = require(require.resolve('typeorm/' + file, { paths: [project] }))[name];
  } catch (ignored) {
    continue; // a TypeORM without that driver
  }
  const query = runner.prototype.query;
  runner.prototype.query = async function traced(sql, parameters, structured) {
    const connection = await this.connect();
    const backend = connection.processID !== undefined ? connection.processID : connection.threadId;
    await proveSession(connection); // pg clients are proved at their first query already (below)
    if (!trace) {
      return query.call(this, sql, parameters, structured);
    }
    // TypeORM's own statements: its table, the transaction around each migration, what it reads on connecting
    const own = sql.includes(table) || /^\s*(begin|start transaction|commit|rollback)\b/i.test(sql)
      || /^\s*select (version\(\)|\* from current_schema\(\))/i.test(sql);
    const inTransactionBefore = this.isTransactionActive === true;
    notify({ event: 'before', backend, sql, in_transaction: inTransactionBefore, file: own ? null : trace.file,
      line: 0 });
    let result;
    try {
      result = await query.call(this, sql, parameters, structured);
    } catch (error) {
      notify({ event: 'after', failed: true, rows: -1, lock_timeout: null, answer: false });
      throw error;
    }
    let lockTimeout = null;
    // read after the migration's statements only: the risk rules judge those, not TypeORM's own bookkeeping
    if (trace.lockTimeoutQuery && !own) {
      try {
        lockTimeout = String((await rawQuery(connection, trace.lockTimeoutQuery))[0]);
      } catch (ignored) {
        lockTimeout = null; // a failed transaction: the statement's own failure says more
      }
    }
    const rows = result && typeof result.affected === 'number' ? result.affected : -1;
    // the JVM reads the locks a migration's statement holds while its transaction is open, and the helper waits for
    // that; after TypeORM's own statements it goes on at once
    const answer = !own && inTransactionBefore;
    const message = { event: 'after', failed: false, rows, lock_timeout: lockTimeout, answer };
    if (answer) {
      await event(message);
    } else {
      notify(message);
    }
    return result;
  };
  // TypeORM begins and ends transactions on the driver connection directly: report the end to the trace
  for (const method of ['commitTransaction', 'rollbackTransaction']) {
    const original = runner.prototype[method];
    runner.prototype[method] = async function ended(...args) {
      try {
        return await original.apply(this, args);
      } finally {
        if (trace && this.databaseConnection) {
          const c = this.databaseConnection;
          await event({ event: 'ended', backend: c.processID !== undefined ? c.processID : c.threadId });
        }
      }
    };
  }
}

/**
 * Shows a driver connection's session to the JVM's guard once, before anything else runs on it; a statement sent
 * meanwhile waits for the same proof.
 */
function proveSession(connection) {
  if (!sessionQuery) {
    return Promise.resolve();
  }
  if (!proofs.has(connection)) {
    proofs.set(connection, rawQuery(connection, sessionQuery).then(([id, database, server]) => event({
      event: 'session', backend: Number(id), database: String(database), server: String(server) })));
  }
  return proofs.get(connection);
}

// pg clients run statements of TypeORM's own outside its query runners (its set-up after connecting, such as
// CREATE EXTENSION): every client is proved at its first query, whichever form (callback or promise) it takes
try {
  const { Client } = require(require.resolve('pg', { paths: [project] }));
  const clientQuery = Client.prototype.query;
  Client.prototype.query = function provedQuery(...args) {
    if (!sessionQuery || proving.has(this)) {
      return clientQuery.apply(this, args);
    }
    const callback = typeof args[args.length - 1] === 'function' ? args.pop() : null;
    const run = proveSession(this).then(() => clientQuery.apply(this, args));
    if (callback) {
      run.then((result) => callback(null, result), (error) => callback(error));
      return undefined;
    }
    return run;
  };
} catch (ignored) {
  // no pg in the project: a MySQL or MariaDB project, whose sessions are proved by the query runner
}

/** One row's values of a query on the driver's own connection (pg: a result with rows; mysql2: [rows, fields]). */
function rawQuery(connection, sql) {
  return new Promise((resolve, reject) => {
    proving.add(connection);
    connection.query(sql, (error, result) => {
      proving.delete(connection);
      if (error) {
        reject(error);
      } else {
        resolve(Object.values(result.rows ? result.rows[0] : result[0]));
      }
    });
  });
}

/** A DataSource with the project's options on the request's database. */
function dataSourceOn(database) {
  const options = Object.assign({}, projectDataSource.options, {
    url: undefined, host: database.host, port: database.port, username: database.user, password: database.password,
    database: database.name, synchronize: false, migrationsRun: false, dropSchema: false, logging: false,
    // the folder Rehearsal rehearses (the DataSource's own, or an example beside it), as Knex's directory is set
    migrations: [path.join(folder, '*.js'), path.join(folder, '*.cjs')],
  });
  if (options.type === 'postgres') {
    options.applicationName = 'rehearsal-typeorm';
  }
  return new typeorm.DataSource(options);
}

/** TypeORM's own list of the migrations, in the order it applies them, each with the file it came from. */
function migrationsOf(dataSource) {
  const { MigrationExecutor } = require(require.resolve('typeorm/migration/MigrationExecutor', { paths: [project] }));
  const byClass = new Map();
  for (const file of fs.readdirSync(folder)) {
    if (!/\.(c|m)?js$/.test(file)) {
      continue;
    }
    const full = path.join(folder, file);
    const exported = require(full);
    for (const value of [exported, ...Object.values(exported || {})]) {
      if (typeof value === 'function' && value.name) {
        byClass.set(value.name, full);
      }
    }
  }
  return new MigrationExecutor(dataSource).getMigrations().map((m) => ({
    name: m.name, timestamp: m.timestamp,
    path: byClass.get(m.instance && m.instance.constructor ? m.instance.constructor.name : m.name) || null,
  }));
}

async function withDataSource(request, work) {
  const dataSource = dataSourceOn(request.database);
  trace = request.trace ? { file: request.file, lockTimeoutQuery: request.lock_timeout_query } : null;
  sessionQuery = request.session_query || null;
  try {
    await dataSource.initialize();
    return await work(dataSource);
  } finally {
    trace = null;
    sessionQuery = null;
    if (dataSource.isInitialized) {
      await dataSource.destroy();
    }
  }
}

const operations = {
  async open(request) {
    return withDataSource(request, async (dataSource) => ({
      table,
      // its package.json is not among the files its exports map lets require() reach
      typeorm: JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('typeorm', { paths: [project] })),
        'package.json'), 'utf8')).version,
      migrations: migrationsOf(dataSource),
    }));
  },
  async up(request) {
    return withDataSource(request, async (dataSource) => {
      const all = migrationsOf(dataSource);
      const target = all.find((m) => m.name === request.name);
      if (!target) {
        throw new Error('TypeORM lists no migration ' + request.name);
      }
      // only the migrations up to the target: the target is the one pending migration runMigrations applies
      const keep = new Set(all.filter((m) => m.timestamp <= target.timestamp).map((m) => m.name));
      Object.defineProperty(dataSource, 'migrations', {
        value: dataSource.migrations.filter((m) => keep.has(m.name || m.constructor.name)),
      });
      const applied = await dataSource.runMigrations();
      if (!applied.some((m) => m.name === request.name)) {
        throw new Error('runMigrations did not apply ' + request.name + ' (it applied: '
          + (applied.map((m) => m.name).join(', ') || 'nothing') + ')');
      }
      return { table };
    });
  },
  async down(request) {
    return withDataSource(request, async (dataSource) => {
      await dataSource.undoLastMigration();
      return { table };
    });
  },
};

function describe(error) {
  const stack = String(error && error.stack || error);
  const frame = stack.split('\n').map((l) => l.match(/\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):\d+\)?$/))
    .find((m) => m && folder && path.resolve(m[1]).startsWith(path.resolve(folder) + path.sep));
  const driverError = error && error.driverError ? error.driverError : error;
  return {
    type: error && error.name || 'Error',
    message: String(error && error.message || error),
    file: frame ? path.resolve(frame[1]) : null,
    line: frame ? Number(frame[2]) : 0,
    code: '',
    statement: error && error.query || null,
    sqlstate: driverError && typeof driverError.code === 'string' && /^[0-9A-Z]{5}$/.test(driverError.code)
      ? driverError.code : null,
    traceback: stack.slice(-6000),
  };
}

async function serve() {
  send({ ready: true, node: process.execPath, version: process.version, pid: process.pid });
  for (;;) {
    const request = JSON.parse(await receive());
    try {
      send({ id: request.id, ok: await operations[request.op](request) });
    } catch (error) {
      send({ id: request.id, error: describe(error) });
    }
  }
}

serve();
