"""Benchmarks, run as documented commands that print a table (see bench/README.md)."""
