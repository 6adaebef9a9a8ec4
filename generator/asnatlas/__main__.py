"""`python -m asnatlas` runs the command line."""

import sys

from asnatlas.cli import main

sys.exit(main())
