"""book/conftest.py, the plugin around nbval's run of a book notebook, on a tiny notebook:
a lesson cell, then one exercise (prompt, answer, check)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def run_probe(tmp_path, answer, check):
    """pytest --nbval-lax on the probe notebook, in a copy of the book's layout."""
    (tmp_path / "book" / "en").mkdir(parents=True)
    shutil.copy(ROOT / "book" / "conftest.py", tmp_path / "book")
    (tmp_path / "tools").symlink_to(ROOT / "tools")

    def exercise(role, **entry):
        return {"exercise": {"question": "q1", "role": role, **entry}}

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("lesson = 2\nprint('the lesson ran')"),
        nbformat.v4.new_markdown_cell("**1.** Copy the lesson's number.",
                                      metadata=exercise("prompt", kind="understanding", points=1)),
        nbformat.v4.new_code_cell(answer, metadata=exercise("answer")),
        nbformat.v4.new_code_cell(check, metadata=exercise("check")),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, tmp_path / "book" / "en" / "probe.ipynb")
    env = {**os.environ, "BOOK_EXECUTION_CACHE": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                             "--nbval-lax", "--nbval-current-env", "book/en/probe.ipynb"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    return result, tmp_path / "cache"


def stored_outputs(cache_folder):
    from jupyter_cache import get_cache

    records = get_cache(str(cache_folder)).list_cache_records()
    if not records:
        return None
    notebook = get_cache(str(cache_folder)).get_cache_bundle(records[0].pk).nb
    return [cell.outputs for cell in notebook.cells if cell.cell_type == "code"]


def test_a_sound_exercise_passes_and_its_run_is_stored(tmp_path):
    result, cache = run_probe(tmp_path, "answer = lesson  # SOLUTION", "assert answer == lesson")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 passed" in result.stdout  # 3 cells, 3 of the student version, otter's checks
    outputs = stored_outputs(cache)
    assert outputs is not None and outputs[0][0]["text"] == "the lesson ran\n"


def test_a_check_that_passes_unanswered_fails(tmp_path):
    result, cache = run_probe(tmp_path, "answer = lesson  # SOLUTION", "assert lesson == 2")
    assert result.returncode == 1 and "checks pass unanswered" in result.stdout, result.stdout
    assert stored_outputs(cache) is None


def test_a_wrong_answer_fails_and_is_not_stored(tmp_path):
    result, cache = run_probe(tmp_path, "answer = 3  # SOLUTION", "assert answer == lesson")
    assert result.returncode == 1 and "AssertionError" in result.stdout, result.stdout
    assert stored_outputs(cache) is None
