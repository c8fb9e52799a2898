"""`python -m clientlens` runs the command line."""

import sys

from clientlens.cli import main

sys.exit(main())
