"""The pipe between Rehearsal (the JVM) and its Python helpers (Alembic, Django): one JSON object per line; and the
guard every Python helper puts on the database drivers.

Importing it takes a private copy of standard output for the protocol and sends what the project prints (Alembic's
log, a migration's print) to standard error, where Rehearsal keeps its end for messages.

The guard (``guard_drivers``): every session psycopg 2 or 3, asyncpg, PyMySQL or mysqlclient opens in the helper's
process, whoever opens it (the tool, the project's own engine, a revision's own ``psycopg.connect(...)``), is reported
to the JVM, which answers or kills the helper. Before connecting, the database and server the driver is about to
reach, as its arguments and the environment name them; once connected, before anything of the project's runs on it,
the session's id, database and server, asked on the session itself. A session counts as checked only once the JVM
answered. The events (answered with an empty object):

    {"event": "session", "connecting": true, "database", "server", "driver", "opened_from", "named_by"}
    {"event": "session", "backend", "database", "server", "driver", "opened_from", "named_by"}

``driver`` is the call that opened the session (``psycopg.connect``), ``opened_from`` the project's code that made
it (``alembic/versions/ab12_audit.py line 14: conn = psycopg.connect(...)``), ``named_by`` the environment variables
of the process that name that database (empty: the code named it).
"""
import functools
import getpass
import importlib.abc
import json
import linecache
import os
import re
import sys
import sysconfig
import time
import urllib.parse

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


# ---- stopping a migration part-way (a retry's point) ------------------------------------------------------------

_stopping = None  # the request's "stopping": while set, the JVM may stop the migration before one of its statements


def stopping(request):
    """Takes the request's ``stopping`` (None when it has none): from now on a migration's statement waits for the JVM."""
    global _stopping
    _stopping = request.get("stopping") if request else None


def before(message, dbapi_connection):
    """
    Reports a statement about to run (``message``, a ``before`` event). While the request carries ``stopping``, a
    migration's statement (one with a file) waits for the JVM's answer: the statement to run in its place, which the
    server fails as a lock timeout does (after committing what the session ran, where the answer says the engine
    would), or None to run it. Otherwise the event is only told, and None returned.
    """
    if _stopping is None or not message.get("file"):
        notify(message)
        return None
    query = _stopping.get("context_query")
    if query:
        cursor = dbapi_connection.cursor()  # the driver's own cursor: not traced
        try:
            cursor.execute(query)
            message["context"] = str(cursor.fetchone()[0])
        finally:
            cursor.close()
    message["answer"] = True
    send(message)
    answer = receive()
    instead = answer.get("fail")
    if instead and answer.get("commit_first"):
        dbapi_connection.commit()
    return instead


# ---- the session guard ----------------------------------------------------------------------------------------

_HERE = os.path.dirname(os.path.realpath(__file__))
_LIBRARIES = tuple({os.path.realpath(p) for p in (sysconfig.get_paths().get("stdlib"),
                                                  sysconfig.get_paths().get("platstdlib")) if p})
_query = None  # the dialect's identity query, from the JVM's request
_serving = False  # whether the helper answers requests: sessions are reported only while a request runs
_checked = {}  # (id of the driver's connection, session id) -> session id, for each session the JVM accepted
_project_files = {}  # a frame's file name -> whether it is the project's (not a library's, not the helper's)
spent = None  # called with the time.perf_counter() a guard round trip started at, for the helper's time by component


def identify_with(query):
    """The identity query (id, database, server) of the dialect Rehearsal runs; sessions are checked with it."""
    global _query
    _query = query


def serving():
    """The helper answers requests from now on: a session opened before (while the project loads) is refused."""
    global _serving
    _serving = True


def checked(connection):
    """The session id of a connection the JVM accepted, or None (SQLAlchemy's adapted connections included)."""
    raw = _driver_connection(connection)
    backend = _backend_of(raw)
    return _checked.get((id(raw), backend)) if backend is not None else None


def identify(connection, query):
    """The session's id, database and server, asked on the session; its read transaction ended again."""
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(query)
            row = cursor.fetchone()
        finally:
            cursor.close()
    except Exception as error:
        raise _unidentified(connection, error) from error
    if not autocommit(connection):
        connection.rollback()  # the driver's own set-up after connecting expects no transaction open
    return _identity(row)


def _identity(row):
    """(id, database, server) from the identity query's row, whatever rows the connection makes (dicts included)."""
    values = list(row.values()) if isinstance(row, dict) else list(row)
    return int(values[0]), str(values[1]), str(values[2])


