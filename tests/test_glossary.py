"""The glossary (book/glossary.yml) is sound, and the Persian pages use its terms.

- every entry has an English and a Persian term and a definition in each language; no term
  appears twice; the Persian is written with its half-spaces (ZWNJ), not plain spaces;
- no Persian page uses a form the glossary lists under `avoid` (words listed under `allow`,
  which contain an avoided form but mean something else, and the slides' wording under
  `slides`, which a page names for the student holding the slides, are left out);
- where an English page uses a term, its Persian twin uses the glossary's Persian term (or
  its plural);
- every entry is used by some page, so the glossary describes the chapter as it is;
- the built glossary pages show every entry, each term of the other language marked with
  its `lang`.
Only prose counts: code, inline code and math are left out.
"""
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
from glossary import load, persian_order  # noqa: E402

ENTRIES = load()
PAGES = sorted(path.relative_to(ROOT / "book" / "en").as_posix()
               for path in (ROOT / "book" / "en").glob("*")
               if path.suffix in (".ipynb", ".md") and path.stem != "glossary")
KEYS = {"en", "fa", "definition_en", "definition_fa", "avoid", "allow", "slides"}
# A Persian plural or verb prefix written with a plain space instead of a half-space.
LOOSE_SPACE = re.compile(r"(?<![\w\u200c])(ن?می) (?=\w)|\w (ها|های|هایی)(?![\w\u200c])")


def prose(text):
    """Markdown without fenced blocks, inline code and math."""
    text = re.sub(r"^(`{3,})[^\n]*\n.*?^\1\s*$", "", text, flags=re.M | re.S)
    text = re.sub(r"`[^`\n]+`", " ", text)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    return re.sub(r"\$[^$\n]+\$", " ", text)


def page_prose(language, name):
    path = ROOT / "book" / language / name
    if path.suffix == ".md":
        return prose(path.read_text(encoding="utf-8"))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join(prose("".join(cell["source"])) for cell in cells
                     if cell["cell_type"] == "markdown")


# Persian plurals the notebooks write for a glossary term: the suffix on its first word
# («نرخ‌های میرایی» for «نرخ میرایی») or an Arabic broken plural («توابع» for «تابع»).
BROKEN_PLURALS = {"تابع": "توابع"}


def persian_forms(term):
    first, _, rest = term.partition(" ")
    rest = f" {rest}" if rest else ""
    stem = first.removesuffix("\u0654")  # the ezafe of «لایهٔ چگال» goes in «لایه‌های چگال»
    forms = {term, f"{stem}\u200cها{rest}", f"{stem}\u200cهای{rest}"}
    if first in BROKEN_PLURALS:
        forms.add(BROKEN_PLURALS[first] + rest)
    return forms


def uses_persian(text, term):
    return any(form in text for form in persian_forms(term))


def uses_english(text, term):
    return re.search(rf"(?<![\w-]){re.escape(term)}(s|es)?(?![\w-])", text, re.I) is not None


def test_entries_are_complete_and_unique():
    assert len(ENTRIES) >= 50
    for entry in ENTRIES:
        assert {"en", "fa", "definition_en", "definition_fa"} <= set(entry) <= KEYS, entry
        assert all(isinstance(entry[key], str) and entry[key].strip()
                   for key in ("en", "fa", "definition_en", "definition_fa")), entry
        assert isinstance(entry.get("avoid", []), list), entry
        assert isinstance(entry.get("allow", []), list), entry
        assert all(any(form in word for form in entry["avoid"]) for word in entry.get("allow", [])), entry
        assert isinstance(entry.get("slides", ""), str), entry
    for key in ("en", "fa"):
        terms = [entry[key].lower() for entry in ENTRIES]
        assert len(terms) == len(set(terms)), f"a {key} term appears twice"


def test_persian_is_written_with_half_spaces():
    for entry in ENTRIES:
        for key in ("fa", "definition_fa"):
            assert not LOOSE_SPACE.search(entry[key]), f"{entry['en']}: {entry[key]!r}"
        assert entry["fa"] not in entry.get("avoid", []), entry["en"]


@pytest.mark.parametrize("name", PAGES)
def test_persian_page_avoids_the_forms_the_glossary_rejects(name):
    found = {}
    for entry in ENTRIES:
        text = page_prose("fa", name)
        # «فراخوانی» (a call) is not «فراخوان» (a callback); the slides' own wording may be
        # named («در اسلایدها: برنامه‌های زمانی نرخ یادگیری») so that a student finds it.
        for word in entry.get("allow", []) + [entry.get("slides", "")]:
            if word:
                text = text.replace(word, " ")
        found.update({form: entry["fa"] for form in entry.get("avoid", []) if form in text})
    assert not found, f"book/fa/{name} uses {found} (rejected form: glossary term)"


@pytest.mark.parametrize("name", PAGES)
def test_persian_twin_uses_the_glossary_terms(name):
    english, persian = page_prose("en", name), page_prose("fa", name)
    missing = [f"{entry['en']} → {entry['fa']}" for entry in ENTRIES
               if uses_english(english, entry["en"]) and not uses_persian(persian, entry["fa"])]
    assert not missing, f"book/fa/{name} lacks the Persian term of: {missing}"


def test_every_entry_is_used_by_some_page():
    english = "\n".join(page_prose("en", name) for name in PAGES)
    unused = [entry["en"] for entry in ENTRIES if not uses_english(english, entry["en"])]
    assert not unused, f"glossary entries no page uses: {unused}"


def test_persian_order_follows_the_persian_alphabet():
    words = ["گرادیان", "پس‌انتشار", "بهینه‌ساز", "چرخه", "ژرفا", "زمان‌بندی"]
    assert sorted(words, key=persian_order) == ["بهینه‌ساز", "پس‌انتشار", "چرخه", "زمان‌بندی",
                                                "ژرفا", "گرادیان"]


@pytest.mark.site
@pytest.mark.parametrize("language", ["en", "fa"])
def test_built_glossary_page_lists_every_entry(language):
    page = ROOT / "_build" / "html" / "book" / language / "glossary.html"
    if not page.is_file():
        pytest.fail(f"{page} is missing: run `make site` first (`make test` does)")
    html = page.read_text(encoding="utf-8")
    table = html[html.index('class="glossary-table'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr") == len(ENTRIES) + 1  # a header row and one row per term
    other = "fa" if language == "en" else "en"
    assert table.count(f'<span lang="{other}"') == len(ENTRIES)
