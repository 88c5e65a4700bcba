"""A fingerprint of the code that turns file bytes into rows, for the parse cache's key.

A cached parse is reused only while the parser is the same: an upgrade that changes how files
are read (a fixed merged-cell fill-down, a new date style) re-parses what it must, and a
change elsewhere in gsync re-parses nothing.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources

# The modules whose code decides what a file's rows are.
_PARSING_MODULES = ("parse", "thai.py", "vocab.py", "models.py", "messages.py")


@functools.cache
def code_fingerprint() -> str:
    digest = hashlib.sha256()
    root = resources.files("gsync")
    for name in _PARSING_MODULES:
        node = root / name
        files = sorted((f for f in node.iterdir() if f.name.endswith(".py")), key=lambda f: f.name) \
            if node.is_dir() else [node]
        for f in files:
            digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
