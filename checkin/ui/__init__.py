"""The desk window (PySide6). Only this package may import Qt."""
