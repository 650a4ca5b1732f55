"""marshmallow schemas: the shapes data has at the edges (HTTP, files)."""
