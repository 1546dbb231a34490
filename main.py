"""Start the desk app (same as the `checkin-desk` command)."""

from checkin.app import main

if __name__ == "__main__":
    raise SystemExit(main())
