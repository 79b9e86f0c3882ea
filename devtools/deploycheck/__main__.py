"""`python -m devtools.deploycheck [--keep] [--verbose]`."""

import sys

from devtools.deploycheck.check import main

sys.exit(main())
