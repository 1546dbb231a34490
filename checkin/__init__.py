"""Checkin Desk core: plain Python, never imports Qt (see tests/test_layering.py)."""

__version__ = "0.1.0"
