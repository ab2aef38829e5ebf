#!/usr/bin/env bash
# Builds the container images the Testcontainers tests use, from Debian's packages (there is no container registry
# here): Debian's docker.io engine is installed and started if needed, a minimal Debian with PostgreSQL is made with
# debootstrap, and imported with an entrypoint that behaves like the official image's. Images are kept between runs
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

IMAGE=rehearsal/postgres:15-debian
if ! $DOCKER image inspect "$IMAGE" >/dev/null 2>&1; then
  root=$(mktemp -d /tmp/rehearsal-pgroot.XXXXXX)
  $sudo_cmd debootstrap --variant=minbase --include=postgresql bookworm "$root" http://deb.debian.org/debian >/dev/null
  $sudo_cmd install -m 0755 images/postgres-entrypoint.sh "$root/usr/local/bin/docker-entrypoint.sh"
  $sudo_cmd rm -rf "$root/var/lib/postgresql/15/main" "$root/var/cache/apt/archives"/*.deb
  $sudo_cmd tar -C "$root" -c . | $DOCKER import \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' --change 'CMD ["postgres"]' \
    --change 'EXPOSE 5432' --change 'ENV PGDATA=/var/lib/postgresql/data' - "$IMAGE" >/dev/null
  $sudo_cmd rm -rf "$root"
fi
echo "image $IMAGE ready"
