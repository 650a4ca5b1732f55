"""Bulk import of catalogs and histories from CSV or JSON Lines files (formats in README)."""
