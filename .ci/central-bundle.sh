#!/usr/bin/env bash
# The bundle Maven Central would take, checked as Central checks a release (signatures aside): the published
# modules, at the release version, deployed with their sources and Javadoc (-Pcentral-bundle) to a folder, then
# .ci/CentralBundleCheck.java over it. The release version is set on a copy of the sources, so nothing here changes.
set -euo pipefail
cd "$(dirname "$0")/.."

version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)"
release="${version%-SNAPSHOT}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT # a signal's default would skip the EXIT trap, leaving the copy behind
trap 'exit 143' TERM
tar --exclude=./.git --exclude='./*/target' --exclude='./target' --exclude='./samples' --exclude='./benchmarks' \
    --exclude='./.ci/tools' --exclude='./.ci/venvs' -cf - . | tar -xf - -C "$work"
cd "$work"
# only the published modules: the samples and benchmarks are never deployed
sed -i -e '/<module>samples\//d' -e '/<module>benchmarks<\/module>/d' pom.xml
mvn -B -ntp -q org.codehaus.mojo:versions-maven-plugin:2.19.1:set -DnewVersion="$release" -DgenerateBackupPoms=false
mvn -B -ntp -q -Pcentral-bundle -DskipTests deploy \
    -DaltDeploymentRepository=local::file:"$work/bundle"
java "$OLDPWD/.ci/CentralBundleCheck.java" "$work/bundle" dev.rehearsal:rehearsal-parent dev.rehearsal:rehearsal-core \
    dev.rehearsal:rehearsal-snapshots dev.rehearsal:rehearsal-junit5 dev.rehearsal:rehearsal-cli
