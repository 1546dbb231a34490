"""Badges, meal vouchers and their printing, on reportlab (fonts: see fonts.py)."""
