"""Rehearsal's Django helper: drives the project's own Django migrations, in the project's Python, as manage.py runs.

Started once per rehearsal by Rehearsal (the JVM) as `python rehearsal_django.py <project> <migrations folder>`, it
runs the project's manage.py as `python manage.py` would, except that Django's execute_from_command_line answers
Rehearsal's requests instead of parsing a command line: one JSON object per line. `open` lists the migrations of the
app whose folder Rehearsal reads, in the order Django's graph applies them; `migrate` runs Django's own
`migrate <app> <target>` (one target, or the last of several that Django's plan applies together, where the JVM
brings a database up without checks) on the database named in the request; `ahead` applies, the same way, the other
apps' migrations that Django's plan for a target applies before it. Each runs on sessions of its own: Django's
connections are closed when a request ends, as a deploy runs `manage.py migrate` in a fresh process, so nothing one
migration left on a session (a setting, a temporary table, a lock) is seen by the next. Every statement Django runs
is reported before and after it runs, with the migration file and line it came from, and waits for the JVM's answer,
so that the JVM can read the locks the statement holds while its transaction is still open.

The protocol uses a private copy of standard output; what the project prints goes to standard error.
"""
import contextlib
import os
import runpy
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # beside this script, even with -I or PYTHONSAFEPATH
import rehearsal_protocol as protocol  # noqa: E402  (first: it takes standard output for the protocol)
from rehearsal_protocol import notify, receive, send  # noqa: E402


PROJECT = os.path.abspath(sys.argv[1])
LOCATION = os.path.realpath(sys.argv[2])


