"""`python -m exercises.check N` (or `all`, or `5 --setup`), from the project folder."""

import sys

from exercises.check.cli import main

sys.exit(main())
