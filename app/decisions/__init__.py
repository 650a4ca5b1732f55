"""Deciding what a page shows: which rules are eligible for this visitor on this page, and their content."""