class Helper:
    def __init__(self):
        self.app = None
        self.migration_file = None
        self.tracing = False
        self.lock_timeout_query = None
        self.session_query = None
        self.failed_statement = None  # the statement that raised in the request running, for its description

    def open(self, request):
        from django.apps import apps
        from django.db.migrations.loader import MigrationLoader
        import importlib

        self.lock_timeout_query = request.get("lock_timeout_query")
        self.session_query = request.get("session_query")
        protocol.identify_with(self.session_query)
        labels = []
        for config in apps.get_app_configs():
            module_name, _ = MigrationLoader.migrations_module(config.label)
            if module_name is None:
                continue
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            labels.append(config.label)
            folder = getattr(module, "__file__", None) and os.path.dirname(module.__file__)
            if folder is None and getattr(module, "__path__", None):
                folder = list(module.__path__)[0]
            if folder and os.path.realpath(folder) == LOCATION:
                self.app = config.label
        if self.app is None:
            raise LookupError("no installed app of this project has its migrations in " + LOCATION
                              + " (apps with migrations: " + ", ".join(labels) + ")")
        loader = MigrationLoader(None, ignore_no_migrations=True)
        leaves = loader.graph.leaf_nodes(self.app)
        if len(leaves) > 1:
            raise ValueError("the app " + self.app + " has " + str(len(leaves)) + " leaf migrations ("
                             + ", ".join(name for _, name in leaves) + "): Django's migrate refuses that too; run"
                             + " `manage.py makemigrations --merge " + self.app + "`")
        plan = loader.graph.forwards_plan(leaves[0]) if leaves else []
        migrations = []
        for app, name in plan:
            if app != self.app:
                continue
            migration = loader.graph.nodes[(app, name)]
            module = sys.modules[migration.__module__]
            migrations.append({
                "name": name,
                "path": os.path.abspath(module.__file__),
                "reversible": all(operation.reversible for operation in migration.operations),
                "atomic": migration.atomic,
                # depends on another app's migration itself (its own app's earlier ones brought theirs): `ahead`
                "outside": any(parent.key[0] != self.app for parent in loader.graph.node_map[(app, name)].parents),
            })
        import django
        return {"app": self.app, "migrations": migrations, "django": django.get_version()}

    def migrate(self, request):
        from django.core.management import call_command
        from django.db import connections

        self._point_at(request["database"])
        connection = connections["default"]
        self.session_query = request.get("session_query") or self.session_query
        protocol.identify_with(self.session_query)
        self.tracing = bool(request.get("trace"))
        self.migration_file = request.get("file")
        self.failed_statement = None
        protocol.stopping(request)
        try:
            names = request.get("names")
            if names:
                self._plans_exactly(connection, request["target"], names)
            with connection.execute_wrapper(self._traced), _announcing(self.app, names):
                call_command("migrate", self.app, request["target"], verbosity=0, interactive=False)
        finally:
            self.tracing = False
            protocol.stopping(None)
            self.release(request)
        return {"table": "django_migrations"}

    def ahead(self, request):
        """
        Applies the other apps' migrations that Django's plan for `migrate <app> <target>` applies before the target
        (those it depends on: auth's, for a model that refers to the user model), untraced, by Django's own
        `migrate <other app> <migration>`: the plan's first run of one app's migrations up to the last of that run, then
        the plan again, until it holds none of them. In production an earlier `manage.py migrate` applied them, so the
        step starts with them. Returns those Django recorded, in the order of the first plan, as "<app> <migration>".
        """
        from django.core.management import call_command
        from django.db import connections
        from django.db.migrations.executor import MigrationExecutor
        from django.db.migrations.recorder import MigrationRecorder

        self._point_at(request["database"])
        connection = connections["default"]
        self.session_query = request.get("session_query") or self.session_query
        protocol.identify_with(self.session_query)
        self.tracing = False
        self.migration_file = None
        self.failed_statement = None
        protocol.stopping(request)
        try:
            def pending():
                plan = MigrationExecutor(connection).migration_plan([(self.app, request["target"])])
                return [migration for migration, backwards in plan if migration.app_label != self.app
                        and not backwards]

            first = pending()
            before = set(MigrationRecorder(connection).applied_migrations()) if first else set()
            todo = first
            for _ in first:  # each round applies at least the last migration of its run
                if not todo:
                    break
                end = 0
                while end + 1 < len(todo) and todo[end + 1].app_label == todo[0].app_label:
                    end += 1
                try:
                    with connection.execute_wrapper(self._traced):
                        call_command("migrate", todo[end].app_label, todo[end].name, verbosity=0, interactive=False)
                except Exception:
                    self._failed_in(pending)
                    raise
                todo = pending()
            if todo:
                raise RuntimeError("Django's migrate did not apply %s, which migrate %s %s applies first"
                                   % (", ".join(m.app_label + " " + m.name for m in todo), self.app,
                                      request["target"]))
            recorded = set(MigrationRecorder(connection).applied_migrations()) - before if first else set()
        finally:
            protocol.stopping(None)
            self.release(request)
        return {"applied": [m.app_label + " " + m.name for m in first if (m.app_label, m.name) in recorded]}

    def _failed_in(self, pending):
        """After `ahead` failed: the file of the migration it failed in, the first its plan still holds, for describe."""
        try:
            failing = pending()
        except Exception:  # noqa: B902  (the failure being described is the one to report)
            return
        if failing:
            self.migration_file = os.path.abspath(sys.modules[failing[0].__module__].__file__)

    def _plans_exactly(self, connection, target, names):
        """
        Refuses a request for several migrations (the JVM bringing a database up) unless Django's own plan for
        `migrate <app> <target>` applies exactly those of the app, in that order: the JVM then runs each alone.
        """
        from django.db.migrations.executor import MigrationExecutor

        plan = MigrationExecutor(connection).migration_plan([(self.app, target)])
        planned = [migration.name for migration, backwards in plan if migration.app_label == self.app or backwards]
        if planned != list(names):
            raise LookupError("migrate %s %s plans %s, not %s" % (self.app, target, planned, list(names)))

    def release(self, request):
        """
        Closes Django's connections (and the pools of those that pool): the next request starts on new sessions, and
        the JVM copies a database only while nobody is connected to it.
        """
        from django.db import connections

        connections.close_all()
        for connection in connections.all():
            pools = getattr(type(connection), "_connection_pools", None)
            if pools and connection.alias in pools:
                connection.close_pool()
        return {}

    def _point_at(self, database):
        from django.db import connections

        # the variables naming the database of the moment (a restored copy is another database), as a deploy sets them
        os.environ.update(database.get("environment") or {})
        connection = connections["default"]
        settings = connection.settings_dict
        wanted = {"NAME": database["name"], "HOST": database["host"], "PORT": str(database["port"]),
                  "USER": database["user"], "PASSWORD": database["password"]}
        if any(settings.get(key) != value for key, value in wanted.items()):
            connection.close()  # another database (a copy, a fresh one): a new session, proved by the guard
            settings.update(wanted)
        options = settings.setdefault("OPTIONS", {})
        if "postgresql" in settings.get("ENGINE", ""):
            options["application_name"] = "rehearsal-django"

    # ---- statement tracing ----------------------------------------------------------------------------------
    def _traced(self, execute, sql, params, many, context):
        if not self.tracing:
            try:
                return execute(sql, params, many, context)
            except Exception:
                self.failed_statement = sql
                raise
        connection = context["connection"]
        where = _where(self.migration_file)
        instead = protocol.before({"event": "before", "backend": _backend(connection), "sql": sql,
                                   "in_transaction": not connection.get_autocommit(), **where}, connection.connection)
        if instead:
            sql, params = instead, [()] if many else None  # the statement the JVM stops the migration with, in its place
        try:
            result = execute(sql, params, many, context)
        except Exception:
            self.failed_statement = sql
            notify({"event": "after", "failed": True, "rows": -1, "lock_timeout": None, "answer": False})
            raise
        rows = getattr(context.get("cursor"), "rowcount", -1)
        # the lock timeout in force is read after a migration's statements only: the risk rules judge those, not
        # Django's reads and writes of its own tables; and only for those the JVM reads the locks held, while the
        # helper waits
        answer = bool(where["file"]) and not connection.get_autocommit()
        message = {"event": "after", "failed": False, "rows": rows if isinstance(rows, int) else -1,
                   "lock_timeout": self._lock_timeout(connection) if where["file"] else None, "answer": answer}
        if answer:
            send(message)
            receive()
        else:
            notify(message)
        return result

    def _lock_timeout(self, connection):
        if not self.lock_timeout_query:
            return None
        try:
            cursor = connection.connection.cursor()  # the driver's own cursor: not traced again
            cursor.execute(self.lock_timeout_query)
            value = str(cursor.fetchone()[0])
            cursor.close()
            return value
        except Exception:
            return None

    def connected(self, sender, connection, **kwargs):
        """
        Every connection Django opens (the default one, and any other alias a migration reaches) is reported before
        it is used: the JVM checks that it is on the throwaway database and kills this process otherwise. Sessions of
        the drivers the protocol guards were reported as the driver opened them; another driver's is asked here, with
        SQL on the session itself.
        """
        if not self.session_query or protocol.checked(connection.connection) is not None:
            return
        raw = connection.connection  # the driver's own connection: not traced
        protocol.report(raw, protocol.identify(raw, self.session_query))

    def transaction_ended(self, connection):
        if self.tracing and connection.connection is not None:
            send({"event": "ended", "backend": _backend(connection)})
            receive()


