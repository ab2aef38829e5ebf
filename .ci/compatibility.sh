#!/usr/bin/env bash
# The compatibility matrix: Rehearsal with the tool versions teams run, each cell a real run, written to
# docs/compatibility.md. Run after `mvn install` of Rehearsal (the README's test command does): the cells that build
# against other versions resolve the installed artifacts, and the cells the main build already ran are read from its
# test reports. `bash .ci/compatibility.sh --full` adds the cells that are not run on every CI run. Cells run two at
# a time.
set -uo pipefail
cd "$(dirname "$0")/.."

full=false
[ "${1:-}" = "--full" ] && full=true
# One file per row, named by its place in the table: cells run two at a time and finish in any order. A cell's
# row says "no result" until the cell writes its own; the end of a failed cell's log goes beside its row.
rows=$(mktemp -d)
row=0
# Cells run side by side, at most this many at once (each is mostly one test JVM waiting on its database; two, with
# the benchmarks' checks the test command runs beside the matrix, fill the CI machine's 2 cores); cells on the same
# project take turns, as they share its target folder.
side_by_side=2
locks=$(mktemp -d)
# Background cells ignore Ctrl-C (as a script's background jobs do): on Ctrl-C or SIGTERM, the whole process group
# goes, the cells' Maven runs with it.
trap 'trap - INT TERM; rm -rf "$rows" "$locks"; kill -TERM 0' INT TERM

# One cell: a Maven run whose own test summary is the result, started in the background once a place is free.
# Arguments: what, versions, managed by, then the command.
cell() {
  row=$((row + 1))
  local file
  file=$rows/$(printf '%03d' "$row")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "no result" "-" "-" "${*:4}" >"$file"
  while [ "$(jobs -rp | wc -l)" -ge "$side_by_side" ]; do wait -n; done
  run_cell "$file" "$@" &
}

