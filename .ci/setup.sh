#!/usr/bin/env bash
# Everything the test suite needs beyond a JDK and Maven: the machine's database servers running (the Alembic and
# dbmate verifications and, later, the existing-server provider use the PostgreSQL on 127.0.0.1:5432), and the real
# migration tools Rehearsal is checked against: Alembic, Django and Sqitch from Debian's packages, dbmate, drizzle-orm and
# Knex from the npm registry; Debian's Chromium, in which the HTML report is rendered; and a Docker engine with a PostgreSQL image built from Debian's packages, for the
# Testcontainers tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/start-services.sh

# Installs Debian packages (as root, or through sudo), updating the package lists only when the install needs it.
apt_install() {
  local sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get install -y -q "$@" >/dev/null \
    || { $sudo_cmd apt-get update -q >/dev/null && $sudo_cmd apt-get install -y -q "$@" >/dev/null; }
}

# Alembic 1.8 from Debian, with its PostgreSQL and MariaDB drivers, run as /usr/bin/python3 -m alembic by
# AlembicVerificationTest and HelperRetrySafetyTest; Django 3.2 from Debian, whose manage.py samples/django-postgres drives.
if ! /usr/bin/python3 -c "import alembic, psycopg2, pymysql, django" >/dev/null 2>&1; then
  apt_install python3-alembic python3-psycopg2 python3-django python3-pymysql
fi
/usr/bin/python3 -m alembic --version
echo "Django $(/usr/bin/python3 -m django --version)"

# Sqitch 1.3 from Debian, with its PostgreSQL driver, run by SqitchVerificationTest.
if ! command -v sqitch >/dev/null 2>&1 || ! perl -MDBD::Pg -e 1 >/dev/null 2>&1; then
  apt_install sqitch libdbd-pg-perl
fi
sqitch --version

# Chromium from Debian, headless, in which the HTML report's test renders a real report, reads its DOM and takes the
# screenshot the README shows.
if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium fonts-dejavu-core
fi
chromium --version

# The command line's npm and pip packages (mvn -Pdist): jlink needs the JDK's jmods, of the same release as the JDK
# Maven runs on (Debian 12 ships them in openjdk-17-jdk-headless, later releases in openjdk-17-jmods), and binutils'
# strip; DistIT installs the wheels into virtualenvs made by Debian's python3 (python3-venv), as does the virtualenv
# below.
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
if [ ! -f "$java_home/jmods/java.base.jmod" ]; then
  if apt-cache show openjdk-17-jmods >/dev/null 2>&1; then apt_install openjdk-17-jmods; else apt_install openjdk-17-jdk-headless; fi
fi
if ! command -v strip >/dev/null 2>&1; then
  apt_install binutils
fi
if ! /usr/bin/python3 -c "import ensurepip" >/dev/null 2>&1; then
  apt_install python3-venv
fi
echo "jmods: $(ls "$java_home/jmods" | wc -l) in $java_home/jmods"

# What follows downloads into folders of its own, each part with nothing to share with the others (Debian's packages
# are all in place above: dpkg takes one install at a time), so the parts run side by side; each one's output is
# shown once all have ended, in this order, and any that failed fails the set-up.

# The Python stack teams start projects with today, beside Debian's older one: a virtualenv (Debian's python3 -m venv)
# with Alembic 1.20, SQLAlchemy 2.0, psycopg 3, asyncpg and Django 5.2, from the package index pip is set up with on
# this machine. AlembicTemplatesTest runs `alembic init` projects (generic and async) in it.
current_python_stack() {
  if ! .ci/venvs/current/bin/python -c "import alembic, sqlalchemy, psycopg, asyncpg, django" >/dev/null 2>&1; then
    rm -rf .ci/venvs/current
    /usr/bin/python3 -m venv .ci/venvs/current
    .ci/venvs/current/bin/pip install -q --retries 0 --timeout 10 "alembic>=1.20" "sqlalchemy>=2.0,<2.1" \
      "psycopg[binary]>=3.3" "asyncpg>=0.31" "django>=5.2,<5.3"
  fi
  .ci/venvs/current/bin/python -c "import alembic, sqlalchemy, psycopg, asyncpg, django; print('current stack: alembic', alembic.__version__, 'SQLAlchemy', sqlalchemy.__version__, 'psycopg', psycopg.__version__, 'asyncpg', asyncpg.__version__, 'Django', django.get_version())"
}

# From the npm registry, in one install: dbmate 2.36 (a binary in the package), run by DbmateVerificationTest;
# drizzle-orm 0.45 and the pg driver, whose own migrate() DrizzleVerificationTest runs; Knex 3.3, whose own command
# line CommandToolTest drives.
npm_tools() {
  if [ ! -x .ci/tools/node_modules/@dbmate/linux-x64/bin/dbmate ] \
      || [ ! -f .ci/tools/node_modules/drizzle-orm/package.json ] || [ ! -f .ci/tools/node_modules/pg/package.json ] \
      || [ ! -f .ci/tools/node_modules/knex/package.json ]; then
    npm install --silent --no-audit --no-fund --prefix .ci/tools @dbmate/linux-x64@2.36.0 drizzle-orm@0.45.4 \
      pg@8.23.1 knex@3.3.0 >/dev/null
  fi
  .ci/tools/node_modules/@dbmate/linux-x64/bin/dbmate --version
  node -e "console.log('drizzle-orm ' + require('./.ci/tools/node_modules/drizzle-orm/package.json').version)"
  node -e "console.log('knex ' + require('./.ci/tools/node_modules/knex/package.json').version)"
}

# The Knex sample's node_modules, from its package-lock.json, as the sample's team installs them.
knex_sample() {
  if [ ! -x samples/knex-postgres/node_modules/.bin/knex ]; then
    npm ci --silent --no-audit --no-fund --prefix samples/knex-postgres >/dev/null
  fi
  samples/knex-postgres/node_modules/.bin/knex --version
}

# The TypeORM sample's node_modules (TypeORM 0.3, pg), from its package-lock.json; TypeormGuardTest uses them too.
typeorm_sample() {
  if [ ! -f samples/typeorm-postgres/node_modules/typeorm/package.json ]; then
    npm ci --silent --no-audit --no-fund --prefix samples/typeorm-postgres >/dev/null
  fi
  node -e "console.log('typeorm ' + require('./samples/typeorm-postgres/node_modules/typeorm/package.json').version)"
}

# Docker (Debian's docker.io) and the locally built images the Testcontainers tests use (kept between runs); the only
# part below that may install Debian packages.
images() {
  bash .ci/build-images.sh
}

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# background parts ignore Ctrl-C (as a script's background jobs do): on Ctrl-C or SIGTERM, the whole process group
# goes, what the parts started with it
trap 'trap - INT TERM; kill -TERM 0' INT TERM
parts=(current_python_stack npm_tools knex_sample typeorm_sample images)
pids=()
for part in "${parts[@]}"; do
  (set -euo pipefail; "$part") >"$logs/$part" 2>&1 &
  pids+=($!)
done
failed=()
for i in "${!parts[@]}"; do
  wait "${pids[i]}" || failed+=("${parts[i]}")
  cat "$logs/${parts[i]}"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "setup: FAILED: ${failed[*]} (their output is above)" >&2
  exit 1
fi
