#!/usr/bin/env bash
# Starts the local PostgreSQL (127.0.0.1:5432) and MariaDB (127.0.0.1:3306) servers when they are installed but
# not running. Rehearsal's default provider is an embedded PostgreSQL from Maven and needs neither; the
# existing-server provider and the MariaDB dialect are tested against these. Never fails the build by itself.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || echo "note: could not start PostgreSQL $version"
  done
fi
if ! port_open 3306 && [ -x /usr/sbin/mariadbd ]; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || echo "note: could not start MariaDB"
fi
for i in $(seq 1 30); do
  if port_open 5432 && port_open 3306; then break; fi
  sleep 1
done
port_open 5432 && echo "PostgreSQL is listening on 127.0.0.1:5432" || echo "note: no PostgreSQL on 127.0.0.1:5432"
port_open 3306 && echo "MariaDB is listening on 127.0.0.1:3306" || echo "note: no MariaDB on 127.0.0.1:3306"
exit 0