def report(connection, identity, opened=None):
    """
    Tells the JVM the session ``identity`` (id, database, server) of ``connection`` and waits for its answer: the JVM
    kills this process instead of answering where the session is not on the throwaway database.
    """
    t0 = time.perf_counter()
    backend, database, server = identity
    message = {"event": "session", "backend": backend, "database": database, "server": server}
    if opened:
        message.update(opened)
        message["named_by"] = _variables_naming(database, opened.get("dsn"))
        message.pop("dsn", None)
    send(message)
    receive()
    _checked[(id(_driver_connection(connection)), backend)] = backend
    _spent(t0)


def guard_drivers():
    """
    Wraps the connect functions of the database drivers as each is imported (by the tool, the project's env.py, a
    revision), before anything can call them: a driver the project never imports costs nothing.
    """
    for name in _WRAPS:
        if name in sys.modules:
            _wrap(name, sys.modules[name])
    if not any(isinstance(finder, _DriverImports) for finder in sys.meta_path):
        sys.meta_path.insert(0, _DriverImports())


def _wrap(name, module):
    try:
        _WRAPS[name](module)
    except Exception as error:  # noqa: B902  (a version whose insides differ: its sessions are checked by the tool)
        sys.stderr.write("Rehearsal could not guard the connections %s opens (%s: %s); sessions of the tool's"
                         " engines are still checked.\n" % (name, type(error).__name__, error))


class _DriverImports(importlib.abc.MetaPathFinder):
    """Finds a driver as the other finders do, and has its connect functions wrapped once it is loaded."""

    def find_spec(self, name, path, target=None):
        if name not in _WRAPS:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _WrappedAfterLoading(spec.loader, name)
                return spec
        return None


class _WrappedAfterLoading(importlib.abc.Loader):
    """A driver's own loader, which has the driver's connect functions wrapped once its module has run."""

    def __init__(self, loader, name):
        self._loader = loader
        self._name = name

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _wrap(self._name, module)

    def __getattr__(self, attribute):
        return getattr(self._loader, attribute)


def _opening(driver, target):
    """
    Before a driver connects: where it is about to connect (``target``: the database and server, the connection
    string passed and the libpq variable the database came from; None where a service file decides), told to the JVM,
    which kills this process where that is not the throwaway database. Returns what opened the session (the driver,
    the project's code that called it, the connection string), for the report once connected.
    """
    code = _project_code()
    opened = {"driver": driver, "opened_from": code, "dsn": target.get("dsn") if target else None}
    if not _serving:
        raise RuntimeError("%s opened a database session while the project was loading (%s), before Rehearsal handed"
                           " the tool a throwaway database; Rehearsal lets no session open then, as it could reach any"
                           " database. Open connections when a migration runs, not when a module is imported."
                           % (driver, code or "in a library the project loads"))
    if target is not None and target.get("database") is not None:
        t0 = time.perf_counter()
        named_by = _variables_naming(target["database"], target["dsn"], target["variable"])
        send({"event": "session", "connecting": True, "database": target["database"], "server": target["server"],
              "driver": driver, "opened_from": code, "named_by": named_by})
        receive()
        _spent(t0)
    return opened


def _opened(connection, opened):
    """Once a driver connected (synchronously): the session reported before the project runs anything on it."""
    try:
        identity = identify(connection, _required_query())
    except BaseException:
        _close(connection)
        raise
    report(connection, identity, opened)
    return connection


def _required_query():
    if not _query:
        raise RuntimeError("Rehearsal's helper was not told how to identify a database session, so it cannot prove"
                           " the session is on the throwaway database, and runs nothing on it.")
    return _query


def _spent(t0):
    if spent is not None:
        spent(t0)


def _close(connection):
    try:
        connection.close()
    except Exception:  # noqa: B902  (the connection is dropped either way)
        pass


def _unidentified(connection, error):
    return RuntimeError("Rehearsal could not identify the database session of the driver %s (%s: %s), so it cannot"
                        " prove the session is on its throwaway database, and runs nothing on it. The session is on"
                        " another kind of server than the throwaway database, or its driver runs no plain SQL on its"
                        " connections; use one that does (psycopg2, psycopg 3, asyncpg, PyMySQL, mysqlclient)."
                        % (type(connection).__module__, type(error).__name__, error))


def autocommit(connection):
    """Whether a driver connection commits each statement as it runs (PyMySQL and mysqlclient say it by a method)."""
    get = getattr(connection, "get_autocommit", None)
    if callable(get):
        return bool(get())
    return getattr(connection, "autocommit", False) is True


def _driver_connection(connection):
    """The driver's own connection under SQLAlchemy's adapter for an async driver (asyncpg, psycopg's async one)."""
    return getattr(connection, "driver_connection", None) or connection


def _backend_of(raw):
    """The session id of a driver's connection, known to the driver without a statement."""
    for probe in (lambda c: c.get_backend_pid(), lambda c: c.info.backend_pid, lambda c: c.get_server_pid(),
                  lambda c: c.thread_id()):
        try:
            value = probe(raw)
        except Exception:  # noqa: B902  (another driver's connection)
            continue
        if isinstance(value, int) and value:
            return value
    return None


