'use strict';
// The pipe between Rehearsal (the JVM) and its Node helpers (Knex, TypeORM): one JSON object per line. Requiring it
// takes this process's standard output for the protocol and sends what the project prints (console.log, a
// migration's output) to standard error, where Rehearsal keeps its end for messages.
const readline = require('readline');

const protocolWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => process.stderr.write(chunk, ...rest);
for (const name of ['log', 'info', 'debug']) {
  console[name] = (...args) => console.error(...args);
}

function send(message) {
  protocolWrite(JSON.stringify(message) + '\n');
}

const lines = [];
let waiting = null;
const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (waiting) {
    const resolve = waiting;
    waiting = null;
    resolve(line);
  } else {
    lines.push(line);
  }
});
input.on('close', () => process.exit(0)); // the JVM went away: nothing is left to do

/** The next line from the JVM. */
function receive() {
  return lines.length ? Promise.resolve(lines.shift()) : new Promise((resolve) => { waiting = resolve; });
}

/** Sends an event the JVM does not answer (a statement about to run): the helper goes on at once. */
function notify(message) {
  send(message);
}

/** Sends an event and waits for the JVM's answer (the statement may go on; the session may be used). */
async function event(message) {
  send(message);
  await receive();
}

module.exports = { send, receive, event, notify };
