"""The chapter's glossary, one source for both languages.

``book/glossary.yml`` lists every technical term once: the English term, the Persian term,
Persian forms to avoid (``avoid``; ``allow`` lists words that contain an avoided form and mean
something else), a one-sentence definition in each language, and where the slides call it
something else, their wording (``slides``), so a student holding the slides finds the term.
A page writes

    ```{glossary-table}
    ```

and gets the table in its own language: on ``book/en/`` pages the English term, its Persian
equivalent and the English definition; on ``book/fa/`` pages the Persian term, its English
equivalent and the Persian definition. Each term in the other language carries its ``lang``
(and direction), so screen readers pronounce it correctly. tests/test_glossary.py checks the
file and that the Persian notebooks use its terms.
"""
import html
import re
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

GLOSSARY = Path(__file__).resolve().parent.parent / "book" / "glossary.yml"

HEADERS = {"en": ("English", "Persian", "Definition"),
           "fa": ("اصطلاح", "معادل انگلیسی", "تعریف")}
SLIDES = {"en": "In the slides: ", "fa": "در اسلایدها: "}


# Unicode puts پ چ ژ گ after the Arabic letters; a Persian reader expects the Persian alphabet.
PERSIAN_ALPHABET = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"


def persian_order(text):
    """A sort key for Persian words: letters in alphabet order, spaces and ZWNJ ignored,
    anything else (Latin, digits) after the Persian letters."""
    return [PERSIAN_ALPHABET.find(c) if c in PERSIAN_ALPHABET else 100 + ord(c)
            for c in text if c not in " \u200c"]


def load(path=GLOSSARY, language="en"):
    """The glossary's entries in the alphabetical order of `language`'s terms."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if language == "fa":
        return sorted(entries, key=lambda entry: persian_order(entry["fa"]))
    return sorted(entries, key=lambda entry: entry["en"].lower())


INLINE_MATH = re.compile(r"\$([^$\s](?:[^$]*[^$\s])?)\$")  # $…$ in a definition


def _cell(text, language=None):
    entry = nodes.entry()
    if language is None:  # a definition: its $…$ become math nodes, typeset like the book's
        parts = INLINE_MATH.split(text)
        entry += nodes.paragraph("", "", *[nodes.math(part, part) if index % 2 else nodes.Text(part)
                                           for index, part in enumerate(parts) if part])
    else:  # a term in the other language: marked up for screen readers and the bidi algorithm
        direction = "rtl" if language == "fa" else "ltr"
        paragraph = nodes.paragraph()
        paragraph += nodes.raw("", f'<span lang="{language}" dir="{direction}">'
                                   f'{html.escape(text)}</span>', format="html")
        entry += paragraph
    return entry


def _row(cells):
    row = nodes.row()
    for cell in cells:
        row += cell
    return row


class GlossaryTable(SphinxDirective):
    """``glossary-table``: the glossary as a three-column table in the page's language."""

    def run(self):
        self.env.note_dependency(str(GLOSSARY))
        language = "fa" if self.env.docname.startswith("book/fa/") else "en"
        other = "en" if language == "fa" else "fa"
        table = nodes.table(classes=["glossary-table"])
        group = nodes.tgroup(cols=3)
        table += group
        for width in (22, 22, 56):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += _row(_cell(title) for title in HEADERS[language])
        group += head
        body = nodes.tbody()
        for entry in load(language=language):
            definition = entry[f"definition_{language}"]
            if "slides" in entry:
                definition += f" {SLIDES[language]}«{entry['slides']}»."
            body += _row([_cell(entry[language]), _cell(entry[other], other),
                          _cell(definition)])
        group += body
        return [table]


def setup(app):
    app.add_directive("glossary-table", GlossaryTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