def _project_code():
    """
    The innermost frame of the project's own code (a revision, env.py, a migration): its file (relative to the
    project, where the helper runs), line and text.
    """
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        mine = _project_files.get(filename)
        if mine is None:
            path = "" if filename.startswith("<") else os.path.realpath(filename)
            mine = _project_files[filename] = bool(path) and not path.startswith(_HERE + os.sep) and (
                "site-packages" not in path and "dist-packages" not in path) and not any(
                path.startswith(library + os.sep) for library in _LIBRARIES)
        if mine:
            text = linecache.getline(filename, frame.f_lineno).strip()
            inside = os.path.abspath(filename).startswith(os.getcwd() + os.sep)
            shown = os.path.relpath(filename) if inside else filename
            return "%s line %d%s" % (shown, frame.f_lineno, ": " + text if text else "")
        frame = frame.f_back
    return None


_DATABASE_NAME = re.compile(r"DATABASE|(^|_)DB(_|NAME|$)", re.IGNORECASE)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _variables_naming(database, dsn=None, variable=None):
    """
    The environment variables of this process that name ``database``: the one whose value is the connection string
    the code passed (``dsn``), ``variable`` (libpq's default PGDATABASE), a URL whose path is that database, a
    connection string with that dbname, or a variable named for a database whose value is its name.
    """
    names = {variable} if variable else set()
    for name, value in os.environ.items():
        if not value:
            continue
        if value == dsn or value == database and _DATABASE_NAME.search(name):
            names.add(name)
        elif _URL.match(value):
            try:
                if urllib.parse.unquote(urllib.parse.urlparse(value).path.lstrip("/")) == database:
                    names.add(name)
            except ValueError:
                continue
        elif re.search(r"(^|\s)dbname\s*=\s*'?%s'?(\s|$)" % re.escape(database or ""), value):
            names.add(name)
    return sorted(names)


def _pg_target(params, dsn):
    """
    Where libpq connects with ``params`` (the connection string's and the arguments' parameters): the database and
    server, after libpq's defaults from the environment (PGDATABASE, PGHOST, PGPORT, PGUSER); None where a service
    decides, or the database name is itself a connection string.
    """
    if params is None or params.get("service") or (not params.get("dbname") and os.environ.get("PGSERVICE")):
        return None
    variable = None
    database = params.get("dbname")
    if not database:
        database = os.environ.get("PGDATABASE")
        if database:
            variable = "PGDATABASE"
        else:
            database = params.get("user") or os.environ.get("PGUSER") or _os_user()
    database = str(database)
    if "=" in database or "://" in database:
        return None
    host = str(params.get("host") or params.get("hostaddr") or os.environ.get("PGHOST")
               or os.environ.get("PGHOSTADDR") or "")
    port = str(params.get("port") or os.environ.get("PGPORT") or "5432")
    return {"database": database, "server": ("local socket" if not host or host.startswith("/") else host) + ":" + port,
            "variable": variable, "dsn": dsn if isinstance(dsn, str) else None}


def _os_user():
    try:
        return getpass.getuser()
    except Exception:  # noqa: B902
        return None


def _wrap_psycopg2(module):
    original = module.connect
    if getattr(original, "_rehearsal_guard", False):
        return

    @functools.wraps(original)
    def connect(dsn=None, connection_factory=None, cursor_factory=None, **kwargs):
        try:
            params = dict(module.extensions.parse_dsn(dsn)) if dsn else {}
            for key, value in kwargs.items():
                if value is not None and key not in ("async", "async_"):
                    params["dbname" if key == "database" else key] = str(value)
        except Exception:  # noqa: B902  (psycopg2 itself says what is wrong with it)
            params = None
        opened = _opening("psycopg2.connect", _pg_target(params, dsn))
        connection = original(dsn, connection_factory=connection_factory, cursor_factory=cursor_factory, **kwargs)
        if kwargs.get("async") or kwargs.get("async_"):
            return connection  # an asynchronous connection (aiopg's) is not connected yet: checked before connecting
        return _opened(connection, opened)

    connect._rehearsal_guard = True
    module.connect = connect


