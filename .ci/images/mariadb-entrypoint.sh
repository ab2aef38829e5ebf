#!/bin/bash
# Behaves like the official mariadb image's entrypoint, as far as Testcontainers relies on it: honours
# MARIADB_/MYSQL_ROOT_PASSWORD, MARIADB_/MYSQL_ALLOW_EMPTY_ROOT_PASSWORD (ALLOW_EMPTY_PASSWORD), MARIADB_/MYSQL_DATABASE,
# MARIADB_/MYSQL_USER and MARIADB_/MYSQL_PASSWORD; initialises the data directory on first start with a server that
# listens on no port, then runs mariadbd in the foreground. Arguments that start with "-" are passed to mariadbd
# (Testcontainers users pass "--performance-schema=ON" that way), as the official image does.
set -e
DATADIR=/var/lib/mysql
if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then shift; fi
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$DATADIR" /run/mysqld
  chown -R mysql:mysql "$DATADIR" /run/mysqld
  exec setpriv --reuid=mysql --regid=mysql --init-groups "$0" "$@"
fi
root_password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
allow_empty=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}
database=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
user=${MARIADB_USER:-${MYSQL_USER:-}}
password=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
if [ ! -d "$DATADIR/mysql" ]; then
  if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
    echo "error: set MARIADB_ROOT_PASSWORD or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" >&2
    exit 1
  fi
  mariadb-install-db --datadir="$DATADIR" --auth-root-authentication-method=normal --skip-test-db >/dev/null
  socket=/run/mysqld/init.sock
  mariadbd --datadir="$DATADIR" --skip-networking --socket="$socket" &
  pid=$!
  for i in $(seq 1 60); do mariadb-admin --socket="$socket" -uroot ping >/dev/null 2>&1 && break; sleep 0.5; done
  sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g")"; }
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY $(sql_string "$root_password");"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$root_password");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "$database" ]; then echo "CREATE DATABASE IF NOT EXISTS \`$database\`;"; fi
    if [ -n "$user" ] && [ "$user" != root ]; then
      echo "CREATE USER '$user'@'%' IDENTIFIED BY $(sql_string "$password");"
      if [ -n "$database" ]; then echo "GRANT ALL ON \`$database\`.* TO '$user'@'%';"; fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --socket="$socket" -uroot
  kill "$pid"
  wait "$pid" || true
fi
exec mariadbd --datadir="$DATADIR" --bind-address=0.0.0.0 --port=3306 "$@"
