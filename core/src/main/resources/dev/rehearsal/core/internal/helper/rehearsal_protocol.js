'use strict';
// The pipe between Rehearsal (the JVM) and its Node helpers (Knex, TypeORM): one JSON object per line, and what
// both helpers do the same way on it. Requiring it takes this process's standard output for the protocol and sends
// what the project prints (console.log, a migration's output) to standard error, where Rehearsal keeps its end for
// messages.
//
// Requests (JVM to helper): {"op": "up", "id": 3, ...}; each is answered {"id": 3, "ok": ...} or
// {"id": 3, "error": {...}}, one request at a time.
// Events (helper to JVM, while a request runs), each with its own "id":
//   {"event": "before", "id", "statement", "backend", "sql", "in_transaction", "file", "line"}  not answered, but
//     while the request carries "stopping" a migration's statement waits for {"answer", "fail", "commit_first"}:
//     "fail" is run in its place (a retry's stop), after a COMMIT where "commit_first"; "context" carries the value
//     of stopping.context_query read on the session just before
//   {"event": "after", "id", "statement", "failed", "rows", "lock_timeout", "answer"}           answered when "answer"
//   {"event": "session", "id", "backend", "database", "server", "sent_from", "named_by"}        answered
//   {"event": "ended", "id", "backend"}                                                          answered
// "statement" pairs an "after" with its "before". The JVM answers an event {"answer": <its id>}; events may be
// outstanding together (a migration's Promise.all), and each answer resolves the event it names.
const readline = require('readline');
const { AsyncLocalStorage } = require('async_hooks');
const fs = require('fs');
const path = require('path');

const protocolWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => process.stderr.write(chunk, ...rest);
for (const name of ['log', 'info', 'debug']) {
  console[name] = (...args) => console.error(...args);
}

function send(message) {
  protocolWrite(JSON.stringify(message) + '\n');
}

const requests = [];
let waitingForRequest = null;
const unanswered = new Map(); // event id -> resolves the event's promise
let lastEvent = 0;
let lastStatement = 0;

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const message = JSON.parse(line);
  if (Object.prototype.hasOwnProperty.call(message, 'answer')) {
    const resolve = unanswered.get(message.answer);
    unanswered.delete(message.answer);
    if (resolve) {
      resolve(message);
    }
  } else if (waitingForRequest) {
    const resolve = waitingForRequest;
    waitingForRequest = null;
    resolve(message);
  } else {
    requests.push(message);
  }
});
input.on('close', () => process.exit(0)); // the JVM went away: nothing is left to do

/** The next request from the JVM. */
function receive() {
  return requests.length ? Promise.resolve(requests.shift())
    : new Promise((resolve) => { waitingForRequest = resolve; });
}

/** Sends an event the JVM does not answer (a statement about to run): the helper goes on at once. */
function notify(message) {
  send(Object.assign({}, message, { id: ++lastEvent }));
}

/** Sends an event and resolves when the JVM answers that event (the statement may go on; the session may be used). */
function event(message) {
  const id = ++lastEvent;
  return new Promise((resolve) => {
    unanswered.set(id, resolve);
    send(Object.assign({}, message, { id }));
  });
}

/** The end of the last traced statement on a driver connection: its next one is traced after it. */
const lastOnConnection = new WeakMap();

/**
 * Runs one statement of the tool's on a driver connection, reported to the JVM before and after it runs; after a
 * migration's statement inside a transaction it waits for the JVM, which reads the locks the statement holds.
 * Statements sent together on one connection (a migration's Promise.all) are traced one after the other, as the
 * driver runs them one after the other anyway: so the locks read after a statement are that statement's.
 *
 * @param connection the driver connection (pg Client, mysql2 connection) the statement runs on
 * @param start      called when it is the statement's turn: {backend, sql, inTransaction, file, own}, own for the
 *                   tool's bookkeeping (its table, its BEGIN and COMMIT)
 * @param run        runs the statement, or the one given in its place (a retry's stop): a promise of the driver's
 *                   result
 * @param finish     called after it succeeded, with the result: a promise of {rows, lockTimeout}
 */
