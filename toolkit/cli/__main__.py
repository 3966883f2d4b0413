"""``python -m toolkit.cli`` is the ``toolkit`` command."""

import sys

from toolkit.cli import main

sys.exit(main())
