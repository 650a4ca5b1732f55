"""Builds the storefront script: widgets/src/*.js -> static/p13n.js, and its lazily loaded chunks -> static/chunks/.

    python widgets/build.py            # write static/p13n.js and the chunks, print their sizes
    python widgets/build.py --check    # exit 1 when a built file is not what the sources build

Pure Python, no Node: calmjs.parse reads the sources and prints them minified with the
local names shortened (about 15% fewer gzipped bytes than stripping whitespace alone),
so the sources must stay ES5 syntax (ES2017 library calls are fine, arrow functions,
let/const and template literals are not). They are plain files concatenated
in SOURCE_FILES order inside one function, so nothing but window.p13n becomes
global. The server replaces CONFIG_TOKEN, which the bundle holds exactly once
in an expression position (``var cfg=__P13N_CONFIG__;``), with the shop's JSON
config. The output is deterministic: the same sources always build the same
bytes, which is what lets the tests compare the committed file with a rebuild.

A chunk (CHUNKS) is code few page views need, built into its own file and
fetched by the main script only when a decision needs it (widgets/src/chunks.js).
It runs in a function of its own, with ``p13n`` the loaded script's public
function, through which it hands over what it renders.
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

from calmjs.parse import es5
from calmjs.parse.unparsers.es5 import minify_print

WIDGETS_DIR = Path(__file__).resolve().parent
SRC_DIR = WIDGETS_DIR / "src"
OUTPUT = WIDGETS_DIR.parent / "static" / "p13n.js"
CONFIG_TOKEN = "__P13N_CONFIG__"

# Order matters: later files use what earlier ones define, and api.js runs the start-up.
SOURCE_FILES = [
    "core.js", "transport.js", "track.js", "consent.js", "dom.js", "layout.js", "decide.js",
    "block.js", "slider.js", "popup.js", "chunks.js", "api.js",
]
# Chunk name -> its sources, built to static/chunks/<name>.js and served at /s/chunks/<name>.js.
CHUNKS = {"survey": ["survey.js"]}
CHUNKS_DIR = WIDGETS_DIR.parent / "static" / "chunks"

BANNER = "/* p13n storefront script; built from widgets/src by widgets/build.py, do not edit */\n"
# The outer try/catch is the last line of defence: even an error at start-up
# (or a config that was never substituted) stays out of the merchant's page.
PROLOGUE = '(function(){"use strict";try{var cfg=' + CONFIG_TOKEN + ";\n"
EPILOGUE = "\n}catch(e){}})();\n"
# Nothing to do where the main script is not loaded (blocked, or this file fetched on its own).
CHUNK_PROLOGUE = '(function(){"use strict";try{var p13n=window.p13n;if(!p13n||!p13n.loaded)return;\n'


def build_bundle() -> str:
    """The minified bundle text, with CONFIG_TOKEN still in it."""
    sources = [(SRC_DIR / name).read_text(encoding="utf-8") for name in SOURCE_FILES]
    minified = minify(PROLOGUE + "\n".join(sources) + EPILOGUE)
    bundle = BANNER + minified.strip() + "\n"
    if bundle.count(CONFIG_TOKEN) != 1:
        raise RuntimeError(f"{CONFIG_TOKEN} must appear exactly once in the bundle (is it in a widgets/src string?)")
    return bundle


def minify(source: str) -> str:
    """Whitespace and comments out, local names shortened; globals (window, p13n, the config token) kept."""
    return minify_print(es5(source), obfuscate=True, obfuscate_globals=False)


def build_chunk(name: str) -> str:
    """The minified text of one chunk."""
    sources = [(SRC_DIR / file).read_text(encoding="utf-8") for file in CHUNKS[name]]
    chunk = BANNER + minify(CHUNK_PROLOGUE + "\n".join(sources) + EPILOGUE).strip() + "\n"
    if CONFIG_TOKEN in chunk:
        raise RuntimeError(f"{CONFIG_TOKEN} belongs in the main bundle only, not in the {name} chunk")
    return chunk


def built_files() -> dict[Path, str]:
    """Every file the build writes, with its text."""
    return {OUTPUT: build_bundle(), **{CHUNKS_DIR / f"{name}.js": build_chunk(name) for name in CHUNKS}}


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    files = built_files()
    if "--check" in args:
        stale = [path for path, text in files.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path} is out of date; run: python widgets/build.py", file=sys.stderr)
        if stale:
            return 1
        print(f"{', '.join(str(path) for path in files)} up to date")
        return 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        data = text.encode("utf-8")
        print(f"wrote {path}: {len(data):,} bytes raw, {gzip_size(data):,} bytes gzip -9")
    return 0


if __name__ == "__main__":
    sys.exit(main())
