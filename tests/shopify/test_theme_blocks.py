"""The theme app blocks (shopify_app/extensions/p13n-embed/blocks): a valid schema, and the slot the script reads."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.shopify.liquid_blocks import BLOCKS_DIR, render, schema

DOM_JS = Path(__file__).resolve().parents[2] / "widgets" / "src" / "dom.js"
SETTING_TYPES = {"text", "textarea", "number", "range", "checkbox", "select", "radio", "color", "url", "product", "collection"}
APP_BLOCKS = ("recommendations", "content")


@pytest.mark.parametrize("name", APP_BLOCKS)
def test_app_block_schema_is_what_the_theme_editor_accepts(name):
    block = schema(name)
    assert set(block) <= {"name", "target", "settings", "javascript", "stylesheet", "class", "tag", "available_if",
                          "enabled_on", "disabled_on"}
    assert block["target"] == "section"  # an app block, placed inside sections (the embed targets head)
    assert 0 < len(block["name"]) <= 25
    ids = [setting["id"] for setting in block["settings"]]
    assert len(ids) == len(set(ids)) and "slot" in ids and "min_height" in ids
    for setting in block["settings"]:
        assert setting["type"] in SETTING_TYPES and setting["label"]
        if setting["type"] == "range":
            low, high, step = setting["min"], setting["max"], setting["step"]
            assert low < high and (high - low) / step <= 101 and (setting["default"] - low) % step == 0
            assert low <= setting["default"] <= high
    slot = next(setting for setting in block["settings"] if setting["id"] == "slot")
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,100}", slot["default"])  # what a rule's slot accepts (app/schemas/rules.py)


def test_the_embed_still_loads_the_script_on_every_page():
    embed = schema("p13n")
    assert embed["target"] == "head" and {s["id"] for s in embed["settings"]} == {"host", "public_key"}
    assert sorted(path.stem for path in BLOCKS_DIR.glob("*.liquid")) == ["content", "p13n", "recommendations"]


@pytest.mark.parametrize("name, height", [("recommendations", 320), ("content", 120)])
def test_blocks_render_the_placeholder_the_script_fills(name, height):
    html = render(name)
    slot = schema(name)["settings"][0]["default"]
    assert f'data-p13n-slot="{slot}"' in html and f"min-height: {height}px" in html
    assert 'data-shopify-editor-block="{}"' in html  # block.shopify_attributes, for the theme editor
    assert "<p" not in html  # nothing visible on the live store until the script fills it
    assert "fills this space" in render(name, design_mode=True)  # but the editor shows where it is
    # The attribute the storefront script looks slots up by.
    assert '[data-p13n-slot="' in DOM_JS.read_text()


def test_a_merchant_typed_slot_is_escaped_and_trimmed():
    html = render("content", {"slot": ' home"><script>x</script> ', "min_height": 0})
    assert 'data-p13n-slot="home&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html and "<script>" not in html
