#!/usr/bin/env bash
# What the README's test command runs once the reactor has installed Rehearsal's artifacts: the standalone sample, a
# user's project that resolves them exactly as a user's build resolves the published ones, then the version matrix
# (.ci/compatibility.sh, whose cells run two at a time), which writes docs/compatibility.md; and beside both, as
# neither needs the other, the Maven Central bundle check (.ci/central-bundle.sh: the published modules deployed to a
# folder at the release version, checked as Central checks a release), whose output follows theirs.
set -uo pipefail
cd "$(dirname "$0")/.."

central_log=$(mktemp)
# on Ctrl-C or SIGTERM, the whole process group goes, the background parts with it (both run in the background:
# `wait` returns at once on a trapped signal, where a command in the foreground would hold the trap back until it ends)
trap 'trap - INT TERM; rm -f "$central_log"; kill -TERM 0' INT TERM
bash .ci/central-bundle.sh >"$central_log" 2>&1 &
central=$!
{ mvn -B -ntp -f samples/standalone-golang-migrate/pom.xml verify && bash .ci/compatibility.sh; } &
main=$!

status=0
wait "$main" || status=1
if ! wait "$central"; then
  status=1
  echo "after-install: the Maven Central bundle check FAILED:"
fi
cat "$central_log"
rm -f "$central_log"
exit "$status"
