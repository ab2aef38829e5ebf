#!/usr/bin/env bash
# The README's test command, which CI runs through .ci/run: all the set-up the tests need, then every test CI must run.
# The parts, and what runs beside what:
# 1. The Maven Central bundle check (.ci/central-bundle.sh: the published modules deployed to a folder at the release
#    version and checked as Central checks a release). It needs only the sources, so it starts first, in the
#    background at idle priority (the kernel's SCHED_IDLE, `chrt --idle`): it runs on the CPU the other parts leave
#    unused (the set-up's downloads, the reactor's waits) and takes none from them. Its output comes last.
# 2. .ci/setup.sh: the servers, tools, interpreters and packages the tests use.
# 3. The reactor, installing Rehearsal's artifacts: every module's tests but the benchmarks'. -T 1C builds modules that
#    do not depend on each other side by side, one per core: after core and snapshots, the extension and the command
#    line overlap, and the samples run beside the command line's packaging and integration tests. The test JVMs keep
#    their temporary files, the embedded servers' data directories among them, on the tmpfs (tests.tmpdir in pom.xml).
# 4. Side by side, as neither needs the other: the benchmarks' checks (they never assert on time, so what runs beside
#    them changes none of their results; their output is shown once they end), and the standalone sample, a user's
#    project that resolves the installed artifacts exactly as a user's build resolves the published ones, followed by
#    the version matrix (.ci/compatibility.sh, whose cells run two at a time), which writes docs/compatibility.md.
set -uo pipefail
cd "$(dirname "$0")/.."

central_log=$(mktemp)
benchmarks_log=$(mktemp)
# The central check runs in a process group of its own (setsid), so that it can be stopped with everything it started;
# on Ctrl-C or SIGTERM, that group goes, then this script's own, the background parts with it.
setsid chrt --idle 0 bash .ci/central-bundle.sh >"$central_log" 2>&1 &
central=$!
stop_central() { kill -TERM -- "-$central" 2>/dev/null; }
trap 'trap - INT TERM; stop_central; rm -f "$central_log" "$benchmarks_log"; kill -TERM 0' INT TERM

# Ends the run: a part that failed before the central check ended stops it (its result would not change the run's);
# otherwise the run waits for it and shows its output.
finish() {
  local status=$1
  if [ "$status" -ne 0 ]; then
    stop_central
    wait "$central"
    echo "test: stopped the Maven Central bundle check, as an earlier part failed"
  elif ! wait "$central"; then
    status=1
    echo "test: the Maven Central bundle check FAILED:"
  fi
  cat "$central_log"
  rm -f "$central_log" "$benchmarks_log"
  exit "$status"
}

bash .ci/setup.sh || finish 1
# TESTS_TMPDIR= (empty) leaves the test JVMs' temporary files in the system's temporary directory, for a machine
# without a roomy, executable /dev/shm
tmpdir=${TESTS_TMPDIR-/dev/shm}
mvn -B -ntp -T 1C install -Pdist ${tmpdir:+"-Dtests.tmpdir=$tmpdir"} -pl '!benchmarks' || finish 1

mvn -B -ntp verify -pl benchmarks >"$benchmarks_log" 2>&1 &
benchmarks=$!
status=0
{ mvn -B -ntp -f samples/standalone-golang-migrate/pom.xml verify && bash .ci/compatibility.sh; } || status=1
if ! wait "$benchmarks"; then
  status=1
  echo "test: the benchmarks' checks FAILED:"
fi
cat "$benchmarks_log"
finish "$status"