function traced(connection, start, run, finish) {
  const previous = lastOnConnection.get(connection) || Promise.resolve();
  const turn = previous.then(async () => {
    const s = start();
    const statement = ++lastStatement;
    const before = { event: 'before', statement, backend: s.backend, sql: s.sql, in_transaction: s.inTransaction,
      file: s.own ? null : s.file, line: 0 };
    const instead = await reportBefore(connection, before);
    let result;
    try {
      result = await run(instead);
    } catch (error) {
      notify({ event: 'after', statement, failed: true, rows: -1, lock_timeout: null, answer: false });
      throw error;
    }
    const { rows, lockTimeout } = await finish(result, s);
    // the JVM reads the locks a migration's statement holds while its transaction is open, and the helper waits
    // for that; after the tool's own statements it goes on at once
    const answer = !s.own && s.inTransaction;
    const message = { event: 'after', statement, failed: false, rows, lock_timeout: lockTimeout, answer };
    if (answer) {
      await event(message);
    } else {
      notify(message);
    }
    return result;
  });
  lastOnConnection.set(connection, turn.then(() => undefined, () => undefined));
  return turn;
}

/** The request's "stopping", while the JVM may stop the migration part-way (a retry's point); else null. */
let stopping = null;

/**
 * Reports a statement about to run. While the JVM may stop the migration, a migration's statement waits for its
 * answer: the statement to run in its place (one the server fails as a lock timeout, after a COMMIT where the answer
 * says so), or null to run it. A statement of the tool's own is only told.
 */
async function reportBefore(connection, message) {
  if (!stopping || !message.file) {
    notify(message);
    return null;
  }
  if (stopping.context_query) {
    const [value] = await firstRow(connection, stopping.context_query);
    message.context = value === undefined || value === null ? null : String(value);
  }
  const answer = await event(Object.assign(message, { answer: true }));
  if (answer.fail && answer.commit_first) {
    await firstRow(connection, 'COMMIT');
  }
  return answer.fail || null;
}

/** One row's values of a query on a driver connection (pg: a result with rows; mysql and mysql2: rows). */
function firstRow(connection, sql) {
  return new Promise((resolve, reject) => {
    connection.query(sql, (error, result) => {
      if (error) {
        reject(error);
      } else {
        const row = result && result.rows ? result.rows[0] : result && result[0];
        resolve(row ? Object.values(row) : []);
      }
    });
  });
}

/** Tells the JVM that the transaction of session backend ended (its locks are released). */
function transactionEnded(backend) {
  return event({ event: 'ended', backend });
}

// ---- The session guard: every session is shown to the JVM before its first statement ----

let sessionQuery = null; // the dialect's identity query: its session's id, database and server
let projectDir = null;
const proofs = new WeakMap(); // per driver connection: the promise of the JVM's answer about its session
const proved = new WeakSet(); // the connections the JVM answered for
const GUARDED = Symbol('rehearsal guarded driver');
const IDENTIFY = Symbol('rehearsal identity query past the guard'); // on a guarded driver's connections

/** Takes the identity query a request names (the same for every request of a helper's life). */
function useSessionQuery(query) {
  if (query) {
    sessionQuery = query;
  }
}

/** Whether a connection may run statements now: the JVM answered for its session, or nothing is guarded yet. */
function cleared(connection) {
  return !sessionQuery || proved.has(connection);
}

/**
 * Shows a connection's session to the JVM once, before anything of the tool's or the project's runs on it; the
 * connection counts as proved only once the JVM answered (it kills this process instead when the session is not on
 * its throwaway database). A statement sent meanwhile waits for the same answer.
 *
 * @param identify for a connection of a driver this module does not guard (mysql): runs the identity query it is
 *                 given on the connection, a promise of its row's values (the session's id, its database, its
 *                 server); a guarded driver's connection runs it past its guard
 * @param sentFrom where the project's code sent the first statement from, when known
 */
function prove(connection, identify, sentFrom) {
  if (cleared(connection)) {
    return Promise.resolve();
  }
  if (!proofs.has(connection)) {
    const query = sessionQuery;
    const run = connection[IDENTIFY] ? (sql) => connection[IDENTIFY](sql) : identify;
    proofs.set(connection, Promise.resolve().then(() => run(query)).then(
      ([backend, database, server]) => event({ event: 'session', backend: Number(backend),
        database: String(database), server: String(server), sent_from: sentFrom || null,
        named_by: variablesNaming(String(database)) }).then(() => {
        proved.add(connection);
      }),
      (error) => {
        throw new Error('Rehearsal could not tell which database a session reached before its first statement ('
          + query + ' failed: ' + (error && error.message) + '), so nothing was run on it. Connect through the'
          + ' connection the tool hands the migration, which Rehearsal points at the throwaway database.');
      }));
  }
  return proofs.get(connection);
}

/** Counts a connection as never shown to the JVM (it changed its database or user). */
function forget(connection) {
  proved.delete(connection);
  proofs.delete(connection);
}

/**
 * The environment variables that name database: a database variable (PGDATABASE, MYSQL_DATABASE, DB_NAME) holding
 * its name, or any variable holding a URL whose path is its name. Names only, never values.
 */
