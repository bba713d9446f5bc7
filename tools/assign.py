"""Student versions of the chapter's notebooks and their autograders, with otter-grader.

The book's notebooks are the only source; `lab.exercises` defines how an exercise is marked
in them (cells with an "exercise" metadata entry: prompt, answer, check, solution) and
validates it. In the book every cell runs as written, so building the site proves that every
solution passes its checks. This script turns each notebook into an otter "master" notebook (raw cells
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

from lab import exercises

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The prose otter writes into student notebooks, for the Persian ones
OTTER_PROSE = {
    "fa": {
        "To double-check your work, the cell below will rerun all of the autograder tests.":
            "برای بررسی دوبارهٔ کارتان، سلول زیر همهٔ آزمون‌های تصحیح خودکار را دوباره اجرا می‌کند.",
        "_Type your answer here, replacing this text._":
            "_پاسخ خود را اینجا بنویسید و این متن را پاک کنید._",
    },
}


def raw(text):
    return nbformat.v4.new_raw_cell(text)


def master(notebook, config):
    """The otter master notebook: `notebook` with otter's raw delimiter cells around exercises."""
    cells = [raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False))]
    groups = {}  # question -> {role: [cells]}
    order = []   # plain cells and question names, in the book's order
    for cell in notebook.cells:
        entry = exercises.entry(cell)
        if entry is None:
            order.append(cell)
            continue
        if entry["question"] not in groups:
            groups[entry["question"]] = {role: [] for role in exercises.ROLES}
            order.append(entry["question"])
        groups[entry["question"]][entry["role"]].append(cell)
    for item in order:
        if not isinstance(item, str):
            cells.append(item)
            continue
        group = groups[item]
        prompt = exercises.entry(group["prompt"][0])
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
    exercises.validate(notebook, f"{language}/{topic}")
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
        names = [entry["question"] for entry in exercises.questions(notebook)]
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