run_cell() {
  local file=$1 what=$2 versions=$3 by=$4
  shift 4
  local log module="" project="" started status lock
  # the project the command builds: a module of the main build (-pl) or a project of its own (-f)
  local args=("$@") i
  for ((i = 0; i < ${#args[@]}; i++)); do
    [ "${args[i]}" = "-pl" ] && module=${args[i+1]} && project=$module
    [ "${args[i]}" = "-f" ] && project=$(dirname "${args[i+1]}")
  done
  project=${project:-$(basename "$file")} # a command that names none shares nothing
  exec {lock}>"$locks/${project//\//_}"
  flock "$lock" || return 1
  started=$SECONDS
  log=$(mktemp)
  echo "compatibility: $what ($versions)"
  # a module of the main build run with other versions: its reports are set aside and put back afterwards, so that
  # the main build's own reports (read by `reported`) stay the main build's, however often the matrix runs
  # (what a stopped run left set aside is older than the main build's reports, which are in place now: it goes)
  if [ -n "$module" ] && [ -d "$module/target/surefire-reports" ]; then
    rm -rf "$module/target/surefire-reports.main"
    mv "$module/target/surefire-reports" "$module/target/surefire-reports.main"
  fi
  # the lock stays with this shell, not with what the command leaves running
  if "$@" {lock}>&- >"$log" 2>&1; then status=passed; else status=FAILED; fi
  if [ -n "$module" ] && [ -d "$module/target/surefire-reports.main" ]; then
    rm -rf "$module/target/surefire-reports"
    mv "$module/target/surefire-reports.main" "$module/target/surefire-reports"
  fi
  local summary
  summary=$(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log" \
    | sed -E 's/^\[[A-Z]+\] //' | awk -F'[:,] *' '{t+=$2; f+=$4+$6; s+=$8} END {printf "%d tests, %d failed, %d skipped", t, f, s}')
  # a cell in which no test ran (none found, or every one skipped) proves nothing about its versions
  if [ "$status" = passed ] && ! ran_tests "$summary"; then status="not run"; fi
  [ "$status" = passed ] || { echo "compatibility: $what ($versions) $status, the end of its log:"; tail -40 "$log"; } \
    >"$file.log"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$what" "$versions" "$by" "$status" "$summary" "$((SECONDS - started)) s" \
    "$*" >"$file"
  rm -f "$log"
}

# Whether a summary ("N tests, F failed, S skipped") counts a test that ran: some tests, not all of them skipped.
ran_tests() {
  local tests skipped
  tests=$(sed -E 's/^([0-9]+) tests.*/\1/' <<<"$1")
  skipped=$(sed -E 's/.*, ([0-9]+) skipped$/\1/' <<<"$1")
  [[ "$tests" =~ ^[0-9]+$ && "$skipped" =~ ^[0-9]+$ ]] && [ "$tests" -gt "$skipped" ]
}

# One cell the main build ran: its result read from the surefire reports of the test classes named.
reported() {
  row=$((row + 1))
  local what=$1 versions=$2 by=$3 reports=$4
  local summary status
  summary=$(python3 - "$reports" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
t = f = s = 0
files = [p for pattern in sys.argv[1].split() for p in glob.glob(pattern)]
for path in files:
    # each test case counted from its own element: the suite's totals leave out JUnit's nested classes
    for case in ET.parse(path).getroot().iter("testcase"):
        t += 1
        f += 1 if case.find("failure") is not None or case.find("error") is not None else 0
        s += 1 if case.find("skipped") is not None else 0
print(f"{t} tests, {f} failed, {s} skipped" if files else "no report")
PY
)
  case "$summary" in
    "no report") status="not run" ;;
    *", 0 failed,"*) if ran_tests "$summary"; then status=passed; else status="not run"; fi ;;
    *) status=FAILED ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$what" "$versions" "$by" "$status" "$summary" "in the main build" \
    "main build: $reports" >"$rows/$(printf '%03d' "$row")"
}

# Runs a command with another version of an npm package in a sample's node_modules, then puts the sample's own
# versions back (npm ci from its lock file). Arguments: the sample's folder, the package@version, then the command.
with_npm_package() {
  local dir=$1 package=$2 rc
  shift 2
  (cd "$dir" && npm install --no-save --no-audit --no-fund "$package" >/dev/null 2>&1) || return 1
  "$@"
  rc=$?
  (cd "$dir" && npm ci --no-audit --no-fund >/dev/null 2>&1) || rc=1
  return $rc
}

prop() { # a property of the root pom
  python3 -c "import re,sys; print(re.search(r'<$1>([^<]*)</$1>', open('pom.xml').read()).group(1))"
}
maven=(mvn -B -ntp)

# What the main build ran with its own versions and the machine's Python and Node stacks, read before the runs
# below put other versions' reports in the same folders.
reported "Flyway sample" "Flyway $(prop flyway.version), JUnit $(prop junit5.version)" "Rehearsal's build" \
  "samples/flyway-postgres/target/surefire-reports/TEST-*.xml"
reported "Flyway sample" "JUnit $(prop junit6.version)" "Rehearsal's build" \
  "samples/flyway-postgres-junit6/target/surefire-reports/TEST-*.xml"
reported "Liquibase sample" "Liquibase $(prop liquibase.version)" "Rehearsal's build" \
  "samples/liquibase-postgres/target/surefire-reports/TEST-*.xml"
reported "Spring Boot settings" "Spring Boot $(prop spring-boot.version) (the command line's)" "Rehearsal's build" \
  "core/target/surefire-reports/TEST-dev.rehearsal.core.SpringBootSettingsTest.xml"
debian=$(/usr/bin/python3 -c "import alembic, sqlalchemy, django; print('Alembic', alembic.__version__, '/ SQLAlchemy', sqlalchemy.__version__, '/ psycopg2 / Django', django.get_version())" 2>/dev/null || echo "Debian's Python stack missing")
current=$(.ci/venvs/current/bin/python -c "import alembic, sqlalchemy, psycopg, asyncpg; print('Alembic', alembic.__version__, '/ SQLAlchemy', sqlalchemy.__version__, '/ psycopg', psycopg.__version__, '/ asyncpg', asyncpg.__version__)" 2>/dev/null || echo "the current Python stack missing")
reported "Alembic, Django (Debian's packages)" "$debian" "Debian 12" \
  "core/target/surefire-reports/TEST-dev.rehearsal.core.AlembicTest.xml samples/django-postgres/target/surefire-reports/TEST-*.xml"
reported "alembic init templates (generic, async, pyproject, pyproject_async)" "$current" "pip" \
  "core/target/surefire-reports/TEST-dev.rehearsal.core.AlembicTemplatesTest.xml"
django=$(.ci/venvs/current/bin/python -c "import django, psycopg; print('Django', django.get_version(), '/ psycopg', psycopg.__version__)" 2>/dev/null || echo "the current Python stack missing")
reported "Django startproject and makemigrations" "$django" "pip" \
  "core/target/surefire-reports/TEST-dev.rehearsal.core.DjangoStartProjectTest.xml"
reported "TypeORM sample" "TypeORM $(node -e "console.log(require('./samples/typeorm-postgres/node_modules/typeorm/package.json').version)" 2>/dev/null)" "npm" \
  "samples/typeorm-postgres/target/surefire-reports/TEST-*.xml"
reported "Knex sample" "Knex $(node -e "console.log(require('./samples/knex-postgres/node_modules/knex/package.json').version)" 2>/dev/null)" "npm" \
  "samples/knex-postgres/target/surefire-reports/TEST-*.xml"
reported "Embedded PostgreSQL (a user's project)" "PostgreSQL $(prop embedded-postgres-binaries.version | cut -d. -f1-2), rehearsal-core's own" "Rehearsal's pom" \
  "samples/standalone-golang-migrate/target/surefire-reports/TEST-*.xml"

# The Flyway line older than the ones Rehearsal builds with and Spring Boot manages, on the sample's suite (the
# longest cell first, so that the two places stay busy to the end). Liquibase 4.33 and 5.x run in the main build.
cell "Flyway sample" "Flyway 10.20.1" "Spring Boot 3.4" \
  "${maven[@]}" verify -pl samples/flyway-postgres -Dflyway.version=10.20.1
# Spring Boot applications as Spring Initializr makes them, with the versions Boot manages.
cell "Spring Boot 3.5 application" "Flyway 11.7.2, JUnit 5.12.2" "spring-boot-starter-parent 3.5.7" \
  "${maven[@]}" -f samples/spring-boot-3.5/pom.xml verify
cell "Spring Boot 4.0 application" "Flyway 11.14.1, JUnit 6.0.1, Spring Boot's binder 4.0" "spring-boot-starter-parent 4.0.0" \
  "${maven[@]}" -f samples/spring-boot-4.0/pom.xml verify
# The oldest production major Rehearsal supports, as a team pins it with zonky's BOM, on the same user's project:
# what a later major added (a clause, a catalog column) fails here first.
cell "Embedded PostgreSQL (a user's project)" "PostgreSQL 14.22" "zonky's BOM in the project's pom" \
  "${maven[@]}" -f samples/standalone-golang-migrate/pom.xml verify -Ppostgres-14
# Knex's previous major, on the Knex sample's suite.
cell "Knex sample" "Knex 2.5.1" "npm" \
  with_npm_package samples/knex-postgres knex@2.5.1 "${maven[@]}" verify -pl samples/knex-postgres
if $full; then
  # cells on one project apart, so that neither place waits on the other's turn
  cell "Liquibase sample" "Liquibase 4.29.2" "Spring Boot 3.4" \
    "${maven[@]}" verify -pl samples/liquibase-postgres -Dliquibase.version=4.29.2
  cell "Flyway sample" "Flyway 12.7.0" "-" "${maven[@]}" verify -pl samples/flyway-postgres -Dflyway.version=12.7.0
  cell "Extension's suite" "JUnit 5.12.2" "Spring Boot 3.5" \
    "${maven[@]}" verify -pl junit5-extension -Djunit5.version=5.12.2
  # a Liquibase line between Spring Boot 3.4's and the build's own 4.33 (5.x runs in the main build's core tests)
  cell "Liquibase sample" "Liquibase 4.31.1" "Spring Boot 3.5" \
    "${maven[@]}" verify -pl samples/liquibase-postgres -Dliquibase.version=4.31.1
  cell "Embedded PostgreSQL (a user's project)" "PostgreSQL 16.15" "zonky's BOM in the project's pom" \
    "${maven[@]}" -f samples/standalone-golang-migrate/pom.xml verify -Ppostgres-16
  cell "Liquibase sample" "Liquibase 5.0.1" "Spring Boot 4.0" \
    "${maven[@]}" verify -pl samples/liquibase-postgres -Dliquibase.version=5.0.1
fi

wait
# the failed cells' logs, each in one piece, in the table's order
for log in "$rows"/*.log; do [ -s "$log" ] && cat "$log"; done
results=$(mktemp)
cat "$rows"/[0-9][0-9][0-9] >"$results"
failed=0
awk -F'\t' '$4 != "passed" {bad = 1} END {exit bad}' "$results" || failed=1

python3 - "$results" "$full" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
full = sys.argv[2] == "true"
out = ["# Compatibility", "",
       "Written by `.ci/compatibility.sh` (part of the README's test command) from its own runs and the main build's"
       " test reports; do not edit by hand. Each row is a real run: a project or suite with the versions named, on"
       " the machine's PostgreSQL and the embedded server.",
       "",
       "This table is from " + ("the full matrix (`bash .ci/compatibility.sh --full`)." if full else
                               "the matrix of every CI run; `bash .ci/compatibility.sh --full` adds Flyway 12,"
                               " Liquibase 4.29, 4.31 and 5.0.1 on the sample, the extension's suite on JUnit 5.12,"
                               " and the embedded PostgreSQL 16."),
       "",
       "| what | versions | as managed by | result | tests | time | run |",
       "|---|---|---|---|---|---|---|"]
for what, versions, by, status, summary, took, command in rows:
    out.append(f"| {what} | {versions} | {by} | {status} | {summary} | {took} | `{command}` |")
open("docs/compatibility.md", "w").write("\n".join(out) + "\n")
PY
rm -rf "$results" "$rows" "$locks"
echo "compatibility: docs/compatibility.md written$([ "$failed" = 0 ] || echo ', with failures')"
exit "$failed"
