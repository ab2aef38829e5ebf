"""Rehearsal's command line from pip: the ``rehearsal`` console script.

The platform's wheel holds, under ``_dist``, its own Java runtime, the command line's jar, the embedded PostgreSQL
and the same ``bin/rehearsal`` launcher as the jar's; ``main`` replaces this Python process with that launcher (on
Windows, which has no sh, it runs the bundled java on the jar). Where no platform's wheel fits, pip falls back to
the source distribution, whose build fails the install naming the platform.
"""

import os
import platform
import subprocess
import sys

__version__ = "@VERSION@"

_DIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_dist")
_BUILT_FOR = "linux-x64-gnu, linux-arm64-gnu, linux-x64-musl, darwin-x64, darwin-arm64, win32-x64"


def _fail(message):
    sys.stderr.write("rehearsal: " + message + "\n")
    return 2


def _use_the_jar():
    version = __version__.replace(".dev0", "-SNAPSHOT")
    return ("use the jar instead: java -jar rehearsal-cli-" + version + "-all.jar with a JDK 17 or later"
            " (dev.rehearsal:rehearsal-cli:" + version + ":all on Maven Central)")


def main():
    if not os.path.isdir(_DIST):
        return _fail(_DIST + " is missing: the install of rehearsal-migrations is incomplete (platform wheels are"
                     " made for " + _BUILT_FOR + "); reinstall it, or " + _use_the_jar())
    windows = os.name == "nt"
    java = os.path.join(_DIST, "runtime", "bin", "java.exe" if windows else "java")
    jar = os.path.join(_DIST, "lib", "rehearsal.jar")
    launcher = os.path.join(_DIST, "bin", "rehearsal")
    needed = [java, jar, os.path.join(_DIST, "lib", "postgres.jar")] + ([] if windows else [launcher])
    for path in needed:
        if not os.path.isfile(path):
            return _fail(path + " is missing: the install is incomplete; reinstall rehearsal-migrations"
                         " (pip install --force-reinstall rehearsal-migrations)")
    if windows:
        options = os.environ.get("REHEARSAL_JAVA_OPTS", "").split()
        return subprocess.call([java, "-XX:TieredStopAtLevel=1"] + options + ["-jar", jar] + sys.argv[1:])
    os.execv(launcher, [launcher] + sys.argv[1:])
    return 0
