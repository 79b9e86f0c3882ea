"""`python -m devtools.devstack COMMAND`: see devtools/devstack/commands.py."""

import sys

from devtools.devstack.commands import main

sys.exit(main())
