"""Builds the storefront script: widgets/src/*.js -> static/p13n.js.

    python widgets/build.py            # write static/p13n.js, print its sizes
    python widgets/build.py --check    # exit 1 when static/p13n.js is not what the sources build

Pure Python (rjsmin), no Node. The sources are plain ES2017 files concatenated
in SOURCE_FILES order inside one function, so nothing but window.p13n becomes
global. The server replaces CONFIG_TOKEN, which the bundle holds exactly once
in an expression position (``var cfg=__P13N_CONFIG__;``), with the shop's JSON
config. The output is deterministic: the same sources always build the same
bytes, which is what lets the tests compare the committed file with a rebuild.
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

import rjsmin

WIDGETS_DIR = Path(__file__).resolve().parent
SRC_DIR = WIDGETS_DIR / "src"
OUTPUT = WIDGETS_DIR.parent / "static" / "p13n.js"
CONFIG_TOKEN = "__P13N_CONFIG__"

# Order matters: later files use what earlier ones define, and api.js runs the start-up.
SOURCE_FILES = [
    "core.js", "transport.js", "track.js", "consent.js", "dom.js", "layout.js", "decide.js", "block.js", "slider.js", "popup.js", "api.js",
]

BANNER = "/* p13n storefront script; built from widgets/src by widgets/build.py, do not edit */\n"
# The outer try/catch is the last line of defence: even an error at start-up
# (or a config that was never substituted) stays out of the merchant's page.
PROLOGUE = '(function(){"use strict";try{var cfg=' + CONFIG_TOKEN + ";\n"
EPILOGUE = "\n}catch(e){}})();\n"


def build_bundle() -> str:
    """The minified bundle text, with CONFIG_TOKEN still in it."""
    sources = [(SRC_DIR / name).read_text(encoding="utf-8") for name in SOURCE_FILES]
    minified = rjsmin.jsmin(PROLOGUE + "\n".join(sources) + EPILOGUE)
    bundle = BANNER + minified.strip() + "\n"
    if bundle.count(CONFIG_TOKEN) != 1:
        raise RuntimeError(f"{CONFIG_TOKEN} must appear exactly once in the bundle (is it in a widgets/src string?)")
    return bundle


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    bundle = build_bundle()
    if "--check" in args:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
        if current != bundle:
            print(f"{OUTPUT} is out of date; run: python widgets/build.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(bundle, encoding="utf-8", newline="\n")
    data = bundle.encode("utf-8")
    print(f"wrote {OUTPUT}: {len(data):,} bytes raw, {gzip_size(data):,} bytes gzip -9")
    return 0


if __name__ == "__main__":
    sys.exit(main())
