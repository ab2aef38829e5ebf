"""The build backend of rehearsal-migrations' source distribution, which pip falls back to where none of the wheels
fits this machine (another platform, or a glibc older than the one a Linux wheel's Java runtime and PostgreSQL need):
building it fails the install, in one line naming the platform and what to use instead."""

import platform


def _this_platform():
    libc, libc_version = platform.libc_ver()
    return platform.system() + " " + platform.machine() + (" (" + libc + " " + libc_version + ")" if libc else "")


def _refuse(*args, **kwargs):
    version = "@VERSION@".replace(".dev0", "-SNAPSHOT")
    raise SystemExit("rehearsal-migrations: no package of Rehearsal's command line runs on " + _this_platform()
                     + " (wheels are made for Linux x86-64 and ARM64 with glibc, Linux x86-64 with musl, macOS and"
                     " Windows; a Linux wheel's tag names the oldest glibc it runs on): use the jar instead: java -jar"
                     " rehearsal-cli-" + version + "-all.jar with a JDK 17 or later (dev.rehearsal:rehearsal-cli:"
                     + version + ":all on Maven Central)")


get_requires_for_build_wheel = _refuse
get_requires_for_build_sdist = _refuse
prepare_metadata_for_build_wheel = _refuse
build_wheel = _refuse
build_sdist = _refuse
