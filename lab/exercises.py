"""Helpers for the exercises' checks.

A public check runs on the student's machine and its code is visible there (otter prints a
failing line), so it must not contain the answer. For an answer that is a number or a choice,
it compares a *fingerprint*: a short one-way code of the answer, rounded first so that equal
answers written differently agree. The hidden checks, which only the grader runs, compare the
values themselves.
"""
import hashlib

import numpy as np


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
