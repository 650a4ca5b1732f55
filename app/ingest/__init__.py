"""Event ingest: validated events in, profiles, events and orders stored. Knows nothing of HTTP."""
