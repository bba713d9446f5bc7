"""The book's notebooks as tests: `pytest --nbval-lax book/en/dropout.ipynb` (or `book/`).

nbval runs every code cell of a notebook in one kernel and fails on any error; the cells assert
what they show. For the notebooks of this book, this plugin adds in the same kernel and run:

- after the lesson, before the first exercise: the student version's otter cells (otter's
  set-up and the unanswered stubs that tools/assign.py makes), then every question's check,
  which must all report failure: a check must tell an unanswered exercise from an answered
  one, with the lesson's variables around;
- after the last cell, once the book's answers have run: otter's checks, which must all pass
  (the book's own check cells, hidden ones included, have already run as cells);
- with BOOK_EXECUTION_CACHE set (as `make test` does), the run is stored in Jupyter Book's
  execution cache as the notebook's execution, outputs and widget states included, so the
  site is built from it instead of running every notebook again.
"""
import collections
import contextlib
import copy
import fcntl
import os
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from lab import exercises
from tools import assign  # the student versions (otter loads when used); root on pythonpath

BOOK = Path(__file__).resolve().parent


class BookRun:
    """One notebook's nbval run: the student's cells it adds and the outputs it records."""

    UNSOLVED = ("student version: otter's set-up", "student version: the unanswered stubs",
                "student version: every check fails")
    SOLVED = "book's answers: every otter check passes"

    def __init__(self, file, folder):
        self.file, self.folder = file, folder
        self.book = nbformat.read(file.path, as_version=4)
        self.names = [entry["question"] for entry in exercises.questions(self.book)]
        self.executed = copy.deepcopy(self.book)
        self.code_cells = [cell for cell in self.executed.cells if cell.cell_type == "code"]
        self.student_cells = {}  # item name -> the cell it runs, written by prepare()
        self.client, self.msg_id, self.cell, self.index = None, None, None, None
        self.failed, self.started = False, None
        self.last_item = None

    def prepare(self):
        """The student version (tools/assign.py, otter), made when the notebook's run starts."""
        target = assign.assign(self.file.path, self.folder)
        student = nbformat.read(target / "student" / self.file.path.name, as_version=4)
        self.student_folder = target / "student"
        self.init = next(c.source for c in student.cells if c.source.startswith("# Initialize Otter"))
        self.stubs = [c.source for c in student.cells
                      if "otter_answer_cell" in c.metadata.get("tags", [])]
        for name, source in self.unsolved_cells() + [self.solved_cell()]:
            self.student_cells[name].source = source

    def in_student_folder(self, code):
        """`code` run with the student notebook's folder as working directory (otter reads
        its tests and writes its log there), then back to the book's folder."""
        body = "\n".join("    " + line for line in code.splitlines())
        return (f"import os as _os\n_book_folder = _os.getcwd()\n_os.chdir({str(self.student_folder)!r})\n"
                f"try:\n{body}\nfinally:\n    _os.chdir(_book_folder)")

    def unsolved_cells(self):
        checks = f"_unsolved = {{q: grader.check(q).passed_all for q in {self.names!r}}}"
        return list(zip(self.UNSOLVED, [
            self.in_student_folder(self.init), "\n\n".join(self.stubs),
            self.in_student_folder(checks) +
            "\nassert not any(_unsolved.values()), f'checks pass unanswered: {_unsolved}'"]))

    def solved_cell(self):
        checks = f"_solved = {{q: grader.check(q).passed_all for q in {self.names!r}}}"
        return (self.SOLVED, self.in_student_folder(checks) +
                "\nassert all(_solved.values()), f'checks fail on the answers: {_solved}'")

    # ---- recording, through nbclient's own handling of kernel messages (outputs, widgets)

    def attach(self, kernel):
        """Follow what the kernel sends for each cell, as nbclient would when executing."""
        from nbclient import NotebookClient

        self.client = NotebookClient(self.executed, record_timing=False)
        self.client.kc = kernel.kc
        self.client.reset_execution_trackers()
        reply = kernel.kc.kernel_info(reply=True, timeout=60)
        self.executed.metadata["language_info"] = reply["content"]["language_info"]
        execute = kernel.execute_cell_input

        def execute_and_remember(*args, **kwargs):
            self.msg_id = execute(*args, **kwargs)
            return self.msg_id

        kernel.execute_cell_input = execute_and_remember
        get_message = self.file.get_kernel_message

        def get_and_record(*args, **kwargs):
            message = get_message(*args, **kwargs)
            if message["parent_header"].get("msg_id") == self.msg_id:
                from nbclient.exceptions import CellExecutionComplete

                with contextlib.suppress(CellExecutionComplete):
                    self.client.process_message(message, self.cell, self.index)
            return message

        self.file.get_kernel_message = get_and_record

    def before(self, item):
        book_cell = getattr(item, "book_cell_number", None)
        if book_cell is None:  # a cell of the student version: its outputs are not the book's
            self.cell, self.index = nbformat.v4.new_code_cell(), -1
        else:
            self.cell, self.index = self.code_cells[book_cell], book_cell
        self.client.clear_before_next_output = False
        self.started = self.started or time.perf_counter()

    def store(self):
        """The run, as the book notebook's execution, into Jupyter Book's cache."""
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn

        for count, cell in enumerate(self.code_cells, start=1):
            cell.execution_count = count
        self.client.set_widgets_metadata()
        folder = os.environ["BOOK_EXECUTION_CACHE"]
        os.makedirs(folder, exist_ok=True)
        seconds = time.perf_counter() - self.started
        with open(os.path.join(folder, ".lock"), "w") as lock:  # xdist: one writer at a time
            fcntl.flock(lock, fcntl.LOCK_EX)
            cache = get_cache(folder)
            cache.cache_notebook_bundle(CacheBundleIn(self.executed, str(self.file.path),
                                                      data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            assert cache.match_cache_notebook(self.book), f"{self.file.path}: stored run does not match"


RUNS = pytest.StashKey[dict]()


def pytest_configure(config):
    config.stash[RUNS] = {}


def pytest_collection_modifyitems(session, config, items):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        return
    folder = Path(tempfile.mkdtemp(prefix="book-students-"))
    config.add_cleanup(lambda: __import__("shutil").rmtree(folder, ignore_errors=True))
    files = collections.defaultdict(list)
    for item in items:
        if isinstance(item, IPyNbCell) and BOOK in item.path.parents:
            files[item.parent].append(item)
    if not files:
        return
    added = {}
    for file, cells in files.items():
        run = config.stash[RUNS][file.nodeid] = BookRun(file, folder)

        def cell(name):
            new = IPyNbCell.from_parent(file, name=name, cell_num=-1, cell=nbformat.v4.new_code_cell(),
                                        options=collections.defaultdict(bool, check=False))
            new.book_run, run.student_cells[name] = run, new.cell
            return new

        for item in cells:
            item.book_run, item.book_cell_number = run, item.cell_num
        first_exercise = next((item for item in cells if item.cell.metadata.get("exercise")), None)
        if first_exercise is None:
            run.last_item = cells[-1]
            continue
        added[first_exercise] = [cell(name) for name in BookRun.UNSOLVED]
        run.last_item = added[cells[-1], "after"] = cell(BookRun.SOLVED)
    ordered = []
    for item in items:
        after = added.get((item, "after"))
        ordered += added.get(item, []) + [item] + ([after] if after else [])
    items[:] = ordered


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    yield
    run = getattr(item, "book_run", None)
    if run is not None and run.client is None and run.file.kernel is not None:
        run.prepare()
        run.attach(run.file.kernel)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    run = getattr(item, "book_run", None)
    if run is not None and run.client is not None:
        run.before(item)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    run = getattr(item, "book_run", None)
    if run is not None and outcome.get_result().failed:
        run.failed = True
    if (run is not None and item is run.last_item and call.when == "call" and not run.failed
            and os.environ.get("BOOK_EXECUTION_CACHE")):
        run.store()
