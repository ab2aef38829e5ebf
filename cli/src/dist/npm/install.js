'use strict';
// npm's postinstall of rehearsal-migrations: on Linux and macOS, once npm has installed the platform package beside
// this one, bin/rehearsal.js is replaced by a two-line sh script that runs that package's launcher, so that running
// rehearsal does not start Node first (about 60 ms). Windows, installs with --ignore-scripts, and package managers that
// skip install scripts keep the JavaScript launcher, which does the same through Node. Never fails the install: the
// JavaScript launcher reports what is wrong when run.
const fs = require('fs');
const path = require('path');

function platformLauncher() {
  if (process.platform === 'win32') {
    return null;
  }
  let key = process.platform + '-' + process.arch;
  if (process.platform === 'linux') {
    const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null;
    key = 'linux-' + process.arch + '-' + (report && report.header && report.header.glibcVersionRuntime ? 'gnu' : 'musl');
  }
  try {
    const root = path.dirname(require.resolve('rehearsal-migrations-' + key + '/package.json'));
    const launcher = path.join(root, 'bin', 'rehearsal');
    return fs.existsSync(launcher) && !/['\\\n]/.test(launcher) ? launcher : null;
  } catch (e) {
    return null;
  }
}

const launcher = platformLauncher();
if (launcher) {
  const bin = path.join(__dirname, 'rehearsal.js');
  try {
    fs.writeFileSync(bin, '#!/bin/sh\n'
      + '# Written by rehearsal-migrations\'s install script: runs the platform package\'s launcher without Node.\n'
      + '[ -x \'' + launcher + '\' ] || { echo "rehearsal: ' + launcher + ' is missing: reinstall rehearsal-migrations" >&2; exit 2; }\n'
      + 'exec \'' + launcher + '\' "$@"\n');
  } catch (e) {
    // a read-only install keeps the JavaScript launcher
  }
}
