"""Entry point of the bundled command line, `checkin` (packaging/checkin-desk.spec)."""

import sys

from checkin.cli import main

if __name__ == "__main__":
    sys.exit(main())
