"""`python -m scenarios.reference`: the same as `handover reference-sut`."""

import sys

from scenarios.reference.cli import main

sys.exit(main())
