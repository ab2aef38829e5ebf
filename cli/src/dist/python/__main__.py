"""python -m rehearsal_migrations: the same as the rehearsal console script."""

import sys

from . import main

sys.exit(main())
