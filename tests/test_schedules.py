"""lab.optimizers.schedules against Keras' schedules and, for PowerDecay (c ≠ 1) and
OneCycle, against the slide's formulas in NumPy; at the end, Keras' own schedule tests run on lab."""
import inspect
import json

import keras
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import reference
from lab import optimizers
from lab.optimizers import schedules

STEPS = np.arange(0, 1001)


def values(schedule, steps=STEPS):
    return np.array([float(schedule(int(t))) for t in steps])


@pytest.mark.parametrize("name,args", [
    ("ExponentialDecay", (0.1, 100, 0.1)),
    ("ExponentialDecay", (0.01, 37, 0.5, True)),
    ("InverseTimeDecay", (0.1, 100, 1.0)),
    ("InverseTimeDecay", (0.5, 50, 0.3, True)),
    ("PiecewiseConstantDecay", ([100, 500], [0.1, 0.01, 0.001])),
    ("PiecewiseConstantDecay", ([0, 1], [1.0, 2.0, 4.0])),
])
def test_equals_keras(name, args):
    ours = values(getattr(schedules, name)(*args))
    theirs = values(getattr(keras.optimizers.schedules, name)(*args))
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@settings(max_examples=40, deadline=None)
@given(lr0=st.floats(1e-4, 1.0), s=st.floats(1.0, 500.0), c=st.floats(0.0, 3.0))
def test_power_decay_is_the_slides_formula(lr0, s, c):
    steps = np.array([0, 1, 7, 50, 333, 1000])
    np.testing.assert_allclose(values(schedules.PowerDecay(lr0, s, c), steps),
                               reference.power_schedule(steps, lr0, s, c), rtol=1e-5)


def test_power_decay_with_c_1_is_keras_inverse_time_decay():
    np.testing.assert_allclose(values(schedules.PowerDecay(0.1, 20, 1.0)),
                               values(keras.optimizers.schedules.InverseTimeDecay(0.1, 20, 1.0)),
                               rtol=1e-6)


@settings(max_examples=40, deadline=None)
@given(lr_max=st.floats(1e-3, 1.0), total=st.integers(3, 2000), fraction=st.floats(0.05, 0.5))
def test_one_cycle_is_smiths_policy(lr_max, total, fraction):
    schedule = schedules.OneCycle(lr_max, total, annihilation_fraction=fraction)
    steps = np.unique(np.linspace(0, total + 5, 40).astype(int))
    expected = [reference.one_cycle(t, lr_max, total, lr_max / 10, lr_max / 10000, fraction)
                for t in steps]
    # float32 arithmetic: errors of a few ulps of the largest rate in play
    np.testing.assert_allclose(values(schedule, steps), expected, rtol=1e-5, atol=1e-6 * lr_max)


def test_one_cycle_shape():
    lr = values(schedules.OneCycle(1.0, 1000))
    peak = int(np.argmax(lr))
    assert peak == 450 and lr[peak] == pytest.approx(1.0)
    assert lr[0] == pytest.approx(0.1) and lr[900] == pytest.approx(0.1)
    assert lr[-1] == pytest.approx(1e-4, rel=1e-5)  # float32


def test_schedules_work_inside_compiled_training(xla):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    schedule = schedules.OneCycle(0.05, 20)
    optimizer = keras.optimizers.SGD(schedule)
    model.compile(optimizer, "mse", jit_compile=True)
    assert model.jit_compile is True
    model.fit(np.ones((40, 3)), np.ones((40, 1)), batch_size=2, verbose=0)
    assert float(optimizer.learning_rate) == pytest.approx(float(schedule(20)))


@pytest.mark.parametrize("make,argument", [
    (lambda: schedules.PowerDecay(0.1, 0), "decay_steps"),
    (lambda: schedules.PowerDecay(-0.1, 10), "initial_learning_rate"),
    (lambda: schedules.ExponentialDecay(0.1, -5, 0.1), "decay_steps"),
    (lambda: schedules.InverseTimeDecay(0.1, 0, 1.0), "decay_steps"),
    (lambda: schedules.ExponentialDecay(0.1, 10, 0.0), "decay_rate"),
    (lambda: schedules.PiecewiseConstantDecay([], [0.1]), "boundaries"),
    (lambda: schedules.PiecewiseConstantDecay([10], [0.1]), "values"),
    (lambda: schedules.PiecewiseConstantDecay([10, 5], [0.1, 0.2, 0.3]), "boundaries"),
    (lambda: schedules.OneCycle(0.1, 0), "total_steps"),
    (lambda: schedules.OneCycle(0.1, 100, initial_learning_rate=1.0), "initial_learning_rate"),
    (lambda: schedules.OneCycle(0.1, 100, annihilation_fraction=1.0), "annihilation_fraction"),
    (lambda: schedules.OneCycle(0.1, 100, annihilation_fraction=0.0), "annihilation_fraction"),
    (lambda: schedules.OneCycle(float("nan"), 100), "max_learning_rate"),
])
def test_rejects_bad_arguments(make, argument):
    with pytest.raises(ValueError, match=argument):
        make()


