#!/usr/bin/env bash
# Builds the container images the Testcontainers tests use, from Debian's packages (there is no container registry
# here): Debian's docker.io engine is installed and started if needed, a minimal Debian with PostgreSQL is made with
# debootstrap (PostgreSQL 15, MariaDB 10.11), and imported with an entrypoint that behaves like the official image's. Images are kept between runs
# on the same machine: an image that exists is not built again.
set -euo pipefail
cd "$(dirname "$0")"

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  $sudo_cmd apt-get install -y -q docker.io debootstrap >/dev/null \
    || { $sudo_cmd apt-get update -q >/dev/null && $sudo_cmd apt-get install -y -q docker.io debootstrap >/dev/null; }
fi
DOCKER=/usr/bin/docker
if ! $DOCKER info >/dev/null 2>&1; then
  ($sudo_cmd nohup /usr/sbin/dockerd > /tmp/rehearsal-dockerd.log 2>&1 &)
  for i in $(seq 1 30); do $DOCKER info >/dev/null 2>&1 && break; sleep 1; done
fi
$DOCKER info >/dev/null 2>&1 || { echo "note: no Docker engine could be started; the Testcontainers tests will say so"; exit 0; }

# build_image NAME PACKAGES ENTRYPOINT CMD PORT ENV DATA_DIR: a minimal Debian bookworm with PACKAGES, imported with
# ENTRYPOINT; the data directory the packages initialised is emptied, so the entrypoint initialises it on first start.
build_image() {
  local image=$1 packages=$2 entrypoint=$3 cmd=$4 port=$5 env=$6 data=$7
  if $DOCKER image inspect "$image" >/dev/null 2>&1; then
    echo "image $image ready (cached)"
    return
  fi
  local root
  root=$(mktemp -d /tmp/rehearsal-root.XXXXXX)
  $sudo_cmd debootstrap --variant=minbase --include="$packages" bookworm "$root" http://deb.debian.org/debian >/dev/null
  $sudo_cmd install -m 0755 "images/$entrypoint" "$root/usr/local/bin/docker-entrypoint.sh"
  $sudo_cmd rm -rf "$root$data" "$root/var/cache/apt/archives"/*.deb
  $sudo_cmd tar -C "$root" -c . | $DOCKER import \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' --change "CMD [\"$cmd\"]" \
    --change "EXPOSE $port" ${env:+--change "ENV $env"} - "$image" >/dev/null
  $sudo_cmd rm -rf "$root"
  echo "image $image built"
}

build_image rehearsal/postgres:15-debian postgresql postgres-entrypoint.sh postgres 5432 \
  PGDATA=/var/lib/postgresql/data /var/lib/postgresql/15/main
build_image rehearsal/mariadb:10.11-debian mariadb-server mariadb-entrypoint.sh mariadbd 3306 "" /var/lib/mysql
