'use strict';
// Rehearsal's TypeORM helper: drives the project's own TypeORM (from its node_modules) with the project's DataSource,
// in Node.
//
// Started once per rehearsal by Rehearsal (the JVM) as `node rehearsal_typeorm.js <project> <migrations>
// <data source file>`, it answers one JSON request per line: `open` lists the migrations in the order TypeORM applies
// them; `up` runs TypeORM's runMigrations with only the migrations up to the named one, so that exactly that one is
// pending; `down` runs undoLastMigration, after checking the named one is the last applied. Each call uses a new
// DataSource with the project's options and the database named in the request, destroyed after it: every phase
// starts on new sessions, as a deploy's `typeorm migration:run` in a new process does. Every statement TypeORM runs
// is reported before and after it runs and waits for the JVM's answer; every session (TypeORM's, and a pg or mysql2
// client a migration opens itself) is first shown to the JVM's session guard.
const path = require('path');
const fs = require('fs');
const protocol = require('./rehearsal_protocol.js'); // first: it takes standard output

const [project, folder, dataSourceFile] = process.argv.slice(2);

let typeorm;
let projectDataSource;
try {
  require(require.resolve('reflect-metadata', { paths: [project] }));
} catch (ignored) {
  // entities with decorators need it; migrations alone do not
}
try {
  const typeormMain = require.resolve('typeorm', { paths: [project] });
  protocol.guardDrivers(project, [path.dirname(typeormMain)]); // before the data source and the migrations load
  typeorm = require(typeormMain);
  const loaded = require(dataSourceFile);
  const candidates = [loaded, loaded && loaded.default, ...Object.values(loaded || {})];
  projectDataSource = candidates.find((c) => c && c.options && typeof c.initialize === 'function');
  if (!projectDataSource) {
    throw new Error(dataSourceFile + ' exports no TypeORM DataSource (it exports: '
      + Object.keys(loaded || {}).join(', ') + '): export the DataSource the TypeORM CLI uses');
  }
} catch (error) {
  protocol.notReady(error, 'typeorm', folder);
}

const table = projectDataSource.options.migrationsTableName || 'migrations';
let trace = null; // what the request being served traces: its migration file and the lock-timeout query

/** The id of a driver connection's session: pg's backend pid, mysql's thread id. */
function backendOf(connection) {
  return connection.processID !== undefined ? connection.processID : connection.threadId;
}

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
    // shown to the JVM before its first statement (TypeORM's set-up on connecting included, for pg and mysql2)
    await protocol.prove(connection, (identity) => protocol.firstRow(connection, identity));
    if (!trace) {
      return query.call(this, sql, parameters, structured);
    }
    const current = trace;
    return protocol.traced(connection, () => ({
      backend: backendOf(connection), sql, file: current.file, inTransaction: this.isTransactionActive === true,
      // TypeORM's own statements: its table, the transaction around each migration, what it reads on connecting
      own: sql.includes(table) || /^\s*(begin|start transaction|commit|rollback)\b/i.test(sql)
        || /^\s*select (version\(\)|\* from current_schema\(\))/i.test(sql),
    }), (instead) => (instead ? query.call(this, instead, [], structured) : query.call(this, sql, parameters, structured)),
    async (result, statement) => {
      let lockTimeout = null;
      // read after the migration's statements only: the risk rules judge those, not TypeORM's own bookkeeping
      if (current.lockTimeoutQuery && !statement.own) {
        try {
          lockTimeout = String((await protocol.firstRow(connection, current.lockTimeoutQuery))[0]);
        } catch (ignored) {
          lockTimeout = null; // a failed transaction: the statement's own failure says more
        }
      }
      return { rows: result && typeof result.affected === 'number' ? result.affected : -1, lockTimeout };
    });
  };
  // TypeORM begins and ends transactions on the driver connection directly: report the end to the trace
  for (const method of ['commitTransaction', 'rollbackTransaction']) {
    const original = runner.prototype[method];
    runner.prototype[method] = async function ended(...args) {
      try {
        return await original.apply(this, args);
      } finally {
        if (trace && this.databaseConnection) {
          await protocol.transactionEnded(backendOf(this.databaseConnection));
        }
      }
    };
  }
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
  try {
    await dataSource.initialize();
    return await work(dataSource);
  } finally {
    trace = null;
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

protocol.serve(operations, folder);
