"""lab.optimizers against Keras (same model, data, initial weights; 50 steps of model.fit)
and, for the slide's variants and RMSpropNesterov, against NumPy transcriptions."""
import inspect
import math

import keras
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import lab
import reference
from lab import clipping, optimizers
from lab.optimizers import schedules

TOLERANCE = 1e-5  # on every weight after 50 steps (the contract)
rng = np.random.default_rng(0)
X = rng.normal(size=(400, 10)).astype("float32")
Y = rng.integers(0, 3, size=400)
BATCH = 8  # 400 / 8 = 50 steps in one epoch


def mlp():
    keras.utils.set_random_seed(1)  # the same initial weights for both optimizers
    return keras.Sequential([keras.Input((10,)), keras.layers.Dense(16, activation="tanh"),
                             keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)])


def train(optimizer, jit_compile=False):
    model = mlp()
    model.compile(optimizer=optimizer, jit_compile=jit_compile,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert model.jit_compile is jit_compile  # Keras may silently drop XLA
    model.fit(X, Y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    assert int(optimizer.iterations) == 50
    return [w.numpy() for w in model.weights]


def assert_same_training(ours, theirs, jit_compile=False):
    initial = [w.numpy() for w in mlp().weights]
    a, b = train(ours, jit_compile), train(theirs, jit_compile)
    moved = max(float(np.max(np.abs(w - w0))) for w, w0 in zip(b, initial))
    assert moved > 1e-3, "the comparison is vacuous: training did not move the weights"
    gap = max(float(np.max(np.abs(p - q))) for p, q in zip(a, b))
    assert gap <= TOLERANCE, f"max |lab - keras| = {gap:.2e} after 50 steps"


CASES = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"momentum": 0.5, "nesterov": True, "clipnorm": 0.05}),
    ("Adagrad", {}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.0, "epsilon": 1e-6}),
    ("Adagrad", {"learning_rate": 0.1, "global_clipnorm": 0.5}),
    ("RMSprop", {}),
    ("RMSprop", {"rho": 0.8, "epsilon": 1e-6}),
    ("RMSprop", {"momentum": 0.5, "centered": True, "clipvalue": 0.01}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "amsgrad": True}),
    ("Adam", {"weight_decay": 0.01, "global_clipnorm": 1.0}),
    ("Adamax", {}),
    ("Adamax", {"learning_rate": 0.002, "beta_1": 0.5, "epsilon": 1e-5, "clipnorm": 0.1}),
    ("Nadam", {}),
    ("Nadam", {"learning_rate": 0.01, "beta_2": 0.99, "clipvalue": 0.02}),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trains_like_keras(name, kwargs):
    assert_same_training(getattr(optimizers, name)(**kwargs),
                         getattr(keras.optimizers, name)(**kwargs))


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adam", "Adamax", "Nadam"])
def test_trains_like_keras_under_xla(name, xla):
    kwargs = {"momentum": 0.9, "nesterov": True} if name == "SGD" else {}
    assert_same_training(getattr(optimizers, name)(**kwargs),
                         getattr(keras.optimizers, name)(**kwargs), jit_compile=True)


SCHEDULES = [
    ("ExponentialDecay", (0.05, 10, 0.1)),
    ("InverseTimeDecay", (0.05, 5, 1.0, True)),
    ("PiecewiseConstantDecay", ([10, 30], [0.1, 0.03, 0.01])),
]


@pytest.mark.parametrize("schedule,args", SCHEDULES, ids=[s for s, _ in SCHEDULES])
@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_trains_like_keras_with_schedules(name, schedule, args):
    ours = getattr(optimizers, name)(getattr(schedules, schedule)(*args), clipnorm=1.0)
    theirs = getattr(keras.optimizers, name)(
        getattr(keras.optimizers.schedules, schedule)(*args), clipnorm=1.0)
    assert_same_training(ours, theirs)


# --------------------------------------------------- the slide's versions, against NumPy

