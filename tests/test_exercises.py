"""The exercises: well formed in both languages, safe to hand out, and graded correctly.

tools/assign.py makes the student versions (otter-grader) from the book's notebooks. Here:

- every topic notebook has at least one exercise of each kind (understanding, experiment,
  implement), and its Persian twin has the same exercises (names, kinds, points, code);
- no solution and no hidden test reaches a student version (its notebook or its tests folder);
- the student version runs the book's lesson code unchanged, with every exercise after it.

Running them is nbval's job (`pytest --nbval-lax book/`): book/conftest.py adds, in the same
kernel, the student version's stubs and checks after the lesson (every check must report
failure) and otter's checks after the book's answers (every check must pass).
"""
import ast
import functools
import http.server
import threading
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lab import exercises
from lab.exercises import fingerprint
from tools import assign  # the repository root is on pytest's pythonpath (pyproject.toml)

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOKS = [path.relative_to(ROOT / "book").as_posix() for path in assign.book_notebooks()]
TOPICS = sorted({Path(name).stem for name in NOTEBOOKS})


def book(name):
    return nbformat.read(ROOT / "book" / name, as_version=4)


def exercise_cells(notebook):
    return [cell for cell in notebook.cells if exercises.entry(cell)]


def role(cell):
    return exercises.entry(cell)["role"]


@pytest.fixture(scope="session")
def assigned(tmp_path_factory):
    """Every notebook through tools/assign.py once: {"en/topic.ipynb": output folder}."""
    out = tmp_path_factory.mktemp("dist")
    return {name: assign.assign(ROOT / "book" / name, out) for name in NOTEBOOKS}


@pytest.mark.parametrize("topic", TOPICS)
def test_every_kind_of_exercise_in_both_languages(topic):
    english, persian = book(f"en/{topic}.ipynb"), book(f"fa/{topic}.ipynb")
    for language, notebook in (("en", english), ("fa", persian)):
        exercises.validate(notebook, f"{language}/{topic}")
    kinds = {entry["kind"] for entry in exercises.questions(english)}
    assert kinds == set(exercises.KINDS), f"{topic}: exercises of every kind needed, found {kinds}"
    assert exercises.questions(english) == exercises.questions(persian), \
        f"{topic}: the twins' exercises differ (names, kinds or points)"
    en_cells, fa_cells = exercise_cells(english), exercise_cells(persian)
    assert [exercises.entry(c) for c in en_cells] == [exercises.entry(c) for c in fa_cells]
    for en_cell, fa_cell in zip(en_cells, fa_cells):
        if en_cell.cell_type == "code":
            assert en_cell.source == fa_cell.source, f"{topic}: {exercises.entry(en_cell)} differs"


def solution_lines(cell):
    """The lines of an answer cell that otter must remove (marked ones and marked blocks)."""
    lines, inside = [], False
    for line in cell.source.splitlines():
        marker = line.strip()
        if marker == "# BEGIN SOLUTION":
            inside = True
        elif marker == "# END SOLUTION":
            inside = False
        elif inside or line.rstrip().endswith("# SOLUTION"):
            code = line.split("# SOLUTION")[0].strip()
            # `x = 1  # SOLUTION` leaves `x = ...`: only the part after "=" is secret
            lines.append(code.split("=", 1)[1].strip() if "=" in code and not inside else code)
    return [line for line in lines if len(line) > 3]


def is_hidden(cell):
    return cell.source.lstrip().startswith("# HIDDEN")


def normalized(code):
    """Code as otter writes tests (ast.unparse): comments and formatting do not matter."""
    return ast.unparse(ast.parse(code))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_student_version_leaks_nothing(assigned, name):
    notebook = book(name)
    student = assigned[name] / "student"
    student_notebook = nbformat.read(student / Path(name).name, as_version=4)
    # Where a solution could leak: the prose and otter's cells (the answer stubs among them);
    # the lesson's code is the book's own and may well contain a line like `plt.show()`.
    student_text = "\n".join(cell.source for cell in student_notebook.cells
                             if cell.cell_type == "markdown" or added_by_otter(cell))
    tests_text = "\n".join(path.read_text(encoding="utf-8") for path in (student / "tests").glob("*"))
    assert "SOLUTION" not in student_text and "HIDDEN" not in student_text
    for cell in exercise_cells(notebook):
        if role(cell) == "answer":
            for line in solution_lines(cell):
                assert line not in student_text, f"{name}: solution line in the student notebook: {line}"
        elif role(cell) == "solution":
            body = cell.source.strip()
            assert body[:60] not in student_text, f"{name}: a solution's text is in the student notebook"
        elif role(cell) == "check" and is_hidden(cell):
            for line in normalized(cell.source).splitlines():
                assert len(line) <= 3 or (line not in student_text and line not in tests_text), \
                    f"{name}: a hidden test line reached the student: {line}"
    checks = [cell for cell in notebook.cells if exercises.entry(cell) and role(cell) == "check"]
    assert tests_text.count("'hidden': False") == sum(not is_hidden(c) for c in checks)
    assert "'hidden': True" not in tests_text
    # The autograder keeps every test, hidden ones included.
    grader_tests = "\n".join(p.read_text(encoding="utf-8")
                             for p in (assigned[name] / "autograder" / "tests").glob("*.py"))
    assert grader_tests.count("'hidden': True") == sum(is_hidden(c) for c in checks)


