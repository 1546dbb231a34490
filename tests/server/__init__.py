"""Tests of the central list (a package, so its conftest does not shadow tests/conftest.py)."""
