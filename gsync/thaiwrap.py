"""Line-break opportunities in Thai text, for layout engines that break only at spaces.

Thai writes no spaces between words, so a PDF library that wraps at spaces (fpdf2) would run
a whole sentence past the margin or cut it inside a word. `soft_breaks` puts a ZERO WIDTH
SPACE (U+200B) between Thai words, found by PyThaiNLP's dictionary-based maximal matching
(`newmm`, the Thai field's standard segmenter; pure Python, its word list ships with it).
Nothing visible changes: U+200B has no width and no glyph. Pure text in, text out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

ZWSP = "\u200b"
_THAI = re.compile(r"[\u0E00-\u0E7F]")
# A run the segmenter sees: Thai letters, Thai digits and the dots of abbreviations (พ.ศ., ธ.ค.).
_THAI_RUN = re.compile(r"[\u0E00-\u0E7F][\u0E00-\u0E7F.]*")


@functools.cache
def _tokenizer() -> Callable[[str], list[str]]:
    from pythainlp.tokenize import word_tokenize  # the poster extra; imported on first use

    return lambda text: word_tokenize(text, engine="newmm", keep_whitespace=True)


def words(text: str) -> list[str]:
    """The words of a Thai text, as the segmenter cuts them (spaces kept as their own words)."""
    return [w for w in _tokenizer()(text) if w]


def soft_breaks(text: str) -> str:
    """`text` with U+200B between adjacent Thai words; everything else is left as it was.

    Abbreviations keep their dots (``พ.ศ.``, ``ธ.ค.`` are single words to the segmenter).
    """
    text = text.replace(ZWSP, "")
    if not _THAI.search(text):
        return text
    return _THAI_RUN.sub(lambda m: ZWSP.join(words(m.group())), text)
