#!/usr/bin/env bash
# The README's test command, which CI runs through .ci/run: all the set-up the tests need, then every test CI must run.
# The parts, and what runs beside what:
# 1. The Maven Central bundle check (.ci/central-bundle.sh: the published modules deployed to a folder at the release
#    version and checked as Central checks a release). It needs only the sources, so it starts first, in the
#    background at idle priority for the CPU (the kernel's SCHED_IDLE, `chrt --idle`) and the disk (`ionice -c 3`):
#    it runs on what the other parts leave unused (the set-up's downloads, the reactor's waits) and takes no CPU time
#    from them. Its output comes last.
# 2. .ci/setup.sh: the servers, tools, interpreters and packages the tests use.
# 3. The reactor, installing Rehearsal's artifacts: every module's tests but the benchmarks'. -T 1C builds modules that
#    do not depend on each other side by side, one per core: after core and snapshots, the extension and the command
#    line overlap, and the samples run beside the command line's packaging and integration tests. The test JVMs keep
#    their temporary files, the embedded servers' data directories among them, on the tmpfs (tests.tmpdir in pom.xml).
# 4. Side by side, as neither needs the other: the benchmarks' checks (they never assert on time, so what runs beside
#    them changes none of their results; their output is shown after the matrix's), and the standalone sample, a user's
#    project that resolves the installed artifacts exactly as a user's build resolves the published ones, followed by
#    the version matrix (.ci/compatibility.sh, whose cells run two at a time), which writes docs/compatibility.md.
# Where set-up or the reactor fails, the central check is stopped and the run ends at once.
set -uo pipefail
cd "$(dirname "$0")/.."

central_log=$(mktemp)
benchmarks_log=$(mktemp)
# The central check runs in a session of its own (setsid: a background job of a script is no process group leader, so
# setsid makes the new session in that process itself, whose id is the group's), so that it can be stopped with
# everything it started; it is stopped on every way out of this script but its own end.
setsid --wait chrt --idle 0 ionice -c 3 bash .ci/central-bundle.sh >"$central_log" 2>&1 &
central=$!
central_running=true
stop_central() {
  if $central_running; then
    kill -TERM -- "-$central" 2>/dev/null
    wait "$central"
    central_running=false
  fi
}
trap 'stop_central; rm -f "$central_log" "$benchmarks_log"' EXIT
# on Ctrl-C, SIGTERM or a hang-up, everything goes at once: the central check's session and this script's process group
# with the other background parts (each part runs in the background and is waited for: `wait` returns at once on a
# trapped signal, where a command in the foreground would hold the trap back until it ends); this script ignores the
# signal it sends itself, waits for the central check to end, and exits
trap 'trap "" INT TERM HUP; kill -TERM -- "-$central" 0 2>/dev/null; wait "$central"; central_running=false; exit 143' \
  INT TERM HUP

# Runs a command in the background and waits for it (see above); its status is the command's.
run() {
  "$@" &
  wait $!
}

# Ends the run: stopping the central check where an earlier part failed, else waiting for it and showing its output.
finish() {
  local status=$1 stop=$2
  # (bash collects an ended background part at once: kill -0 finds it gone)
  if $stop && kill -0 "$central" 2>/dev/null; then
    stop_central
    echo "test: stopped the Maven Central bundle check, as an earlier part failed"
  else
    wait "$central" || { status=1; echo "test: the Maven Central bundle check FAILED:"; }
    central_running=false
    cat "$central_log"
  fi
  exit "$status"
}

run bash .ci/setup.sh || finish 1 true
# TESTS_TMPDIR= (empty) leaves the test JVMs' temporary files in the system's temporary directory, for a machine
# without a roomy, executable /dev/shm
tmpdir=${TESTS_TMPDIR-/dev/shm}
run mvn -B -ntp -T 1C install -Pdist ${tmpdir:+"-Dtests.tmpdir=$tmpdir"} -pl '!benchmarks' || finish 1 true

mvn -B -ntp verify -pl benchmarks >"$benchmarks_log" 2>&1 &
benchmarks=$!
status=0
run bash -c 'mvn -B -ntp -f samples/standalone-golang-migrate/pom.xml verify && bash .ci/compatibility.sh' || status=1
if ! wait "$benchmarks"; then
  status=1
  echo "test: the benchmarks' checks FAILED:"
fi
cat "$benchmarks_log"
finish "$status" false
