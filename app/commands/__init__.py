"""Flask commands (`flask --app wsgi COMMAND`): the top floor. Nothing under app/ imports this package.

Each command parses its options, calls plain functions and prints; the
functions live in the domain packages below. A command's module is imported
only when that command runs (click's lazy-loading pattern), so the web
process, which builds the same app, never loads what commands need and it
does not: training, LightFM, the worker.
"""
from __future__ import annotations

import importlib

import click
from flask import Flask
from flask.cli import AppGroup

# Command name -> "module:attribute" of its click command.
COMMANDS = {
    "db-upgrade": "app.commands.shops:db_upgrade",
    "create-shop": "app.commands.shops:create_shop_command",
    "create-user": "app.commands.shops:create_user_command",
    "set-password": "app.commands.shops:set_password_command",
    "import-products": "app.commands.imports:import_products",
    "import-orders": "app.commands.imports:import_orders",
    "import-events": "app.commands.imports:import_events",
    "train": "app.commands.recommender:train",
    "evaluate": "app.commands.recommender:evaluate",
    "evaluate-clv": "app.commands.clv:evaluate_clv_command",
    "purge-expired": "app.commands.privacy:purge_expired_command",
    "worker": "app.commands.worker:worker",
    "demo": "app.commands.demo:demo",
}


class LazyCommands(AppGroup):
    """The app's command group, importing each command's module on first use."""

    def __init__(self, lazy: dict[str, str], **kwargs):
        super().__init__(**kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(ctx, name)
        module, attribute = self.lazy[name].split(":")
        return getattr(importlib.import_module(module), attribute)


def init_app(app: Flask) -> None:
    app.cli = LazyCommands(COMMANDS, name=app.cli.name)
