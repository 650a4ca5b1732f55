"""Recommender commands, registered by app.cli."""
commands: list = []