@contextlib.contextmanager
def _announcing(app, names):
    """
    While a request for several migrations runs: each of them tells the JVM it starts (the timeout is each one's, as
    when it runs alone).
    """
    if not names:
        yield
        return
    from django.db.migrations.executor import MigrationExecutor

    apply = MigrationExecutor.apply_migration

    def announced(executor, state, migration, *args, **kwargs):
        if migration.app_label == app and migration.name in names:
            notify({"event": "starting", "index": names.index(migration.name)})
        return apply(executor, state, migration, *args, **kwargs)

    MigrationExecutor.apply_migration = announced
    try:
        yield
    finally:
        MigrationExecutor.apply_migration = apply


def _backend(connection):
    raw = connection.connection
    if hasattr(raw, "get_backend_pid"):
        return raw.get_backend_pid()
    if hasattr(raw, "info") and hasattr(raw.info, "backend_pid"):
        return raw.info.backend_pid
    cursor = raw.cursor()
    cursor.execute("select connection_id()")
    value = cursor.fetchone()[0]
    cursor.close()
    return value


_OPERATIONS = os.sep + os.path.join("django", "db", "migrations", "operations") + os.sep
_SCHEMA_EDITOR = os.sep + os.path.join("django", "db", "backends") + os.sep


def _where(migration_file):
    """
    Where a statement came from: the innermost frame in the rehearsed migrations folder (a RunPython function, a
    RunSQL), else the migration being applied when Django's operations or schema editor run it (line unknown); Django's
    own bookkeeping (its migration table, introspection) is named by no file.
    """
    # the frames as they are: traceback.extract_stack would read every frame's source line, milliseconds a statement
    frame = sys._getframe(1)
    through_operations = False
    while frame is not None:
        filename = frame.f_code.co_filename
        if _in_location(filename):
            return {"file": os.path.abspath(filename), "line": frame.f_lineno}
        through_operations = through_operations or _OPERATIONS in filename or (
            _SCHEMA_EDITOR in filename and "schema" in filename)
        frame = frame.f_back
    if migration_file and through_operations:
        return {"file": migration_file, "line": 0}
    return {"file": None, "line": 0}


