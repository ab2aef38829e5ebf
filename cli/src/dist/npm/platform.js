'use strict';
// Which platform package this machine needs, and whether it can run here: shared by bin/install.js (npm's
// postinstall, which fails the install in one line where it cannot) and bin/rehearsal.js (which says the same when
// run after an install that skipped scripts).
const path = require('path');

const NAME = 'rehearsal-migrations';
const PLATFORMS = {
  'linux-x64-gnu': 'Linux x86-64 (glibc)',
  'linux-arm64-gnu': 'Linux ARM64 (glibc)',
  'linux-x64-musl': 'Linux x86-64 (musl)',
  'darwin-x64': 'macOS x86-64',
  'darwin-arm64': 'macOS ARM64',
  'win32-x64': 'Windows x86-64',
};

function glibcVersion() {
  const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null;
  return report && report.header && report.header.glibcVersionRuntime;
}

/** linux-x64-gnu, linux-x64-musl, darwin-arm64...: the key of the platform package this machine needs. */
function platformKey() {
  if (process.platform !== 'linux') {
    return process.platform + '-' + process.arch;
  }
  return 'linux-' + process.arch + '-' + (glibcVersion() ? 'gnu' : 'musl');
}

function version() {
  return require('../package.json').version;
}

function useTheJar() {
  return 'use the jar instead: java -jar rehearsal-cli-' + version() + '-all.jar with a JDK 17 or later'
    + ' (dev.rehearsal:rehearsal-cli:' + version() + ':all on Maven Central)';
}

function newer(a, b) {
  const x = String(a).split('.').map(Number);
  const y = String(b).split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] || 0) !== (y[i] || 0)) {
      return (x[i] || 0) > (y[i] || 0);
    }
  }
  return false;
}

/** Why this machine has no package it can run (one line), or null: the platform has none, or its glibc is too old. */
function unsupported() {
  const key = platformKey();
  if (!PLATFORMS[key]) {
    return 'no package of Rehearsal\'s command line for ' + process.platform + ' ' + process.arch + ' (' + key
      + '; packages exist for ' + Object.keys(PLATFORMS).join(', ') + '): ' + useTheJar();
  }
  let needs = null;
  try {
    needs = require(NAME + '-' + key + '/package.json').rehearsal;
  } catch (e) {
    return null; // not installed: the launcher says so when run
  }
  const glibc = glibcVersion();
  if (needs && needs.glibc && glibc && newer(needs.glibc, glibc)) {
    return NAME + '-' + key + ' needs glibc ' + needs.glibc + ' or later (its Java runtime and PostgreSQL are built'
      + ' for it); this machine has glibc ' + glibc + ': ' + useTheJar();
  }
  return null;
}

function packageRoot(key) {
  return path.dirname(require.resolve(NAME + '-' + key + '/package.json'));
}

module.exports = { NAME, PLATFORMS, platformKey, unsupported, useTheJar, packageRoot };
