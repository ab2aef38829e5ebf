"""The pipe between Rehearsal (the JVM) and its Python helpers (Alembic, Django): one JSON object per line.

Importing it takes a private copy of standard output for the protocol and sends what the project prints (Alembic's
log, a migration's print) to standard error, where Rehearsal keeps its end for messages.
"""
import json
import os
import sys

_protocol_out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr
_protocol_in = sys.stdin


def send(message):
    _protocol_out.write(json.dumps(message, default=str) + "\n")
    _protocol_out.flush()


def notify(message):
    """Sends an event the JVM does not answer (a statement about to run): the helper goes on at once."""
    send(message)


def receive():
    line = _protocol_in.readline()
    if not line:
        sys.exit(0)  # the JVM went away: nothing is left to do
    return json.loads(line)
