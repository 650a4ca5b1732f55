"""The fuzz tests cover every public endpoint and the whole admin API: a new route without a fuzz test fails here."""
from __future__ import annotations

from pathlib import Path

FUZZED_PREFIXES = ("/v1/", "/s/", "/admin/api/", "/shopify/")


def test_every_public_and_admin_route_is_named_by_a_fuzz_test(app):
    fuzz_sources = "".join(path.read_text() for path in Path(__file__).parent.glob("test_*.py") if path.name != Path(__file__).name)
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(FUZZED_PREFIXES):
            continue
        literal = rule.rule.split("<", 1)[0]  # the fixed part, as the fuzz tests write it before an id or key
        if f'"{literal}' not in fuzz_sources:
            missing.append(rule.rule)
    assert missing == []
