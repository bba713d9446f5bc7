"""One source for the twins: the English notebooks' code becomes the Persian notebooks' code.

    .venv/bin/python tools/twins.py           # rewrite book/fa/*.ipynb (and the Colab cells)
    .venv/bin/python tools/twins.py dropout   # only book/{en,fa}/dropout.ipynb
    .venv/bin/python tools/twins.py --check   # change nothing; exit 1 if a rewrite would

Edit code in book/en/ only, then run this. Cells are matched by their `id`:
- every code cell of the Persian notebook becomes a copy of the English one (source, tags,
  exercise metadata), except that the cell tagged `language` calls lab.setup(language="fa");
- the Persian notebook keeps its own Markdown cells, in the English notebook's order; an English
  Markdown cell with no Persian twin (same id) is an error, since only a person can translate it;
- the first cell of every notebook, both languages, is the Colab install cell, written from
  the repository URL and branch in _config.yml (the one place they are written).
tests/test_twins.py checks that running this changes nothing.
"""
import argparse
import copy
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SETUP_CALL = 'lab.setup(language="{}")'
COLAB_CELL = '''\
# On Colab this installs the course package `lab` from the repository; elsewhere it does nothing.
import sys
if "google.colab" in sys.modules:
    %pip install --quiet "dl-training-lab @ git+{url}@{branch}"'''


def colab_source():
    repository = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]
    return COLAB_CELL.format(url=repository["url"], branch=repository["branch"])


def with_colab_cell(notebook, where):
    first = notebook.cells[0] if notebook.cells else None
    if first is None or first.cell_type != "code" or "google.colab" not in first.source:
        raise ValueError(f"{where}: the first cell must be the Colab install cell")
    first.source = colab_source()
    first.metadata["tags"] = ["remove-cell"]
    return notebook


def persian_twin(english, persian, where):
    """The Persian notebook with the English code and its own prose, in the English order."""
    prose = {cell.id: cell for cell in persian.cells if cell.cell_type == "markdown"}
    cells = []
    for cell in english.cells:
        if cell.cell_type == "markdown":
            if cell.id not in prose:
                raise ValueError(f"{where}: Markdown cell {cell.id} has no Persian twin; "
                                 f"add one with the same id")
            cells.append(prose.pop(cell.id))
            continue
        twin = copy.deepcopy(cell)
        if "language" in twin.metadata.get("tags", []):
            twin.source = twin.source.replace(SETUP_CALL.format("en"), SETUP_CALL.format("fa"))
        cells.append(twin)
    if prose:
        raise ValueError(f"{where}: Persian Markdown cells {sorted(prose)} are not in English")
    twin = copy.deepcopy(persian)
    twin.cells = cells
    return twin


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topics", nargs="*", help="notebook names without .ipynb (default: all)")
    parser.add_argument("--check", action="store_true", help="report, do not write")
    args = parser.parse_args()
    stale = []
    for english_path in sorted((BOOK / "en").glob("*.ipynb")):
        if args.topics and english_path.stem not in args.topics:
            continue
        persian_path = BOOK / "fa" / english_path.name
        english = with_colab_cell(nbformat.read(english_path, as_version=4), english_path.name)
        persian = nbformat.read(persian_path, as_version=4)
        persian = with_colab_cell(persian_twin(english, persian, f"fa/{english_path.name}"),
                                  persian_path.name)
        for path, notebook in ((english_path, english), (persian_path, persian)):
            text = nbformat.writes(notebook) + "\n"
            if path.read_text(encoding="utf-8") != text:
                stale.append(path.relative_to(ROOT).as_posix())
                if not args.check:
                    path.write_text(text, encoding="utf-8")
    verb = "would change" if args.check else "rewrote"
    print(f"{verb}: {', '.join(stale)}" if stale else "the twins are in step")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
