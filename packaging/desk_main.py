"""Entry point of the bundled desk window, `checkin-desk` (packaging/checkin-desk.spec)."""

import sys

from checkin.app import main

if __name__ == "__main__":
    sys.exit(main())
