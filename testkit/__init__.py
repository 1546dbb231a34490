"""Test and bench helpers that do not ship with the app: synthetic webcam frames."""
