"""Alembic revisions of the central database, run by db.Database.migrate() at start-up.

There is no env.py: the server drives alembic itself (EnvironmentContext), so these modules
are plain package files that ship with the code. A new revision: copy the newest file, give it
a new `revision` and set `down_revision` to the previous one; never edit a released revision.
"""
