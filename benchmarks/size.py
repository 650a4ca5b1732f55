"""Size of the storefront script as shipped: raw, gzip -9 and (when the brotli
module is importable) brotli; the compressed sizes as a ratio of the 10 KB
gzip budget for the whole script (tracking plus the widgets to come).
Exit status 2 when the gzip size is over budget.

The lazily loaded chunks (static/chunks/, fetched only by page views that
need them, such as a survey pop-up's form) are listed after it, outside the
budget of the script every page view loads.

    .venv/bin/python benchmarks/size.py [PATH]     # default static/p13n.js

The server substitutes the shop's config (~150 bytes) for __P13N_CONFIG__, so
what a shopper downloads is a little larger than the file measured here.
"""
from __future__ import annotations

import gzip
import sys
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "static" / "p13n.js"
BUDGET_GZIP_BYTES = 10 * 1024


def sizes(data: bytes) -> dict[str, int | None]:
    try:
        import brotli
    except ImportError:
        brotli_size = None
    else:
        brotli_size = len(brotli.compress(data, quality=11))
    return {
        "raw": len(data),
        "gzip": len(gzip.compress(data, compresslevel=9, mtime=0)),
        "brotli": brotli_size,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    if not path.exists():
        print(f"{path} not found; build it with: python widgets/build.py", file=sys.stderr)
        return 1
    result = sizes(path.read_bytes())
    print(f"{path}")
    print(f"budget      {BUDGET_GZIP_BYTES:>7,} bytes gzip")
    for name, label in (("raw", "raw"), ("gzip", "gzip -9"), ("brotli", "brotli 11")):
        size = result[name]
        if size is None:
            print(f"{label:<11} unavailable (the brotli module is not installed)")
        elif name == "raw":
            print(f"{label:<11} {size:>7,} bytes")
        else:
            print(f"{label:<11} {size:>7,} bytes  {size / BUDGET_GZIP_BYTES:.2f} of budget")
    chunks = sorted((path.parent / "chunks").glob("*.js"))
    for chunk in chunks:
        sized = sizes(chunk.read_bytes())
        print(f"chunk {chunk.name}: {sized['raw']:,} bytes raw, {sized['gzip']:,} gzip -9, loaded only when needed")
    return 0 if result["gzip"] <= BUDGET_GZIP_BYTES else 2


if __name__ == "__main__":
    sys.exit(main())
