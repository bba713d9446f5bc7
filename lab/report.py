"""Results in the page's language: the "papers say / we measured" table and glued values.

A notebook's prose must not hard-code what its run measured (a GPU run would change it), and a
Persian reader should read those numbers in Persian. Two helpers:

    lab.report.glue("mc_accuracy", accuracy)   # then in Markdown: {glue:text}`mc_accuracy:.3f`
    lab.report.paper_table(rows)               # rows of (paper says, we measured), tr()-ed

Jupyter Book pastes glued values into the page (the site shows them in Persian digits on
Persian pages, see _ext/bilingual.py); in a plain notebook the role stays as written and the
value is in the cell's printed output.
"""
import re

from IPython.display import Markdown, display

from .plots import language, tr

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# Math ($…$) and code (`…`) stay as written; so does a number that is part of a name, touching
# a letter or after a letter and a hyphen ("MNIST-1D", "ℓ2", "1cycle", "top-1"), and one with an
# exponent (1e-8).
_VERBATIM = re.compile(r"(\$[^$]*\$|`[^`]*`)")
_LETTER = "A-Za-z\u00c0-\u024f\u0370-\u03ff\u2113"  # Latin, Greek and ℓ
_NUMBER = re.compile(rf"(?<![{_LETTER}\d.])(?<![{_LETTER}]-)\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?(?![{_LETTER}\d])")


def persian_digits(text):
    """`text` with its numbers in Persian digits, «٫» as the decimal and «٬» as the thousands
    separator; math, code spans and numbers that are part of a name keep their Latin form."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")

    def number(match):
        token = match.group()
        if "e" in token.lower():
            return token
        return token.replace(",", "٬").replace(".", "٫").translate(PERSIAN_DIGITS)

    parts = _VERBATIM.split(text)
    return "".join(part if i % 2 else _NUMBER.sub(number, part) for i, part in enumerate(parts))


def paper_table(rows, columns=None):
    """Display the two-column table "papers say / we measured" in the current language.

    rows: pairs of strings, each already in the current language (`tr(en, fa)`).
    columns: the two headers, default "Paper says" and "We measured".
    """
    columns = columns or (tr("Paper says", "مقاله می‌گوید"), tr("We measured", "ما اندازه گرفتیم"))
    if len(columns) != 2:
        raise ValueError(f"columns must be two headers, got {len(columns)}")
    lines = [f"| {columns[0]} | {columns[1]} |", "|---|---|"]
    for row in rows:
        if len(row) != 2:
            raise ValueError(f"each row must be (paper says, we measured), got {len(row)} items")
        lines.append(f"| {row[0]} | {row[1]} |")
    table = "\n".join(lines)
    display(Markdown(persian_digits(table) if language() == "fa" else table))


def glue(name, value):
    """Store the number `value` under `name` for the page's prose, without showing it.

    NumPy scalars become Python numbers, so that a format such as `:.3f` applies to them.
    Outside Jupyter Book's toolchain (e.g. on Colab, without myst-nb) this does nothing.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier, got {name!r}")
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"value must be a number (int or float), got {type(value).__name__}")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    myst_glue(name, value, display=False)
