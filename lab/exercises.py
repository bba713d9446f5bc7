"""The exercises: how the notebooks mark them, and helpers for their checks.

An exercise is a run of cells whose metadata has an "exercise" entry,
{"question": "q1", "role": ROLE}:

- "prompt": the question (Markdown). Its entry also has "kind" (understanding, experiment or
  implement) and "points".
- "answer": the code the student writes. Lines between `# BEGIN SOLUTION` and `# END SOLUTION`
  (or ending in `# SOLUTION`) are the solution; the student gets `...` instead.
- "check": one test (code). Public unless its first line is `# HIDDEN`: public tests are
  copied to the student, so they must not reveal the answer (see `fingerprint`).
- "solution": the explanation (Markdown, a dropdown on the website).

`validate` enforces this; tools/assign.py turns the notebooks into student versions with it.

A public check runs on the student's machine and its code is visible there (otter prints a
failing line), so it must not contain the answer. For an answer that is a number or a choice,
it compares a *fingerprint*: a short one-way code of the answer, rounded first so that equal
answers written differently agree. The hidden checks, which only the grader runs, compare the
values themselves.
"""
import hashlib

import numpy as np

ROLES = ("prompt", "answer", "check", "solution")
KINDS = ("understanding", "experiment", "implement")


def entry(cell):
    """The cell's exercise entry ({"question", "role", ...}), or None."""
    return cell.get("metadata", {}).get("exercise")


def questions(notebook):
    """The prompts' entries, in order: one per exercise."""
    return [entry(c) for c in notebook.cells if (entry(c) or {}).get("role") == "prompt"]


def validate(notebook, where):
    """Raise ValueError unless the exercises are well formed (see the module docstring)."""
    seen, current = set(), None
    for i, cell in enumerate(notebook.cells):
        marks = entry(cell)
        if marks is None:
            if current is not None and cell.cell_type == "code":
                raise ValueError(f"{where}, cell {i}: code between exercises must belong to one")
            continue
        role, name = marks.get("role"), marks.get("question")
        if role not in ROLES:
            raise ValueError(f"{where}, cell {i}: role must be one of {ROLES}, got {role!r}")
        if role == "prompt":
            if name in seen:
                raise ValueError(f"{where}, cell {i}: question {name!r} appears twice")
            if marks.get("kind") not in KINDS:
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
    for prompt in questions(notebook):
        checks = [c for c in notebook.cells
                  if entry(c) == {"question": prompt["question"], "role": "check"}]
        if not checks:
            raise ValueError(f"{where}: question {prompt['question']!r} has no check")


def fingerprint(answer, digits=3):
    """A 10-character code of `answer` that says whether two answers agree, not what they are.

    Numbers are rounded to `digits` significant digits (0.00095367 and 9.54e-4 agree), strings
    are compared without case and surrounding spaces, and sequences element by element.
    """
    if not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be an integer >= 1, got {digits!r}")
    return hashlib.sha256(_canonical(answer, digits).encode()).hexdigest()[:10]


def _canonical(answer, digits):
    if isinstance(answer, str):
        return "s:" + answer.strip().lower()
    if isinstance(answer, (bool, np.bool_)):
        return f"b:{bool(answer)}"
    if isinstance(answer, (int, float, np.integer, np.floating)):
        return f"n:{float(answer):.{digits - 1}e}"
    if isinstance(answer, (list, tuple, np.ndarray)):
        return "[" + ",".join(_canonical(a, digits) for a in answer) + "]"
    raise TypeError(
        f"answer must be a number, a string, a bool or a sequence of them, got {type(answer).__name__}"
    )