def added_by_otter(cell):
    """otter's set-up and check cells, and the students' answer cells."""
    return ("otter_answer_cell" in cell.metadata.get("tags", [])
            or cell.source.startswith(("%pip install -q otter-grader", "# Initialize Otter",
                                       "grader.check")))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_student_version_runs_the_book_code(assigned, name):
    """The student version keeps the lesson's code unchanged (book/conftest.py runs it, with
    the unanswered stubs and the checks, when nbval executes the book's notebook)."""
    notebook = book(name)
    student = nbformat.read(assigned[name] / "student" / Path(name).name, as_version=4)
    lesson = [c.source for c in student.cells if c.cell_type == "code" and not added_by_otter(c)]
    assert lesson == [c.source for c in notebook.cells if c.cell_type == "code" and not exercises.entry(c)], \
        f"{name}: the student version must run the book's code unchanged"
    book_code = [c for c in notebook.cells if c.cell_type == "code"]
    first_exercise = next(i for i, c in enumerate(book_code) if exercises.entry(c))
    assert not any(exercises.entry(c) is None for c in book_code[first_exercise:]), \
        f"{name}: the exercises come after the whole lesson"


def test_fingerprint_agrees_on_equal_answers_only():
    assert fingerprint(0.00095367) == fingerprint(9.54e-4) == fingerprint(np.float32(9.537e-4))
    assert fingerprint((1, 1.0)) == fingerprint(np.array([1.0, 1.0])) == fingerprint([1.0, 1])
    assert fingerprint(" B ") == fingerprint("b") != fingerprint("c")
    assert fingerprint(0.5) != fingerprint(0.51) and fingerprint(True) != fingerprint(1)
    with pytest.raises(TypeError, match="answer must be"):
        fingerprint({"a": 1})
    with pytest.raises(ValueError, match="digits"):
        fingerprint(1.0, digits=0)


def test_malformed_exercises_are_refused():
    def notebook(*cells):
        return nbformat.v4.new_notebook(cells=list(cells))

    def cell(cell_type, source, **entry):
        new = nbformat.v4.new_markdown_cell if cell_type == "md" else nbformat.v4.new_code_cell
        return new(source, metadata={"exercise": entry})

    prompt = cell("md", "**1.**", question="q1", role="prompt", kind="understanding", points=1)
    answer = cell("code", "x = 1  # SOLUTION", question="q1", role="answer")
    check = cell("code", "assert x == 1", question="q1", role="check")
    exercises.validate(notebook(prompt, answer, check), "ok")
    with pytest.raises(ValueError, match="has no check"):
        exercises.validate(notebook(prompt, answer), "no check")
    with pytest.raises(ValueError, match="needs # BEGIN/END SOLUTION"):
        exercises.validate(notebook(prompt, cell("code", "x = 1", question="q1", role="answer"), check), "")
    with pytest.raises(ValueError, match="must follow its prompt"):
        exercises.validate(notebook(answer, prompt, check), "")
    with pytest.raises(ValueError, match="kind must be one of"):
        exercises.validate(notebook(cell("md", "?", question="q1", role="prompt", kind="quiz", points=1),
                                 answer, check), "")


def test_published_student_notebook_fetches_its_tests(tmp_path, monkeypatch):
    """With --publish-url, a notebook without a tests folder (Colab) downloads the public ones."""
    out = tmp_path / "dist"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        target = assign.assign(ROOT / "book" / "en" / "gradient_clipping.ipynb", out,
                               publish_url=f"http://127.0.0.1:{server.server_address[1]}")
        student = nbformat.read(target / "student" / "gradient_clipping.ipynb", as_version=4)
        fetch = next(c.source for c in student.cells if "urlretrieve" in c.source)
        colab = tmp_path / "colab"
        colab.mkdir()
        monkeypatch.chdir(colab)
        exec(fetch, {})
    finally:
        server.shutdown()
    assert sorted(p.name for p in (colab / "tests").iterdir()) == \
        sorted(p.name for p in (target / "student" / "tests").iterdir())
