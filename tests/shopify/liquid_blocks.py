"""The theme app extension's Liquid blocks: their `{% schema %}` JSON, and their markup rendered by a real Liquid engine."""
from __future__ import annotations

import json
import re
from pathlib import Path

import liquid

BLOCKS_DIR = Path(__file__).resolve().parents[2] / "shopify_app" / "extensions" / "p13n-embed" / "blocks"
SCHEMA = re.compile(r"\{%-?\s*schema\s*-?%\}(.*?)\{%-?\s*endschema\s*-?%\}", re.S)


def source(name: str) -> str:
    return (BLOCKS_DIR / f"{name}.liquid").read_text()


def schema(name: str) -> dict:
    found = SCHEMA.findall(source(name))
    assert len(found) == 1, f"{name}.liquid must have exactly one {{% schema %}}"
    return json.loads(found[0])


def defaults(name: str) -> dict:
    return {setting["id"]: setting.get("default") for setting in schema(name)["settings"]}


def render(name: str, settings: dict | None = None, design_mode: bool = False) -> str:
    """The block's HTML as Shopify renders it (the schema tag is Shopify's own: it renders nothing)."""
    template = SCHEMA.sub("", source(name))
    block = {"settings": {**defaults(name), **(settings or {})}, "shopify_attributes": 'data-shopify-editor-block="{}"'}
    return liquid.Environment().from_string(template).render(block=block, request={"design_mode": design_mode})