function variablesNaming(database) {
  return Object.keys(process.env).filter((name) => {
    const value = process.env[name] || '';
    if (value === database) {
      return /DATABASE|(^|_)DB(_|NAME|$)/i.test(name);
    }
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      return false;
    }
    try {
      return decodeURIComponent(new URL(value).pathname.replace(/^\//, '')) === database;
    } catch (ignored) {
      return false;
    }
  }).sort();
}

/** The first frame of a stack in the project's own code (not its node_modules), as file line n. */
function projectFrame(stack) {
  if (!projectDir) {
    return null;
  }
  for (const line of String(stack).split('\n')) {
    const m = line.match(/\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):\d+\)?$/);
    if (m && path.resolve(m[1]).startsWith(projectDir + path.sep)
      && !m[1].includes(path.sep + 'node_modules' + path.sep)) {
      return path.relative(projectDir, path.resolve(m[1])) + ' line ' + m[2];
    }
  }
  return null;
}

/** Where the project's code called a pool, for the statements the pool then sends from its callbacks. */
const poolCaller = new AsyncLocalStorage();

/** Where the project's code sent a statement from: the stack, or the pool call it came through. */
function sentFrom() {
  return projectFrame(new Error().stack) || poolCaller.getStore() || null;
}

/**
 * Guards the database drivers a project's code can open sessions with, pg (Client, and Pool through it) and mysql2
 * (connections, pools, its promise API), as resolved from the project's directory, where a migration's
 * require('pg') finds them, and from each of dirs (where the tool finds its own): the first statement of
 * every connection waits until its session was shown to the JVM. Call before the project's code loads.
 */
function guardDrivers(project, dirs) {
  try {
    projectDir = fs.realpathSync(project); // as the stack names the project's files
  } catch (ignored) {
    projectDir = path.resolve(project);
  }
  const seen = new Set();
  for (const dir of [project, ...dirs]) {
    for (const [name, guard] of [['pg', guardPg], ['mysql2', guardMysql2]]) {
      let file;
      try {
        file = require.resolve(name, { paths: [dir] });
      } catch (ignored) {
        continue; // not installed there
      }
      if (!seen.has(file)) {
        seen.add(file);
        guard(require(file));
      }
    }
  }
}

// pg sends every statement of a client through Client.prototype.query (pools, Knex and TypeORM included): until the
// JVM answered for the client's session, a statement waits, whichever form it takes (promise, callback, or a
// submittable such as a cursor, handed back at once).
function guardPg(pg) {
  const Client = pg && pg.Client;
  if (!Client || Client.prototype[GUARDED]) {
    return;
  }
  const query = Client.prototype.query;
  Client.prototype[GUARDED] = true;
  const Pool = pg.Pool && pg.Pool.prototype;
  for (const method of Pool ? ['query', 'connect'] : []) {
    const original = Pool[method];
    if (typeof original === 'function') {
      Pool[method] = function calledFrom(...args) {
        const frame = projectFrame(new Error().stack);
        return frame ? poolCaller.run(frame, () => original.apply(this, args)) : original.apply(this, args);
      };
    }
  }
  // a client for another database is refused before it connects: the JVM sees the database its settings name
  const connect = Client.prototype.connect;
  Client.prototype.connect = function guardedConnect(callback) {
    if (!sessionQuery) {
      return connect.apply(this, arguments);
    }
    const database = String(this.database || this.user || '');
    const check = event({ event: 'session', connecting: true, driver: 'pg Client.connect', database,
      server: (this.host || 'localhost') + ':' + (this.port || 5432), opened_from: sentFrom(),
      named_by: variablesNaming(database) });
    if (typeof callback === 'function') {
      check.then(() => connect.call(this, callback), callback);
      return undefined;
    }
    return check.then(() => connect.call(this));
  };
  Client.prototype[IDENTIFY] = function identify(sql) {
    return query.call(this, sql).then((r) => Object.values(r.rows[0]));
  };
  Client.prototype.query = function guardedQuery(config) {
    if (cleared(this)) {
      return query.apply(this, arguments);
    }
    const args = Array.from(arguments);
    const proof = prove(this, null, sentFrom());
    const run = () => query.apply(this, args);
    if (config && typeof config.submit === 'function') {
      proof.then(run).catch((error) => (typeof config.handleError === 'function'
        ? config.handleError(error, this.connection) : config.emit && config.emit('error', error)));
      return config;
    }
    const last = args[args.length - 1];
    const callback = typeof last === 'function' ? last
      : config && typeof config.callback === 'function' ? config.callback : null;
    if (callback) {
      proof.then(run).catch((error) => callback(error));
      return undefined;
    }
    return proof.then(run);
  };
}