def start():
    """The least-squares problem's starting point and its exact gradient."""
    x, y = reference.linear_problem()
    return np.random.default_rng(3).normal(size=x.shape[1] + 1), (lambda t: reference.linear_gradient(t, x, y))


def run_linear(optimizer, steps=60, read=lambda opt, theta: theta.numpy()):
    """Full-batch least squares in float64 with `optimizer`; read(optimizer, θ) after each step."""
    theta0, grad = start()
    theta = keras.Variable(theta0, dtype="float64")
    path = []
    for _ in range(steps):
        optimizer.apply([keras.ops.convert_to_tensor(grad(theta.numpy()), "float64")], [theta])
        path.append(np.array(read(optimizer, theta)))
    return path


def assert_close_path(ours, expected, tolerance=1e-9):
    gap = max(float(np.max(np.abs(a - b))) for a, b in zip(ours, expected))
    assert gap <= tolerance, f"max gap {gap:.2e}"


# Float64 runs: hyper-parameters exact in float32 (Keras casts Python floats through float32).
LR, ALPHA, RHO = 2.0**-6, 0.875, 0.875


def test_sgd_nesterov_stores_the_look_ahead_point_of_the_slides_algorithm():
    theta0, grad = start()
    slide = reference.sgd_nesterov_slide(theta0, grad, 60, LR, ALPHA)
    stored = run_linear(optimizers.SGD(LR, momentum=ALPHA, nesterov=True))
    recovered = run_linear(optimizers.SGD(LR, momentum=ALPHA, nesterov=True),
                           read=lambda opt, theta: opt.slide_theta(theta))
    assert_close_path(recovered, [theta for theta, _ in slide])
    assert_close_path(stored, [theta + ALPHA * v for theta, v in slide])


def test_rmsprop_nesterov_follows_the_slide():
    theta0, grad = start()
    slide = reference.rmsprop_nesterov_slide(theta0, grad, 60, LR, RHO, ALPHA, delta=2.0**-20)
    recovered = run_linear(optimizers.RMSpropNesterov(LR, rho=RHO, momentum=ALPHA, epsilon=2.0**-20),
                           read=lambda opt, theta: opt.slide_theta(theta))
    assert_close_path(recovered, [theta for theta, _ in slide])


def test_adagrad_slide_variant_follows_the_slide():
    theta0, grad = start()
    slide = reference.adagrad_slide(theta0, grad, 60, LR, delta=2.0**-20)
    ours = run_linear(optimizers.Adagrad(LR, initial_accumulator_value=0.0, epsilon=2.0**-20,
                                         variant="slide"))
    assert_close_path(ours, slide)


def test_adam_slide_variant_follows_the_slide():
    theta0, grad = start()
    slide = reference.adam_slide(theta0, grad, 60, LR, ALPHA, 1 - 2.0**-10, 2.0**-24)
    ours = run_linear(optimizers.Adam(LR, beta_1=ALPHA, beta_2=1 - 2.0**-10, epsilon=2.0**-24,
                                      variant="slide"))
    assert_close_path(ours, slide)


def test_nadam_paper_variant_follows_dozat():
    theta0, grad = start()
    paper = reference.nadam_paper(theta0, grad, 60, LR, ALPHA, 1 - 2.0**-10, 2.0**-24)
    ours = run_linear(optimizers.Nadam(LR, beta_1=ALPHA, beta_2=1 - 2.0**-10, epsilon=2.0**-24,
                                       variant="paper"))
    assert_close_path(ours, paper, tolerance=1e-7)  # 0.96**(0.004 k) goes through float32
    # ... and it is not the schedule alone (Keras' first moment, β₁, with Dozat's schedule).
    schedule_only = reference.nadam_schedule_only(theta0, grad, 60, LR, ALPHA, 1 - 2.0**-10, 2.0**-24)
    assert max(float(np.max(np.abs(a - b))) for a, b in zip(ours, schedule_only)) > 1e-3


def first_step(optimizer, g):
    variable = keras.Variable(np.zeros(1), dtype="float64")
    optimizer.apply([np.array([g])], [variable])
    return float(variable.numpy()[0])