_IN_LOCATION = {}


def _in_location(filename):
    """Whether a frame's file is below the migrations' location; realpath is asked once per file."""
    inside = _IN_LOCATION.get(filename)
    if inside is None:
        inside = _IN_LOCATION[filename] = os.path.realpath(filename).startswith(LOCATION + os.sep)
    return inside


def describe(error, helper=None):
    """
    What went wrong, with the migration file and line from the traceback (the migration being applied where the
    statement came from an operation, such as a RunSQL, with no frame in the file), the statement and the SQLSTATE.
    """
    frames = traceback.extract_tb(error.__traceback__)
    where = None
    for frame in reversed(frames):
        if os.path.realpath(frame.filename).startswith(LOCATION + os.sep):
            where = frame
            break
    statement = helper.failed_statement if helper is not None else None
    location = {}
    if where is not None:
        location = {"file": os.path.abspath(where.filename), "line": where.lineno, "code": where.line or ""}
    elif statement is not None and helper.migration_file:
        location = {"file": helper.migration_file, "line": 0, "code": ""}
    elif frames:
        location = {"file": os.path.abspath(frames[-1].filename), "line": frames[-1].lineno,
                    "code": frames[-1].line or ""}
    sqlstate = None
    for cause in (error, error.__cause__, error.__context__):
        sqlstate = sqlstate or getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    message = str(error).strip() or type(error).__name__
    return {"type": type(error).__name__, "message": message, "file": location.get("file"),
            "line": location.get("line", 0), "code": location.get("code", ""), "statement": statement,
            "sqlstate": sqlstate,
            "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__))[-6000:]}


def serve(argv=None):
    """What manage.py's call to execute_from_command_line does here: answer Rehearsal's requests."""
    import django
    from django.db.backends.base.base import BaseDatabaseWrapper

    django.setup()
    helper = Helper()
    from django.db.backends.signals import connection_created
    connection_created.connect(helper.connected, weak=False)
    for name in ("_commit", "_rollback"):
        original = getattr(BaseDatabaseWrapper, name)

        def ended(self, _original=original):
            try:
                return _original(self)
            finally:
                helper.transaction_ended(self)
        setattr(BaseDatabaseWrapper, name, ended)
    send({"ready": True, "python": sys.executable, "version": sys.version.split()[0], "django": django.get_version(),
          "pid": os.getpid()})
    protocol.serving()
    while True:
        request = receive()
        try:
            result = getattr(helper, request.get("op"))(request)
            send({"id": request.get("id"), "ok": result})
        except BaseException as error:  # noqa: B902  (a migration may raise anything, SystemExit included)
            send({"id": request.get("id"), "error": describe(error, helper)})


def main():
    os.environ["REHEARSAL_MIGRATIONS"] = LOCATION
    sys.path.insert(0, PROJECT)
    os.chdir(PROJECT)
    try:
        import django.core.management as management
    except ImportError as missing:
        send({"ready": False, "python": sys.executable, "version": sys.version.split()[0],
              "missing": missing.name or str(missing)})
        return
    management.execute_from_command_line = serve
    protocol.guard_drivers()  # before the project's settings and migrations import a driver
    manage = os.path.join(PROJECT, "manage.py")
    try:
        runpy.run_path(manage, run_name="__main__")
    except BaseException as error:  # noqa: B902
        send({"ready": False, "python": sys.executable, "version": sys.version.split()[0], "missing": None,
              "error": describe(error)})


if __name__ == "__main__":
    main()
