"""Rehearsal's Alembic helper: drives the project's own Alembic, its alembic.ini and env.py, in the project's Python.

Started once per rehearsal by Rehearsal (the JVM), it answers requests over a pipe, one JSON object per line:
``open`` loads the script directory once and lists the revisions in the order ``alembic upgrade`` applies them;
``upgrade`` and ``downgrade`` move one revision (``upgrade_all`` several, as ``alembic upgrade`` does)
through Alembic's own EnvironmentContext and the project's env.py, on the database named in the request (restores and
parallel parts switch databases), each on sessions of its own, as a deploy runs ``alembic upgrade`` in a fresh
process: nothing one request left on a session (a setting, a temporary table, a lock, a transaction) is seen by the
next. Every statement Alembic runs is reported before it runs (with the revision file and line it came from; not
answered) and after it ran, where the helper waits for the JVM's answer, so that the JVM can read the locks the
statement holds while the transaction is still open. Each answer carries the helper's time by component (env.py,
the statements, tracing, the guard).

The protocol uses a private copy of standard output; what the project prints goes to standard error.
"""
import argparse
import inspect
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # beside this script, even with -I or PYTHONSAFEPATH
import rehearsal_protocol as protocol  # noqa: E402  (first: it takes standard output for the protocol)
from rehearsal_protocol import notify, receive, send  # noqa: E402


try:
    import alembic
    import sqlalchemy
    from alembic import command  # noqa: F401  (imported for its side effects on Alembic's own modules)
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from alembic.runtime.migration import RevisionStep
    from alembic.script import ScriptDirectory
    from sqlalchemy import event
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.pool import NullPool, Pool
except ImportError as missing:
    send({"ready": False, "python": sys.executable, "version": sys.version.split()[0], "missing": missing.name or str(missing)})
    sys.exit(0)

protocol.guard_drivers()  # before env.py and the revisions import a driver of their own


class ForcedFailure(Exception):
    """Raised after a revision's last statement, before Alembic records and commits it."""


class HandedConnection(Connection):
    """
    The connection env.py finds in config.attributes["connection"]: a Connection, as Alembic's cookbook hands one
    (env.py passes it to context.configure), whose connect() gives that same session, as an env.py written for
    pytest-alembic's Engine asks for one (``with connectable.connect() as connection``). Closing what connect() gave
    leaves the session open, as SQLAlchemy 1.4's Connection.connect() did; the helper closes it when the request ends.
    """

    _lent = 0

    def connect(self, *args, **kwargs):
        HELPER.handed_as = "connect()"
        self._lent += 1
        return self

    def close(self):
        if self._lent:
            self._lent -= 1
            return
        super().close()


