"""The storefront script bundle: committed up to date, servable, CSP-safe and within budget."""
from __future__ import annotations

import gzip
import re

import pytest

from widgets.build import CHUNKS, CHUNKS_DIR, CONFIG_TOKEN, OUTPUT, SOURCE_FILES, SRC_DIR, build_bundle, build_chunk

GZIP_BUDGET_BYTES = 10 * 1024


@pytest.fixture(scope="module")
def bundle() -> str:
    return build_bundle()


def test_the_committed_bundle_is_what_the_sources_build(bundle):
    assert OUTPUT.exists(), "static/p13n.js is missing; run `python widgets/build.py`"
    assert OUTPUT.read_text(encoding="utf-8") == bundle, (
        "static/p13n.js is out of date with widgets/src; run `python widgets/build.py` and commit the result"
    )


def test_the_build_is_deterministic(bundle):
    assert build_bundle() == bundle


def test_every_source_file_is_in_the_build_once():
    chunk_files = [name for files in CHUNKS.values() for name in files]
    assert sorted(SOURCE_FILES + chunk_files) == sorted(path.name for path in SRC_DIR.glob("*.js"))


@pytest.mark.parametrize("name", sorted(CHUNKS))
def test_each_committed_chunk_is_what_its_sources_build_and_runs_only_beside_the_script(name):
    chunk = build_chunk(name)
    assert (CHUNKS_DIR / f"{name}.js").read_text(encoding="utf-8") == chunk, "run `python widgets/build.py` and commit the result"
    # The prologue as minified (its local name shortened): nothing runs without the loaded main script.
    assert re.search(r'^\(function\(\)\{"use strict";try\{var (\w+)=window\.p13n;if\(!\1\|\|!\1\.loaded\)return;', chunk.splitlines()[1])
    assert CONFIG_TOKEN not in chunk
    for construct in ("eval(", "new Function", "document.write", "innerHTML"):
        assert construct not in chunk


def test_the_config_token_appears_exactly_once(bundle):
    assert bundle.count(CONFIG_TOKEN) == 1
    assert re.search(r"try\{var \w+=" + CONFIG_TOKEN + ";", bundle), "the token sits where a JSON object is a valid expression"


@pytest.mark.parametrize("construct", ["eval(", "new Function", "document.write", "innerHTML"])
def test_nothing_a_strict_csp_forbids_or_that_writes_markup(bundle, construct):
    assert construct not in bundle


def test_gzipped_size_within_budget(bundle):
    size = len(gzip.compress(bundle.encode("utf-8"), compresslevel=9, mtime=0))
    assert size <= GZIP_BUDGET_BYTES, f"p13n.js is {size} bytes gzipped; the budget is {GZIP_BUDGET_BYTES}"
