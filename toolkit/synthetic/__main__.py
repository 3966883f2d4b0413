"""``python -m toolkit.synthetic build|check|refresh``: the synthetic demo panel."""

import sys

from toolkit.synthetic.panel import main

sys.exit(main())
