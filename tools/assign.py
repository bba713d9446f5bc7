"""Student versions of the chapter's notebooks and their autograders, with otter-grader.

The book's notebooks are the only source. An exercise is a run of cells whose metadata has
an "exercise" entry, {"question": "q1", "role": ROLE}:

- "prompt": the question (Markdown). Its entry also has "kind" (understanding, experiment or
  implement) and "points".
- "answer": the code the student writes. Lines between `# BEGIN SOLUTION` and `# END SOLUTION`
  (or ending in `# SOLUTION`) are the solution; the student gets `...` instead.
- "check": one test (code). Public unless its first line is `# HIDDEN`: public tests are
  copied to the student, so they must not reveal the answer (see lab.exercises.fingerprint).
- "solution": the explanation (Markdown, a dropdown on the website).

In the book every cell runs as written, so building the site proves that every solution passes
its checks. This script turns each notebook into an otter "master" notebook (raw cells
# BEGIN QUESTION, # BEGIN SOLUTION, # BEGIN TESTS ...) and runs `otter assign` on it:

    dist/<language>/<topic>/student/      the notebook without solutions, and public tests
    dist/<language>/<topic>/autograder/   the solutions notebook, all tests, autograder zip

Usage: python tools/assign.py [--out dist] [--publish-url URL] [notebooks ...]
(default: every notebook of book/en and book/fa).
"""
import argparse
import contextlib
import io
import pathlib
import shutil
import tempfile

import nbformat
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
ROLES = ("prompt", "answer", "check", "solution")
KINDS = ("understanding", "experiment", "implement")
# The prose otter writes into student notebooks, for the Persian ones
OTTER_PROSE = {
    "fa": {
        "To double-check your work, the cell below will rerun all of the autograder tests.":
            "برای بررسی دوبارهٔ کارتان، سلول زیر همهٔ آزمون‌های تصحیح خودکار را دوباره اجرا می‌کند.",
        "_Type your answer here, replacing this text._":
            "_پاسخ خود را اینجا بنویسید و این متن را پاک کنید._",
    },
}


def exercise(cell):
    """The cell's exercise entry ({"question", "role", ...}), or None."""
    return cell.get("metadata", {}).get("exercise")


def questions(notebook):
    """The prompts' entries, in order: one per exercise."""
    return [exercise(c) for c in notebook.cells if (exercise(c) or {}).get("role") == "prompt"]


def validate(notebook, where):
    """Raise ValueError unless the exercises are well formed (see the module docstring)."""
    seen, current = set(), None
    for i, cell in enumerate(notebook.cells):
        entry = exercise(cell)
        if entry is None:
            if current is not None and cell.cell_type == "code":
                raise ValueError(f"{where}, cell {i}: code between exercises must belong to one")
            continue
        role, name = entry.get("role"), entry.get("question")
        if role not in ROLES:
            raise ValueError(f"{where}, cell {i}: role must be one of {ROLES}, got {role!r}")
        if role == "prompt":
            if name in seen:
                raise ValueError(f"{where}, cell {i}: question {name!r} appears twice")
            if entry.get("kind") not in KINDS:
                raise ValueError(f"{where}, cell {i}: kind must be one of {KINDS}")
            seen.add(name)
            current = name
        elif name != current:
            raise ValueError(f"{where}, cell {i}: a {role} cell of {name!r} must follow its prompt")
        expected_type = "markdown" if role in ("prompt", "solution") else "code"
        if cell.cell_type != expected_type:
            raise ValueError(f"{where}, cell {i}: a {role} cell must be {expected_type}")
        if role == "answer" and "SOLUTION" not in cell.source:
            raise ValueError(f"{where}, cell {i}: an answer cell needs # BEGIN/END SOLUTION")
    for entry in questions(notebook):
        checks = [c for c in notebook.cells
                  if exercise(c) == {"question": entry["question"], "role": "check"}]
        if not checks:
            raise ValueError(f"{where}: question {entry['question']!r} has no check")


def raw(text):
    return nbformat.v4.new_raw_cell(text)