// mysql2 runs every command of a connection from one queue (addCommand), whichever API added it: the commands added
// before the JVM answered for the session are held and added in their order once it did; the handshake goes first,
// as it must, and a connection ended or pinged before any statement needs no answer.
const PASSING = new Set(['ClientHandshake', 'ServerHandshake', 'AuthSwitch']);
const IDLE = new Set(['Quit', 'Ping']);

function guardMysql2(mysql2) {
  let owner = mysql2 && mysql2.Connection && mysql2.Connection.prototype;
  while (owner && !Object.prototype.hasOwnProperty.call(owner, 'addCommand')) {
    owner = Object.getPrototypeOf(owner);
  }
  if (!owner || owner[GUARDED]) {
    return;
  }
  const addCommand = owner.addCommand;
  const query = owner.query;
  const held = new WeakMap(); // connection -> the commands waiting for the JVM's answer, in order
  let identifying = null; // the connection whose identity query is being added
  owner[GUARDED] = true;
  owner[IDENTIFY] = function identify(sql) {
    return new Promise((resolve, reject) => {
      identifying = this;
      try {
        query.call(this, sql, (error, rows) => (error ? reject(error) : resolve(Object.values(rows[0]))));
      } finally {
        identifying = null;
      }
    });
  };
  owner.addCommand = function guardedAddCommand(cmd) {
    const kind = cmd && cmd.constructor && cmd.constructor.name;
    if (identifying === this || PASSING.has(kind)
      || (!held.has(this) && (cleared(this) || (IDLE.has(kind) && !proofs.has(this))))) {
      if (kind === 'ChangeUser') {
        forget(this); // it may name another database: the session is shown again before its next statement
      }
      return addCommand.call(this, cmd);
    }
    if (!held.has(this)) {
      const waiting = [];
      held.set(this, waiting);
      const connection = this;
      prove(this, null, sentFrom()).then(() => {
        held.delete(connection);
        waiting.forEach((c) => addCommand.call(connection, c));
      }, (error) => {
        held.delete(connection);
        waiting.forEach((c) => (typeof c.onResult === 'function' ? c.onResult(error)
          : c.emit && c.emit('error', error)));
      });
    }
    held.get(this).push(cmd);
    return cmd;
  };
}

// ---- Serving requests ----

/** What a helper says when it cannot run its tool: the tool's module is missing, or loading the project failed. */
function notReady(error, tool, folder) {
  const missing = error && error.code === 'MODULE_NOT_FOUND' && new RegExp("'" + tool + "'").test(error.message);
  send({ ready: false, node: process.execPath, version: process.version, missing: missing ? tool : null,
    error: missing ? undefined : describe(error, folder) });
  process.exit(0);
}

/**
 * An error as the JVM tells a failure: its type and message, the frame in the migrations folder it was
 * raised at, and the statement and SQLSTATE the driver gave (pg: code; mysql2: sqlState; through an ORM's wrapper).
 */
function describe(error, folder) {
  const stack = String(error && error.stack || error);
  const frame = stack.split('\n').map((l) => l.match(/\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):\d+\)?$/))
    .find((m) => m && folder && path.resolve(m[1]).startsWith(path.resolve(folder) + path.sep));
  const driverError = error && error.driverError ? error.driverError : error;
  const state = [driverError && driverError.sqlState, driverError && driverError.code]
    .find((c) => typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c));
  return {
    type: error && error.name || 'Error',
    message: String(error && error.message || error),
    file: frame ? path.resolve(frame[1]) : null,
    line: frame ? Number(frame[2]) : 0,
    code: '',
    statement: error && (error.sql || error.query) || null,
    sqlstate: state || null,
    traceback: stack.slice(-6000),
  };
}

/**
 * Says the helper is ready, then answers the JVM's requests one at a time with operations[request.op],
 * failures described for the migrations folder.
 */
async function serve(operations, folder) {
  send({ ready: true, node: process.execPath, version: process.version, pid: process.pid });
  for (;;) {
    const request = await receive();
    useSessionQuery(request.session_query);
    stopping = request.stopping || null;
    // the variables naming the database of the moment (a restored copy is another database), as a deploy sets them
    Object.assign(process.env, (request.database && request.database.environment) || {});
    try {
      send({ id: request.id, ok: await operations[request.op](request) });
    } catch (error) {
      send({ id: request.id, error: describe(error, folder) });
    } finally {
      stopping = null;
    }
  }
}

module.exports = {
  send, receive, event, notify, traced, transactionEnded, firstRow,
  guardDrivers, prove, useSessionQuery,
  notReady, describe, serve,
};
