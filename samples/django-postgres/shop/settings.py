"""The shop's settings, reduced to what migrations need."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "rehearsal-sample-only")
INSTALLED_APPS = ["inventory"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The database comes from libpq's variables in CI; Rehearsal points this connection at its throwaway database for each
# step.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("PGPORT", "5432"),
        "NAME": os.environ.get("PGDATABASE", "shop"),
        "USER": os.environ.get("PGUSER", "postgres"),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
    }
}

# Rehearsal names the migration folder a test rehearses in REHEARSAL_MIGRATIONS: the inventory app's own, or an
# example beside it (examples/noop_reverse), which Django then loads as the app's migrations. A project whose tests
# rehearse only its apps' own folders needs no such lines.
_rehearsed = os.environ.get("REHEARSAL_MIGRATIONS")
if _rehearsed:
    MIGRATION_MODULES = {"inventory": os.path.relpath(_rehearsed, BASE_DIR).replace(os.sep, ".")}
