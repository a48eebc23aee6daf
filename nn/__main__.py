"""`python -m nn` runs the `chainrule` command."""

import sys

from nn.cli import main

sys.exit(main())