def test_where_epsilon_sits_matters_for_small_gradients():
    """The slide's and Keras' formulas, one step from θ = 0 with a tiny gradient g."""
    g, eps = 1e-4, 1e-7
    adagrad = dict(learning_rate=1.0, initial_accumulator_value=0.0, epsilon=eps)
    assert first_step(optimizers.Adagrad(**adagrad), g) == pytest.approx(-g / math.sqrt(g * g + eps))
    assert first_step(optimizers.Adagrad(**adagrad, variant="slide"), g) == pytest.approx(-g / (eps + g))
    g, b2 = 1e-7, 0.999
    assert first_step(optimizers.Adam(1.0, epsilon=eps), g) == pytest.approx(
        -g * math.sqrt(1 - b2) / (math.sqrt(1 - b2) * g + eps), rel=1e-4)  # β₂ goes through float32
    assert first_step(optimizers.Adam(1.0, epsilon=eps, variant="slide"), g) == pytest.approx(
        -g / (g + eps), rel=1e-4)


def test_nadam_momentum_schedules():
    """Keras 3 warms μ up within ~100 steps; Dozat's schedule stays near β₁/2 (0.45)."""
    keras_mu = optimizers.Nadam().momentum_schedule
    paper_mu = optimizers.Nadam(variant="paper").momentum_schedule
    assert [round(float(keras_mu(k)), 3) for k in (1, 10, 100)] == [0.468, 0.601, 0.892]
    assert [round(float(paper_mu(k)), 3) for k in (1, 10, 100)] == [0.45, 0.451, 0.457]


