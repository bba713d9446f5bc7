"""lab.report: Persian digits where a Persian reader reads numbers, and nowhere else."""
import numpy as np
import pytest

import lab
from lab.report import glue, paper_table, persian_digits


@pytest.mark.parametrize("text, expected", [
    ("0.604 در برابر 1,000", "۰٫۶۰۴ در برابر ۱٬۰۰۰"),
    ("−0.012 و +1.2", "−۰٫۰۱۲ و +۱٫۲"),
    ("5تایی", "۵تایی"),                                    # next to Persian letters: a number
    ("MNIST-1D، ℓ2، 1cycle، 6a، β1، top-1", "MNIST-1D، ℓ2، 1cycle، 6a، β1، top-1"),  # part of a name
    ("δ = 1e-8", "δ = 1e-8"),                               # scientific notation stays Latin
    ("$x_1 = 0.5$ و `SGD(0.1)` و 0.5", "$x_1 = 0.5$ و `SGD(0.1)` و ۰٫۵"),  # math and code stay
])
def test_persian_digits(text, expected):
    assert persian_digits(text) == expected


def test_persian_digits_names_a_wrong_argument():
    with pytest.raises(TypeError, match="text must be a str"):
        persian_digits(0.5)


@pytest.mark.parametrize("language, expected", [
    ("en", "| Paper says | We measured |\n|---|---|\n| a 0.5 | b 2 |"),
    ("fa", "| مقاله می‌گوید | ما اندازه گرفتیم |\n|---|---|\n| a ۰٫۵ | b ۲ |"),
])
def test_paper_table_in_the_page_language(language, expected, monkeypatch):
    shown = []
    monkeypatch.setattr(lab.report, "display", shown.append)
    lab.plots.use_language(language)
    try:
        paper_table([("a 0.5", "b 2")])
    finally:
        lab.plots.use_language("en")
    assert shown[0].data == expected


def test_paper_table_rejects_rows_that_are_not_pairs():
    with pytest.raises(ValueError, match="each row must be"):
        paper_table([("only one",)])
    with pytest.raises(ValueError, match="columns must be two headers"):
        paper_table([("a", "b")], columns=("one",))


def test_glue_takes_numbers_and_identifiers():
    with pytest.raises(ValueError, match="name must be a Python identifier"):
        glue("not a name", 1.0)
    with pytest.raises(TypeError, match="value must be a number"):
        glue("accuracy", "0.5")


def test_glue_stores_numpy_scalars_as_python_numbers(monkeypatch):
    myst_nb = pytest.importorskip("myst_nb")
    stored = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: stored.update({name: (value, display)}))
    glue("accuracy", np.float32(0.5))
    assert stored == {"accuracy": (0.5, False)} and type(stored["accuracy"][0]) is float