def test_config_round_trip():
    for schedule in [schedules.PowerDecay(0.1, 10, 2.0), schedules.OneCycle(0.1, 100),
                     schedules.ExponentialDecay(0.1, 10, 0.5),
                     schedules.PiecewiseConstantDecay([5], [0.1, 0.01])]:
        clone = type(schedule).from_config(schedule.get_config())
        np.testing.assert_allclose(values(clone, [0, 3, 70]), values(schedule, [0, 3, 70]))


# ------------------- Keras' own tests (keras/src/optimizers/schedules/learning_rate_schedule_test.py)

TWINS = ["InverseTimeDecay", "ExponentialDecay", "PiecewiseConstantDecay"]


@pytest.mark.parametrize("name", TWINS)
def test_every_keras_argument_is_accepted_with_keras_default(name):
    ours = inspect.signature(getattr(schedules, name)).parameters
    theirs = inspect.signature(getattr(keras.optimizers.schedules, name)).parameters
    assert [(p.name, p.default) for p in ours.values()] == [(p.name, p.default) for p in theirs.values()]


@pytest.mark.parametrize("name,kwargs", [
    ("ExponentialDecay", dict(initial_learning_rate=0.05, decay_steps=10, decay_rate=0.96,
                              staircase=True, name="my_ed")),
    ("PiecewiseConstantDecay", dict(boundaries=[10, 20], values=[1.0, 2.0, 3.0], name="my_pcd")),
    ("InverseTimeDecay", dict(initial_learning_rate=0.05, decay_steps=10, decay_rate=0.96,
                              staircase=True, name="my_itd")),
])
def test_config_like_keras(name, kwargs):
    """test_config (run_class_serialization_test); the config is Keras' config."""
    schedule = getattr(schedules, name)(**kwargs)
    config = schedule.get_config()
    assert json.dumps(type(schedule).from_config(config).get_config()) == json.dumps(config)
    revived = keras.optimizers.schedules.deserialize(
        json.loads(json.dumps(keras.optimizers.schedules.serialize(schedule))))
    assert type(revived) is type(schedule) and revived.get_config() == config
    assert config == getattr(keras.optimizers.schedules, name)(**kwargs).get_config()


def test_exponential_decay_continuous_and_staircase():
    assert float(schedules.ExponentialDecay(0.05, 10, 0.96)(5)) == pytest.approx(
        0.05 * 0.96 ** 0.5, rel=1e-6)
    step = keras.Variable(1.0)
    decayed = schedules.ExponentialDecay(0.1, 3, 0.96, staircase=True)
    for value, expected in [(1, 0.1), (2, 0.1), (100, 0.1 * 0.96 ** (100 // 3))]:
        step.assign(value)
        assert float(decayed(step)) == pytest.approx(expected, rel=1e-6)


def test_piecewise_values_and_int64_steps():
    x = keras.Variable(-999.0)
    decayed = schedules.PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001])
    for value, expected in [(-999, 1.0), (100, 1.0), (105, 0.1), (110, 0.1), (120, 0.01),
                            (999, 0.001)]:
        x.assign(value)
        assert float(decayed(x)) == pytest.approx(expected, rel=1e-6)
    step = keras.Variable(0, dtype="int64", trainable=False)
    decayed = schedules.PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7])
    for value, expected in [(0, 0.4), (1, 0.4), (2, 0.5), (3, 0.6), (4, 0.7)]:
        step.assign(value)
        assert float(decayed(step)) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("staircase", [False, True])
def test_inverse_time_decay(staircase):
    step = keras.Variable(0.0)
    decayed = schedules.InverseTimeDecay(0.1, 10, 0.96, staircase=staircase)
    for i in range(11):
        progress = i // 10 if staircase else i / 10
        assert float(decayed(step)) == pytest.approx(0.1 / (1 + 0.96 * progress), rel=1e-6)
        step.assign(step + 1)


def test_fit_lr_correctness():
    """TestFitLRSchedulesFlow: lab's Adam on lab's ExponentialDecay gives Keras' losses."""
    model = keras.Sequential([keras.layers.Dense(2, kernel_initializer="ones",
                                                 bias_initializer="ones")])
    optimizer = optimizers.Adam(learning_rate=schedules.ExponentialDecay(
        initial_learning_rate=0.05, decay_steps=1, decay_rate=0.9))
    assert len(optimizer.variables) == 1 and optimizer.variables[0] == 0
    model.compile(optimizer=optimizer, loss="mse")
    x = y = np.arange(32).reshape((16, 2))
    history = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
    assert optimizer.variables[0] == 4 * 3
    np.testing.assert_allclose(history.history["loss"],
                               [230.79457092285156, 128.30319213867188, 79.33648681640625],
                               rtol=5e-5)
