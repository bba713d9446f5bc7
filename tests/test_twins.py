"""The chapter's two languages are twins, and the book's sources follow its conventions.

- book/en/ and book/fa/ hold the same pages and notebooks (same file names);
- twin notebooks run the same code: identical code cells (count, order, source, tags), except
  the cell tagged `language`, which differs only in the language code; tools/twins.py writes
  the Persian code from the English, and running it changes nothing;
- every notebook starts with the Colab install cell (tagged remove-cell), whose git URL is the
  repository URL of _config.yml (the one place it is written);
- notebooks are committed without outputs or execution counts;
- _toc.yml lists every page, in mirrored English and Persian parts;
- the bilingual extension turns a page without a twin into a Sphinx warning (so -W fails).
"""
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
LANGUAGES = ("en", "fa")
SETUP_CALL = 'lab.setup(language="{}")'


def sources(language, suffixes=(".ipynb", ".md")):
    tree = BOOK / language
    return sorted(path.relative_to(tree).as_posix() for path in tree.rglob("*")
                  if path.suffix in suffixes and ".ipynb_checkpoints" not in path.parts)


def notebook(language, name):
    return json.loads((BOOK / language / name).read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def tags(cell):
    return list(cell.get("metadata", {}).get("tags", []))


def code_cells(nb):
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


NOTEBOOKS = sources("en", (".ipynb",))


def test_trees_hold_the_same_files():
    assert NOTEBOOKS, "book/en/ holds no notebook"
    for suffixes in ((".ipynb",), (".md",)):
        assert sources("en", suffixes) == sources("fa", suffixes), \
            f"book/en and book/fa differ in their {suffixes[0]} files"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_twin_notebooks_have_identical_code(name):
    english, persian = (code_cells(notebook(language, name)) for language in LANGUAGES)
    assert len(english) == len(persian), f"{name}: {len(english)} vs {len(persian)} code cells"
    language_cells = 0
    for number, (en, fa) in enumerate(zip(english, persian), start=1):
        where = f"{name}, code cell {number}"
        assert tags(en) == tags(fa), f"{where}: tags differ"
        if "language" in tags(en):
            language_cells += 1
            assert SETUP_CALL.format("en") in source(en), f"{where}: no {SETUP_CALL.format('en')}"
            assert source(en).replace(SETUP_CALL.format("en"), SETUP_CALL.format("fa")) \
                == source(fa), f"{where}: the language cells differ in more than the language"
        else:
            assert source(en) == source(fa), f"{where}: the code differs"
    assert language_cells == 1, f"{name}: expected one cell tagged `language`"


def test_the_twin_tool_would_change_nothing():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "twins.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, f"run tools/twins.py: {result.stdout}{result.stderr}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_starts_with_the_colab_install_cell(name, language):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url, branch = config["repository"]["url"], config["repository"]["branch"]
    first = notebook(language, name)["cells"][0]
    assert first["cell_type"] == "code" and "remove-cell" in tags(first), \
        f"{language}/{name}: the first cell must be the Colab install cell, tagged remove-cell"
    assert "google.colab" in source(first), f"{language}/{name}: the install must be Colab-only"
    urls = re.findall(r"git\+(https://[^\s\"'@]+)@([\w./-]+)", source(first))
    assert urls == [(url, branch)], \
        f"{language}/{name}: installs from {urls}, _config.yml says {url}@{branch}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_without_outputs(name, language):
    nb = notebook(language, name)
    for number, cell in enumerate(code_cells(nb), start=1):
        assert cell.get("outputs") == [] and cell.get("execution_count") is None, \
            f"{language}/{name}, code cell {number} has outputs (clear them before committing)"
    assert "widgets" not in nb.get("metadata", {}), f"{language}/{name}: saved widget state"


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                yield entry["file"]
            yield from walk(entry.get("sections"))

    parts = {part["caption"]: list(walk(part.get("chapters"))) for part in toc.get("parts", [])}
    return toc["root"], parts


def strip(path):
    return re.sub(r"\.(ipynb|md)$", "", path)


def test_toc_lists_every_page_in_mirrored_parts():
    root, parts = toc_files()
    assert strip(root) == "book/index"
    listed = {strip(file) for files in parts.values() for file in files}
    for language in LANGUAGES:
        for name in sources(language):
            assert f"book/{language}/{strip(name)}" in listed, \
                f"book/{language}/{name} is not in _toc.yml"
    trees = [[strip(file) for file in files] for files in parts.values()]
    assert len(trees) == 2, "expected two parts, English and Persian"
    english, persian = trees
    assert all(file.startswith("book/en/") for file in english)
    assert [file.replace("book/en/", "book/fa/", 1) for file in english] == persian, \
        "the Persian part must list the twins of the English part, in the same order"


# --- The extension's twin check, on a tiny Sphinx project (about two seconds) -------------------

def build(tmp_path, pages):
    source_dir = tmp_path / "src"
    for name, text in {"index.rst": "Home\n====\n\n.. toctree::\n\n" + "".join(
            f"   {page}\n" for page in pages), **{f"{p}.rst": f"{p}\n{'=' * len(p)}\n\nText.\n"
                                                for p in pages}}.items():
        (source_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (source_dir / name).write_text(text, encoding="utf-8")
    (source_dir / "conf.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / "_ext")!r})
        extensions = ["bilingual"]
        """), encoding="utf-8")
    out = tmp_path / "html"
    result = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html",
                             str(source_dir), str(out)], capture_output=True, text=True)
    return result, out


def test_a_page_without_twin_fails_the_build(tmp_path):
    result, _ = build(tmp_path, ["book/en/a", "book/fa/a", "book/en/b"])
    assert result.returncode != 0
    assert "page has no twin: book/fa/b is missing" in result.stderr, result.stderr


def test_twins_build_in_their_languages(tmp_path):
    result, out = build(tmp_path, ["book/en/a", "book/fa/a"])
    assert result.returncode == 0, result.stderr
    english = (out / "book/en/a.html").read_text(encoding="utf-8")
    persian = (out / "book/fa/a.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in english and '<html lang="fa"' in persian
    assert 'href="../fa/a.html" hreflang="fa" lang="fa">فارسی</a>' in english
    assert 'href="../en/a.html" hreflang="en" lang="en">English</a>' in persian
    assert 'dir="rtl"' in persian and 'dir="rtl"' not in english
    # The interface text: Sphinx's own theme says "Navigation" and "Quick search".
    assert "Navigation" in english and "Navigation" not in persian
    assert "ناوبری" in persian


GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([A-Za-z_]\w*)")
GLUE_CALL = re.compile(r"""lab\.report\.glue\(\s*["']([A-Za-z_]\w*)["']""")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sources("en", (".ipynb",)))
def test_every_glued_value_is_stored_once(language, name):
    """A number the prose quotes from the run ({glue:text}`key:.3f`) is stored by exactly one
    lab.report.glue("key", …) call of the same notebook, and the twins quote the same keys."""
    cells = notebook(language, name)["cells"]
    quoted = {key for cell in cells if cell["cell_type"] == "markdown"
              for key in GLUE_ROLE.findall(source(cell))}
    stored = [key for cell in cells if cell["cell_type"] == "code"
              for key in GLUE_CALL.findall(source(cell))]
    assert not quoted - set(stored), f"{language}/{name}: quoted but never glued: {sorted(quoted - set(stored))}"
    assert len(stored) == len(set(stored)), f"{language}/{name}: glued twice: {sorted(k for k in stored if stored.count(k) > 1)}"
    twin = "fa" if language == "en" else "en"
    twin_quoted = {key for cell in notebook(twin, name)["cells"] if cell["cell_type"] == "markdown"
                   for key in GLUE_ROLE.findall(source(cell))}
    assert quoted == twin_quoted, f"{name}: the twins quote different values: {sorted(quoted ^ twin_quoted)}"