def master(notebook, config):
    """The otter master notebook: `notebook` with otter's raw delimiter cells around exercises."""
    cells = [raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False))]
    groups = {}  # question -> {role: [cells]}
    order = []   # plain cells and question names, in the book's order
    for cell in notebook.cells:
        entry = exercise(cell)
        if entry is None:
            order.append(cell)
            continue
        if entry["question"] not in groups:
            groups[entry["question"]] = {role: [] for role in ROLES}
            order.append(entry["question"])
        groups[entry["question"]][entry["role"]].append(cell)
    for item in order:
        if not isinstance(item, str):
            cells.append(item)
            continue
        group = groups[item]
        prompt = exercise(group["prompt"][0])
        cells.append(raw(f"# BEGIN QUESTION\nname: {item}\npoints: {prompt['points']}"))
        cells += group["prompt"]
        cells += [raw("# BEGIN SOLUTION"), *group["answer"], *group["solution"], raw("# END SOLUTION")]
        cells += [raw("# BEGIN TESTS"), *group["check"], raw("# END TESTS")]
        cells.append(raw("# END QUESTION"))
    return nbformat.v4.new_notebook(cells=cells, metadata=notebook.metadata)


def assignment_config():
    """otter's configuration: Colab-ready student notebooks, test files, an autograder zip."""
    site = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]
    return {
        "name": None,  # filled per notebook
        "runs_on": "colab",            # installs otter in the notebook; runs locally as well
        "tests": {"files": True, "ok_format": True},  # Colab has no notebook file to read tests from
        "init_cell": True,
        "check_all_cell": True,
        "export_cell": False,          # students hand in the .ipynb itself (Colab: File > Download)
        "run_tests": False,            # the test suite executes every notebook instead
        "requirements": [f"dl-training-lab @ git+{site['url']}@{site['branch']}"],
        "generate": {"pdf": False, "show_stdout": True},
    }


def fetch_tests_cell(tests_url, names):
    """A cell that downloads the public tests when the notebook has no tests folder (Colab).

    otter downloads tests only on JupyterLite, so the student notebook does it itself.
    """
    return nbformat.v4.new_code_cell(
        "# Without a tests folder beside the notebook (on Colab), fetch the public tests once.\n"
        "import os, urllib.request\n"
        "if not os.path.isdir(\"tests\"):\n"
        "    os.makedirs(\"tests\")\n"
        f"    for name in {names!r}:\n"
        f"        urllib.request.urlretrieve(f\"{tests_url}{{name}}.py\", f\"tests/{{name}}.py\")"
    )


def assign(source, out, publish_url=None):
    """Write <out>/<language>/<topic>/{student,autograder} for one book notebook.

    With `publish_url`, the address where <out> will be published, the student notebook
    downloads its public tests from there when it has none beside it (so a Colab user needs
    only the notebook).
    """
    from otter.assign import main as otter_assign  # slow import: only when assigning

    source = pathlib.Path(source).resolve()
    language, topic = source.parent.name, source.stem
    notebook = nbformat.read(source, as_version=4)
    validate(notebook, f"{language}/{topic}")
    config = assignment_config()
    config["name"] = f"{topic}-{language}"
    target = pathlib.Path(out).resolve() / language / topic
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        master_path = pathlib.Path(tmp) / source.name
        nbformat.write(master(notebook, config), master_path)
        with contextlib.redirect_stdout(io.StringIO()):  # otter narrates every step
            otter_assign(str(master_path), str(target), no_pdfs=True, no_run_tests=True)
    student_path = target / "student" / source.name
    student = nbformat.read(student_path, as_version=4)
    for cell in student.cells:
        for english, translated in OTTER_PROSE.get(language, {}).items():
            cell.source = cell.source.replace(english, translated)
    if publish_url:
        tests_url = f"{publish_url.rstrip('/')}/{language}/{topic}/student/tests/"
        names = [entry["question"] for entry in questions(notebook)]
        init = next(i for i, c in enumerate(student.cells) if c.source.startswith("# Initialize Otter"))
        student.cells.insert(init, fetch_tests_cell(tests_url, names))
    nbformat.write(student, student_path)
    return target


def book_notebooks():
    return sorted((ROOT / "book").glob("*/*.ipynb"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "dist")
    parser.add_argument("--publish-url", help="the address where the output folder will be "
                        "published (e.g. a GitHub repository's raw URL): student notebooks then "
                        "download their public tests from it; without it, the tests folder must "
                        "sit next to the notebook (on Colab: upload it)")
    args = parser.parse_args()
    for source in args.notebooks or book_notebooks():
        print(source, "->", assign(source, args.out, args.publish_url))


if __name__ == "__main__":
    main()