def _wrap_psycopg(module):
    from psycopg.conninfo import conninfo_to_dict

    def target(conninfo, kwargs):
        try:
            params = conninfo_to_dict(conninfo, **{k: v for k, v in kwargs.items() if k not in (
                "autocommit", "prepare_threshold", "context", "row_factory", "cursor_factory")})
        except Exception:  # noqa: B902  (psycopg itself says what is wrong with it)
            params = None
        return _pg_target(params, conninfo)

    sync_connect = module.Connection.__dict__["connect"].__func__
    async_connect = module.AsyncConnection.__dict__["connect"].__func__
    if getattr(sync_connect, "_rehearsal_guard", False):
        return

    @functools.wraps(sync_connect)
    def connect(cls, conninfo="", **kwargs):
        opened = _opening("psycopg.connect", target(conninfo, kwargs))
        return _opened(sync_connect(cls, conninfo, **kwargs), opened)

    @functools.wraps(async_connect)
    async def connect_async(cls, conninfo="", **kwargs):
        opened = _opening("psycopg.AsyncConnection.connect", target(conninfo, kwargs))
        connection = await async_connect(cls, conninfo, **kwargs)
        try:
            async with connection.cursor() as cursor:
                await cursor.execute(_required_query())
                row = await cursor.fetchone()
            if not connection.autocommit:
                await connection.rollback()
        except BaseException as error:
            await connection.close()
            raise _unidentified(connection, error) from error
        report(connection, _identity(row), opened)
        return connection

    connect._rehearsal_guard = True
    module.Connection.connect = classmethod(connect)
    module.AsyncConnection.connect = classmethod(connect_async)
    module.connect = module.Connection.connect


def _wrap_asyncpg(module):
    original = module.connection.connect
    if getattr(original, "_rehearsal_guard", False):
        return

    def target(dsn, kwargs):
        params = {}
        if dsn:
            parsed = urllib.parse.urlparse(dsn)
            if parsed.scheme not in ("postgres", "postgresql"):
                return None
            query = dict(urllib.parse.parse_qsl(parsed.query))
            hosts = parsed.netloc.rpartition("@")[2]
            if hosts and "," not in hosts and not hosts.startswith("["):
                host, _, port = hosts.partition(":")
                params.update({"host": urllib.parse.unquote(host), "port": port or None})
            elif hosts:
                params["host"] = hosts
            database = urllib.parse.unquote(parsed.path[1:]) if parsed.path.startswith("/") else parsed.path
            params["dbname"] = database or query.get("database") or query.get("dbname")
            params["service"] = query.get("service")
            for key in ("host", "port", "user"):
                params[key] = params.get(key) or query.get(key)
            user = parsed.netloc.rpartition("@")[0].partition(":")[0]
            params["user"] = params.get("user") or urllib.parse.unquote(user) or None
        for key, name in (("host", "host"), ("port", "port"), ("user", "user"), ("database", "dbname"),
                          ("service", "service")):
            if kwargs.get(key) is not None:
                params[name] = kwargs[key]
        if isinstance(params.get("host"), (list, tuple)):
            params["host"] = ",".join(map(str, params["host"]))
        return _pg_target({k: v for k, v in params.items() if v is not None}, dsn)

    @functools.wraps(original)
    async def connect(dsn=None, **kwargs):
        opened = _opening("asyncpg.connect", target(dsn, kwargs))
        connection = await original(dsn, **kwargs)
        try:
            row = await connection.fetchrow(_required_query())
        except BaseException as error:
            await connection.close()
            raise _unidentified(connection, error) from error
        report(connection, _identity(row), opened)
        return connection

    connect._rehearsal_guard = True
    module.connection.connect = connect
    module.connect = connect


def _mysql_target(database, host, port, socket):
    if isinstance(database, bytes):
        database = database.decode("utf-8", "replace")
    server = "local socket:%s" % (port or 3306) if socket else "%s:%s" % (host or "localhost", port or 3306)
    return {"database": database or "", "server": server, "variable": None, "dsn": None}


def _wrap_pymysql(module):
    cls = module.connections.Connection
    original = cls.connect
    if getattr(original, "_rehearsal_guard", False):
        return

    @functools.wraps(original)
    def connect(self, sock=None):
        opened = _opening("pymysql.connect", _mysql_target(self.db, self.host, self.port, self.unix_socket))
        original(self, sock)
        _opened(self, opened)

    connect._rehearsal_guard = True
    cls.connect = connect


def _wrap_mysqldb(module):
    import MySQLdb.connections
    cls = MySQLdb.connections.Connection
    original = cls.__init__
    if getattr(original, "_rehearsal_guard", False):
        return

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        named = dict(zip(("host", "user", "passwd", "db", "port"), args))
        named.update(kwargs)
        database = named.get("db") or named.get("database")
        target = None if not database and named.get("read_default_file") else _mysql_target(
            database, named.get("host"), named.get("port"), named.get("unix_socket"))
        opened = _opening("MySQLdb.connect", target)
        original(self, *args, **kwargs)
        _opened(self, opened)

    __init__._rehearsal_guard = True
    cls.__init__ = __init__


_WRAPS = {"psycopg2": _wrap_psycopg2, "psycopg": _wrap_psycopg, "asyncpg": _wrap_asyncpg, "pymysql": _wrap_pymysql,
          "MySQLdb": _wrap_mysqldb}
