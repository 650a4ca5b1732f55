"""Flask commands (entry points on top: they parse, call plain functions, print)."""