def test_rmsprop_nesterov_trains_in_fit_under_xla(xla):
    model = mlp()
    model.compile(optimizers.RMSpropNesterov(0.01), jit_compile=True,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert model.jit_compile is True
    history = model.fit(X, Y, batch_size=BATCH, epochs=3, shuffle=False, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


# ---------------------------------------------------------------- property-based checks

@settings(max_examples=30)
@given(name=st.sampled_from(["SGD", "Adagrad", "RMSprop", "Adam", "Adamax", "Nadam"]),
       shape=st.lists(st.integers(1, 6), min_size=0, max_size=3),
       learning_rate=st.floats(1e-4, 0.5), decay=st.floats(0.0, 0.99),
       seed=st.integers(0, 2**16))
def test_apply_matches_keras_for_any_shape_and_hyperparameters(name, shape, learning_rate,
                                                               decay, seed):
    kwargs = {"learning_rate": learning_rate}
    if name in ("SGD", "RMSprop"):
        kwargs["momentum"] = decay
    if name in ("Adam", "Adamax", "Nadam"):
        kwargs["beta_1"] = decay
    data = np.random.default_rng(seed)
    start_value = data.normal(size=shape).astype("float32")
    grads = [data.normal(size=shape).astype("float32") for _ in range(5)]
    finals = []
    for module in (optimizers, keras.optimizers):
        variable = keras.Variable(start_value)
        optimizer = getattr(module, name)(**kwargs)
        for g in grads:
            optimizer.apply([g], [variable])
        finals.append(variable.numpy())
    np.testing.assert_allclose(finals[0], finals[1], rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------- argument checking

ALL = ["SGD", "Adagrad", "RMSprop", "RMSpropNesterov", "Adam", "Adamax", "Nadam"]


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad", [-0.1, math.inf, math.nan])
def test_rejects_bad_learning_rates(name, bad):
    with pytest.raises(ValueError, match="learning_rate"):
        getattr(optimizers, name)(learning_rate=bad)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad", ["fast", 1, np.float32(0.1)])
def test_rejects_a_learning_rate_of_the_wrong_type_like_keras(name, bad):
    """Neither a float, a schedule nor a callable: ValueError, Keras' own check and type."""
    with pytest.raises(ValueError, match="learning_rate"):
        getattr(optimizers, name)(learning_rate=bad)


@pytest.mark.parametrize("name,argument", [
    ("SGD", "momentum"), ("RMSprop", "rho"), ("RMSprop", "momentum"),
    ("RMSpropNesterov", "rho"), ("RMSpropNesterov", "momentum"),
    ("Adam", "beta_1"), ("Adam", "beta_2"), ("Adamax", "beta_1"), ("Adamax", "beta_2"),
    ("Nadam", "beta_1"), ("Nadam", "beta_2"),
])
@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5])
def test_rejects_decays_and_momenta_outside_the_unit_interval(name, argument, bad):
    with pytest.raises(ValueError, match=rf"{argument} must be in \[0, 1\)"):
        getattr(optimizers, name)(**{argument: bad})


@pytest.mark.parametrize("name", ["Adagrad", "RMSprop", "RMSpropNesterov", "Adam", "Adamax", "Nadam"])
def test_rejects_negative_epsilon(name):
    with pytest.raises(ValueError, match="epsilon must be >= 0"):
        getattr(optimizers, name)(epsilon=-1e-7)


@pytest.mark.parametrize("argument", ["clipnorm", "clipvalue", "global_clipnorm"])
def test_rejects_negative_clip_values(argument):
    with pytest.raises(ValueError, match=f"{argument} must be >= 0"):
        optimizers.Adam(**{argument: -1.0})


def test_rejects_unknown_variants_and_bad_flags():
    with pytest.raises(ValueError, match="variant must be one of"):
        optimizers.Adam(variant="paper")
    with pytest.raises(TypeError, match="nesterov must be a bool"):
        optimizers.SGD(momentum=0.9, nesterov="yes")


def test_rejects_mismatched_gradient_and_variable_lists():
    variables = [keras.Variable(np.zeros(3, "float32")), keras.Variable(np.zeros(2, "float32"))]
    with pytest.raises(ValueError, match="same length"):
        optimizers.SGD().apply([np.ones(3, "float32")], variables)


@pytest.mark.parametrize("name", ALL)
def test_config_round_trip(name):
    optimizer = getattr(optimizers, name)(learning_rate=0.02, clipnorm=1.0)
    clone = type(optimizer).from_config(optimizer.get_config())
    assert clone.get_config() == optimizer.get_config()
    assert keras.optimizers.deserialize(keras.optimizers.serialize(optimizer)).__class__ is type(optimizer)


def test_lab_namespace_mirrors_keras():
    for name in ["SGD", "Adagrad", "RMSprop", "Adam", "Adamax", "Nadam"]:
        assert isinstance(getattr(lab.optimizers, name)(), keras.optimizers.Optimizer)


# lab.optimizers overrides or calls three private methods of Keras' optimizer; a Keras release
# that renames one would otherwise silently bypass lab's clipping or Nadam's schedule.
PRIVATE_HOOKS = {"_clip_gradients": ["self", "grads"],
                 "_backend_update_step": ["self", "grads", "trainable_variables", "learning_rate"],
                 "_get_variable_index": ["self", "variable"]}


@pytest.mark.parametrize("hook, parameters", PRIVATE_HOOKS.items())
def test_the_private_keras_hooks_lab_relies_on_still_exist(hook, parameters):
    method = getattr(keras.optimizers.Optimizer, hook, None)
    assert method is not None, (
        f"Keras {keras.__version__} has no Optimizer.{hook}, which lab.optimizers relies on "
        f"(optimizer.py, nadam.py): find its replacement in keras/src/optimizers/")
    assert list(inspect.signature(method).parameters) == parameters, (
        f"Keras {keras.__version__} changed the signature of Optimizer.{hook}: "
        f"{inspect.signature(method)}; lab.optimizers expects ({', '.join(parameters)})")


def test_keras_still_calls_labs_clipping(monkeypatch):
    calls = []
    monkeypatch.setattr(clipping, "clip_by_norm", lambda g, c: calls.append(c) or g)
    variable = keras.Variable(np.ones(3, "float32"))
    optimizers.SGD(0.1, clipnorm=0.5).apply([keras.ops.ones(3)], [variable])
    assert calls == [0.5], "Keras no longer routes gradients through Optimizer._clip_gradients"
