#!/usr/bin/env node
'use strict';
// Rehearsal's command line from npm: runs the platform package npm installed beside this one (an optional
// dependency selected by os, cpu and libc), which holds its own Java runtime, the command line's jar and the embedded
// PostgreSQL. On Linux and macOS that package's bin/rehearsal (the same launcher as the jar's) runs it; on Windows,
// which has no sh, its java.exe runs the jar directly.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const { NAME, PLATFORMS, platformKey, unsupported, useTheJar, packageRoot } = require('./platform.js');

function fail(message) {
  process.stderr.write('rehearsal: ' + message + '\n');
  process.exit(2);
}

const key = platformKey();
const why = unsupported();
if (why) {
  fail(why);
}
const packageName = NAME + '-' + key;
let root;
try {
  root = packageRoot(key);
} catch (e) {
  fail(packageName + ', the package for ' + PLATFORMS[key] + ', is not installed (npm leaves optional dependencies'
    + ' out with --omit=optional or --no-optional, and where it cannot fetch them): reinstall ' + NAME
    + ' with optional dependencies, or ' + useTheJar());
}

const windows = process.platform === 'win32';
const java = path.join(root, 'runtime', 'bin', windows ? 'java.exe' : 'java');
const jar = path.join(root, 'lib', 'rehearsal.jar');
const launcher = path.join(root, 'bin', 'rehearsal');
const needed = windows ? [java, jar, path.join(root, 'lib', 'postgres.jar')]
  : [launcher, java, jar, path.join(root, 'lib', 'postgres.jar')];
for (const file of needed) {
  if (!fs.existsSync(file)) {
    fail(file + ' is missing: the install of ' + packageName + ' is incomplete; reinstall ' + NAME);
  }
}

const args = process.argv.slice(2);
const child = windows
  ? spawn(java, ['-XX:TieredStopAtLevel=1'].concat(
    (process.env.REHEARSAL_JAVA_OPTS || '').split(/\s+/).filter(Boolean), ['-jar', jar], args), { stdio: 'inherit' })
  : spawn(launcher, args, { stdio: 'inherit' });

// Ctrl-C reaches the whole process group, the JVM too, which writes its partial reports and drops its databases:
// this process only waits for it. A signal sent to this process alone is passed on.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (e) => fail('could not start ' + (windows ? java : launcher) + ': ' + e.message
  + '; reinstall ' + NAME));
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code);
  }
});
