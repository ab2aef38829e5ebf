'use strict';
// npm's postinstall of rehearsal-migrations. Where no package of Rehearsal's can run on this machine (no platform
// package for it, or a glibc older than the one its runtime and PostgreSQL need), it fails the install in one line
// naming the platform and what to use instead. Otherwise, on Linux and macOS, once npm has installed the platform
// package beside this one, bin/rehearsal.js is replaced by a two-line sh script that runs that package's launcher, so
// that running rehearsal does not start Node first (about 60 ms). Windows, installs with --ignore-scripts, and
// package managers that skip install scripts keep the JavaScript launcher, which checks the same when run.
const fs = require('fs');
const path = require('path');
const { platformKey, unsupported, packageRoot } = require('./platform.js');

const why = unsupported();
if (why) {
  process.stderr.write('rehearsal-migrations: ' + why + '\n');
  process.exit(1);
}

function platformLauncher() {
  if (process.platform === 'win32') {
    return null;
  }
  try {
    const launcher = path.join(packageRoot(platformKey()), 'bin', 'rehearsal');
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