class Attributes(dict):
    """
    config.attributes, where "connection" is made when env.py first asks for it during a request: an env.py that
    never reads it builds its own engine and gets no session it does not use.
    """

    def __init__(self):
        super().__init__()
        self.hand = None

    def _offer(self, key):
        if key == "connection" and self.hand is not None and not dict.__contains__(self, key):
            dict.__setitem__(self, key, self.hand())

    def __getitem__(self, key):
        self._offer(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self._offer(key)
        return dict.get(self, key, default)

    def __contains__(self, key):
        self._offer(key)
        return dict.__contains__(self, key)

    def withdraw(self):
        self.hand = None
        dict.pop(self, "connection", None)


class Helper:
    def __init__(self):
        self.config = None
        self.script = None
        self.paths = {}
        self.tracing = False
        self.lock_timeout_query = None
        self.session_query = None
        self.version_table = "alembic_version"
        self.project_driver = None
        # where the helper's time goes, milliseconds by component, sent with each answer and then reset
        self.spent = {}
        self._statement_started = None
        self._in_revision = False  # whether the statement being traced came from a revision file
        self._in_transaction = False  # whether it runs in a transaction (else it committed by itself)
        self._revision_by_file = {}  # a frame's file name -> its revision, or False: realpath is asked once per file
        self.phase = 0  # one a request: a pooled session of an earlier one is not handed out again
        self.handed = None  # (what env.py got in config.attributes["connection"], its engine) during a request
        self.handed_as = None  # how env.py took it: "connection", "connect()", "AsyncEngine"; None: not at all
        self._idle = {}  # the pooled sessions checked in during this request, closed when it ends

    # ---- requests -------------------------------------------------------------------------------------------
    def open(self, request):
        ini = request.get("config")
        if ini:
            os.chdir(os.path.dirname(os.path.abspath(ini)))  # as `alembic` is run: from the folder of alembic.ini
        cmd_opts = argparse.Namespace(x=list(request.get("x") or []), config=ini, name=request.get("name") or "alembic",
                                      raiseerr=True)
        options = {}
        toml = os.path.abspath("pyproject.toml")  # beside alembic.ini, as the alembic command looks for it (1.16+)
        if os.path.isfile(toml) and "toml_file" in inspect.signature(Config.__init__).parameters:
            options["toml_file"] = toml
        self.config = Config(file_=ini, ini_section=request.get("name") or "alembic", cmd_opts=cmd_opts, **options)
        self.config.attributes = Attributes()
        if request.get("script_location"):
            self.config.set_main_option("script_location", request["script_location"].replace("%", "%%"))
        self.lock_timeout_query = request.get("lock_timeout_query")
        self.session_query = request.get("session_query")
        protocol.identify_with(self.session_query)
        self.script = ScriptDirectory.from_config(self.config)
        self.project_driver = _driver(self.config.get_main_option("sqlalchemy.url"))
        revisions = []
        self._revision_by_file = {}
        for rev in reversed(list(self.script.walk_revisions("base", "heads"))):
            self.paths[os.path.realpath(rev.path)] = rev.revision
            revisions.append({
                "id": rev.revision,
                "down": list(rev._normalized_down_revisions),
                "depends": list(rev._normalized_resolved_dependencies) if hasattr(rev, "_normalized_resolved_dependencies") else [],
                "branch_labels": sorted(rev.branch_labels),
                "path": os.path.abspath(rev.path),
                "doc": rev.doc or "",
                "upgrade_line": _line_of(rev.module, "upgrade"),
                "downgrade_line": _line_of(rev.module, "downgrade"),
            })
        return {"script_location": self.script.dir, "versions": list(self.script._version_locations),
                "config": self.config.config_file_name, "revisions": revisions,
                "alembic": alembic.__version__, "sqlalchemy": sqlalchemy.__version__, "python": sys.executable}

    def upgrade(self, request):
        revision = self.script.get_revision(request["revision"])
        fail_at_end = bool(request.get("fail_at_end"))
        module = revision.module
        original = module.upgrade
        raised = []
        if fail_at_end:
            def failing(*args, **kwargs):
                original(*args, **kwargs)
                raised.append(True)
                raise ForcedFailure("failure forced by Rehearsal at the end of " + revision.revision)
            module.upgrade = failing
        try:
            table = self._run(request, revision, True)
        except ForcedFailure:
            return {"forced": True, "version_table": self.version_table, "env_connection": self.handed_as}
        finally:
            module.upgrade = original
        # raised but not seen here: env.py (or code it calls) caught the failure and let the revision commit; the JVM
        # finds the revision recorded as applied and fails the step
        return {"forced": bool(raised), "swallowed": bool(raised), "version_table": table,
                "env_connection": self.handed_as}

    def upgrade_all(self, request):
        """
        The request's revisions, in its order, in one run of env.py, as `alembic upgrade <the last>` applies several:
        the JVM brings a database to a version this way (a part's start, a catch-up), without checks; where it fails,
        the JVM runs them again one at a time. Each is Alembic's own step for that revision, as ``upgrade`` runs it.
        """
        revisions = [self.script.get_revision(revision) for revision in request["revisions"]]
        originals = [revision.module.upgrade for revision in revisions]
        for index, revision in enumerate(revisions):
            revision.module.upgrade = _announced(index, originals[index])

        def steps(heads, context):
            self.version_table = context.version_table
            return [RevisionStep(self.script.revision_map, revision, True) for revision in revisions]

        try:
            self._run_env(request, steps, revisions[-1].revision)
        finally:
            for revision, original in zip(revisions, originals):
                revision.module.upgrade = original
        return {"version_table": self.version_table, "env_connection": self.handed_as}

    def configure(self, request):
        """
        Runs env.py once without a step, to learn what it configures (its version table), and rolls back: Alembic
        makes its version table before it asks for steps, and that is undone where the engine rolls back DDL.
        """
        class Learned(Exception):
            pass

        def nothing(heads, context):
            self.version_table = context.version_table
            raise Learned()

        try:
            self._run_env(request, nothing)
        except Learned:
            pass
        return {"version_table": self.version_table, "env_connection": self.handed_as}

    def downgrade(self, request):
        return {"version_table": self._run(request, self.script.get_revision(request["revision"]), False),
                "env_connection": self.handed_as}

    # ---- running Alembic --------------------------------------------------------------------------------------
    def _run(self, request, revision, upgrade):
        """
        Runs env.py as `alembic upgrade` and `alembic downgrade` do, with Alembic's own step for exactly this
        revision: its function, and the change to the version table Alembic makes for it (a merge or a branch point
        included). Returns the version table env.py configured.
        """
        def steps(heads, context):
            self.version_table = context.version_table
            return [RevisionStep(self.script.revision_map, revision, upgrade)]

        self._run_env(request, steps)
        return self.version_table

    def _run_env(self, request, steps, destination=None):
        """
        Runs env.py on the request's database, handing it over as env.py reads it, on sessions of this request's own:
        the connection env.py may take from config.attributes is made for this request and closed at its end, and
        a session a pool of the project's keeps is closed at its end and never handed out in a later request.
        """
        self._point_at(request["database"])
        self.tracing = bool(request.get("trace"))
        protocol.stopping(request)
        self.phase += 1
        self.handed_as = None
        url = request["database"]["url"]
        self.config.attributes.hand = lambda: self._hand(url)
        t0 = time.perf_counter()
        try:
            with EnvironmentContext(self.config, self.script, fn=steps, destination_rev=destination):
                self.script.run_env()
            self._commit_handed()
        finally:
            self.tracing = False
            protocol.stopping(None)
            self._end_phase()
            self._add("env", t0)

    def _hand(self, url):
        """
        What env.py gets in config.attributes["connection"]: a new connection to the request's database, which is also
        a connectable whose connect() gives that session (pytest-alembic hands an Engine there); an AsyncEngine for
        a project on an async driver, as pytest-alembic hands one for an async env.py.
        """
        if sqlalchemy.engine.make_url(url).get_dialect().is_async:
            from sqlalchemy.ext.asyncio import create_async_engine
            engine = create_async_engine(url, poolclass=NullPool)
            self.handed, self.handed_as = (None, engine), "AsyncEngine"
            return engine
        engine = sqlalchemy.create_engine(url, poolclass=NullPool)
        connection = HandedConnection(engine)
        self.handed, self.handed_as = (connection, engine), "connection"
        return connection

    def _commit_handed(self):
        """What env.py left uncommitted on the handed connection, committed as the caller of a shared one does."""
        connection = self.handed[0] if self.handed else None
        if connection is not None and not connection.closed:
            transaction = connection.get_transaction()
            if transaction is not None and transaction.is_active:
                transaction.commit()

    def _end_phase(self):
        """Closes every session of this request: the handed one and the ones pools keep idle."""
        handed, self.handed = self.handed, None
        self.config.attributes.withdraw()
        try:
            if handed is not None:
                connection, engine = handed
                if connection is not None:
                    Connection.close(connection)
                    engine.dispose()
                else:
                    engine.sync_engine.dispose()
        finally:
            self._close_idle()

    def _close_idle(self):
        idle, self._idle = self._idle, {}
        for record in idle.values():
            record.invalidate()

    def release(self, request):
        """Closes the sessions pools keep idle: the JVM copies a database only while nobody is connected to it."""
        self._close_idle()
        return {}

    def _point_at(self, database):
        """
        Hands env.py the database: the sqlalchemy.url option (with the project's own driver where its URL names one
        for the same database, such as postgresql+psycopg or mysql+pymysql) and the environment variables the user
        mapped.
        """
        url = sqlalchemy.engine.make_url(database["url"])
        if self.project_driver and self.project_driver.split("+")[0] == url.get_backend_name():
            url = url.set(drivername=self.project_driver)
            if url.get_driver_name() == "asyncpg":
                # asyncpg takes no application_name in the URL (it goes in server_settings, which env.py builds)
                url = url.difference_update_query(["application_name"])
            database["url"] = url.render_as_string(hide_password=False)
        self.config.set_main_option("sqlalchemy.url", database["url"].replace("%", "%%"))
        for name, value in (database.get("environment") or {}).items():
            os.environ[name] = value

    # ---- time by component ------------------------------------------------------------------------------------
    def _add(self, component, since):
        self.spent[component] = self.spent.get(component, 0.0) + (time.perf_counter() - since) * 1000.0

    def components(self):
        """The time spent by component since the last answer: the JVM records it for its profile."""
        spent, self.spent = self.spent, {}
        return {name: round(ms, 3) for name, ms in spent.items()}

    # ---- the session guard and the sessions of a request ------------------------------------------------------
    def connected(self, dbapi_connection, connection_record):
        """
        Every new session of an engine, whoever made the engine (env.py included), is reported before it is used:
        the JVM checks that it is on the throwaway database and kills this process otherwise. Sessions of the drivers
        the protocol guards were reported as the driver opened them; another driver's session is asked here, with SQL
        on the session itself.
        """
        connection_record.info["rehearsal_phase"] = self.phase
        if not self.session_query:
            return
        backend = protocol.checked(dbapi_connection)
        if backend is None:
            identity = protocol.identify(dbapi_connection, self.session_query)
            protocol.report(dbapi_connection, identity)
            backend = identity[0]
        connection_record.info["rehearsal_backend"] = backend

    def checked_out(self, dbapi_connection, connection_record, proxy):
        """A pooled session left from an earlier request is replaced by a new one, as a new process would open."""
        self._idle.pop(id(connection_record), None)
        if connection_record.info.get("rehearsal_phase", self.phase) != self.phase:
            raise sqlalchemy.exc.DisconnectionError("a session of an earlier migration step: Rehearsal opens a new one")

    def checked_in(self, dbapi_connection, connection_record):
        if dbapi_connection is not None:
            self._idle[id(connection_record)] = connection_record

    # ---- statement tracing ------------------------------------------------------------------------------------
    def before(self, conn, cursor, statement, parameters, executemany):
        """Reports the statement; returns what runs: it, or the statement the JVM stops the revision with."""
        if not self.tracing:
            return statement, parameters
        t0 = time.perf_counter()
        dbapi = conn.connection.dbapi_connection if hasattr(conn.connection, "dbapi_connection") else conn.connection.connection
        where = self._where()
        self._in_revision = where["revision"] is not None
        self._in_transaction = not protocol.autocommit(dbapi)
        instead = protocol.before({"event": "before", "backend": _backend(conn, dbapi), "sql": statement,
                                   "in_transaction": self._in_transaction, **where}, dbapi)
        self._add("trace", t0)
        self._statement_started = time.perf_counter()
        if instead and executemany:
            # a driver's batch path (psycopg2's execute_values) takes no statement without parameters: the stop is
            # run here, its error raised as the driver raises it
            self.after(conn, True, -1)
            cursor.execute(instead)
        if instead:
            return instead, type(parameters)() if isinstance(parameters, (dict, tuple, list)) else parameters
        return statement, parameters

    def after(self, conn, failed, rows):
        if not self.tracing:
            return
        t0 = time.perf_counter()
        if self._statement_started is not None:
            self._add("statements", self._statement_started)
            self._statement_started = None
        try:
            self._after(conn, failed, rows)
        finally:
            self._add("trace", t0)

    def _after(self, conn, failed, rows):
        timeout = None
        # the lock timeout in force is read after a revision's statements only: the risk rules judge those, not
        # Alembic's reads and writes of its version table
        if not failed and self.lock_timeout_query and self._in_revision:
            try:
                dbapi = conn.connection.dbapi_connection if hasattr(conn.connection, "dbapi_connection") else conn.connection.connection
                cursor = dbapi.cursor()
                cursor.execute(self.lock_timeout_query)
                timeout = str(cursor.fetchone()[0])
                cursor.close()
            except Exception:
                timeout = None
        # the JVM reads the locks a revision's statement holds while its transaction is open, and the helper waits
        # for that; after Alembic's own statements, and where nothing is left to read, it goes on at once
        answer = self._in_revision and self._in_transaction and not failed
        message = {"event": "after", "failed": failed, "rows": rows, "lock_timeout": timeout, "answer": answer}
        if answer:
            send(message)
            receive()
        else:
            notify(message)

    def transaction_ended(self, conn):
        if self.tracing:
            t0 = time.perf_counter()
            send({"event": "ended", "backend": conn.info.get("rehearsal_backend")})
            receive()
            self._add("trace", t0)

    def _where(self):
        """
        The innermost frame of a revision file on the stack: the statement's file and line. The frames are walked
        as they are (traceback.extract_stack would read every frame's source line, milliseconds per statement).
        """
        frame = sys._getframe(1)
        while frame is not None:
            filename = frame.f_code.co_filename
            revision = self._revision_by_file.get(filename)
            if revision is None:
                revision = self.paths.get(os.path.realpath(filename)) or False
                self._revision_by_file[filename] = revision
            if revision:
                return {"file": filename, "line": frame.f_lineno, "revision": revision}
            frame = frame.f_back
        return {"file": None, "line": 0, "revision": None}


def _announced(index, upgrade):
    """A revision's upgrade() that first tells the JVM it starts (the timeout is each revision's, as alone)."""
    def announced(*args, **kwargs):
        notify({"event": "starting", "index": index})
        return upgrade(*args, **kwargs)
    return announced


def _driver(configured):
    """The driver the project's own sqlalchemy.url names (postgresql+psycopg), or None where it names none usable."""
    if not configured:
        return None
    try:
        return sqlalchemy.engine.make_url(configured).drivername
    except Exception:
        return None  # a placeholder such as driver://user:pass@localhost/dbname


def _line_of(module, name):
    import inspect
    try:
        return inspect.getsourcelines(getattr(module, name))[1]
    except Exception:
        return 0


def _backend(conn, dbapi):
    """The session id the guard recorded when the session was opened (asked again for one opened before it ran)."""
    backend = conn.info.get("rehearsal_backend")
    if backend is None:
        backend = protocol.identify(dbapi, HELPER.session_query)[0]
        conn.info["rehearsal_backend"] = backend
    return backend


def describe(error, helper):
    """What went wrong, with the revision file and line from the traceback, the statement and the SQLSTATE."""
    frames = traceback.extract_tb(error.__traceback__)
    where = None
    for frame in reversed(frames):
        if helper.paths.get(os.path.realpath(frame.filename)) is not None:
            where = frame
            break
    if where is None:
        for frame in reversed(frames):
            if os.path.basename(frame.filename) == "env.py":
                where = frame
                break
    if where is None and frames:
        where = frames[-1]
    original = getattr(error, "orig", None)
    sqlstate = getattr(original, "pgcode", None) or getattr(original, "sqlstate", None)
    message = str(original).strip() if original is not None else str(error).strip()
    return {"type": type(error).__name__, "message": message,
            "file": where.filename if where else None, "line": where.lineno if where else 0,
            "code": (where.line or "") if where else "",
            "statement": getattr(error, "statement", None), "sqlstate": sqlstate,
            "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__))[-6000:]}


HELPER = Helper()


def main():
    helper = HELPER
    protocol.spent = lambda t0: helper._add("guard", t0)
    event.listen(Pool, "connect", helper.connected)
    event.listen(Pool, "checkout", helper.checked_out)
    event.listen(Pool, "checkin", helper.checked_in)
    event.listen(Engine, "before_cursor_execute", lambda conn, cursor, statement, parameters, context, executemany:
                 helper.before(conn, cursor, statement, parameters, executemany), retval=True)
    event.listen(Engine, "after_cursor_execute",
                 lambda conn, cursor, statement, *rest: helper.after(conn, False, getattr(cursor, "rowcount", -1)))
    event.listen(Engine, "handle_error", lambda context: helper.after(context.connection, True, -1)
                 if context.connection is not None else None)
    event.listen(Engine, "commit", lambda conn: helper.transaction_ended(conn))
    event.listen(Engine, "rollback", lambda conn: helper.transaction_ended(conn))
    send({"ready": True, "python": sys.executable, "version": sys.version.split()[0],
          "alembic": alembic.__version__, "sqlalchemy": sqlalchemy.__version__, "pid": os.getpid()})
    protocol.serving()
    while True:
        request = receive()
        operation = request.get("op")
        try:
            result = getattr(helper, operation)(request)
            send({"id": request.get("id"), "ok": result, "components": helper.components()})
        except BaseException as error:  # noqa: B902  (a revision may raise anything, SystemExit included)
            send({"id": request.get("id"), "error": describe(error, helper), "components": helper.components()})


if __name__ == "__main__":
    main()
