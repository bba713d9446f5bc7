"""lab.optimizers.SGD keeps its momentum in a variable that the traced step reads: constant,
it trains bit for bit like Keras' SGD; changed during training (lab.callbacks.OneCycleMomentum),
it takes effect at the next step without retracing. Keras' SGD freezes its float."""
import keras
import numpy as np
import pytest

from lab import callbacks, optimizers
from lab.optimizers import schedules

rng = np.random.default_rng(0)
X = rng.normal(size=(64, 5)).astype("float32")
Y = rng.normal(size=(64, 1)).astype("float32")


def linear_model(optimizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    model.compile(optimizer, "mse")
    return model


def numpy_momentum(weights, momenta, learning_rate, nesterov, batch_size=16):
    """Full NumPy twin of fit(x, y, shuffle=False) on the linear model: one α per step."""
    w, b = [np.array(a, "float32") for a in weights]
    v_w, v_b = np.zeros_like(w), np.zeros_like(b)
    lr = np.float32(learning_rate)
    batches = [(X[i:i + batch_size], Y[i:i + batch_size]) for i in range(0, len(X), batch_size)]
    for step, alpha in enumerate(momenta):
        x, y = batches[step % len(batches)]
        alpha = np.float32(alpha)
        error = x @ w + b - y
        g_w, g_b = 2 * x.T @ error / error.size, 2 * error.sum(0) / error.size
        for v, g, p in ((v_w, g_w, w), (v_b, g_b, b)):
            v *= alpha
            v -= g * lr
            p += v * alpha - g * lr if nesterov else v
    return w, b


@pytest.mark.parametrize("nesterov", [False, True])
def test_constant_momentum_is_bit_identical_to_keras(nesterov):
    weights = []
    for module in (optimizers, keras.optimizers):
        model = linear_model(module.SGD(0.05, momentum=0.9, nesterov=nesterov))
        model.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for ours, theirs in zip(*weights):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_momentum_not_exact_in_float32_matches_keras_on_any_dtype(dtype):
    finals = []
    for module in (optimizers, keras.optimizers):
        variable = keras.Variable(np.ones(3), dtype=dtype)
        optimizer = module.SGD(0.1, momentum=9 / 11, nesterov=True)
        for k in range(5):
            optimizer.apply([keras.ops.convert_to_tensor(np.arange(3.0) + k, dtype)], [variable])
        finals.append(variable.numpy())
    np.testing.assert_array_equal(*finals)


@pytest.mark.parametrize("nesterov", [False, True])
def test_a_changed_momentum_takes_effect_without_retracing(nesterov):
    model = linear_model(optimizers.SGD(0.05, momentum=0.9, nesterov=nesterov))
    start = model.get_weights()
    model.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    traced = model.train_function
    model.optimizer.momentum = 0.5
    model.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert model.train_function is traced
    expected = numpy_momentum(start, [0.9] * 4 + [0.5] * 4, 0.05, nesterov)
    for ours, theirs in zip(model.get_weights(), expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_keras_sgd_freezes_its_momentum_in_the_traced_step():
    """What the chapter says of Keras: assigning momentum after the first fit changes nothing."""
    runs = []
    for change in (False, True):
        model = linear_model(keras.optimizers.SGD(0.05, momentum=0.9))
        model.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0)
        if change:
            model.optimizer.momentum = 0.0
        model.fit(X, Y, batch_size=16, epochs=1, shuffle=False, verbose=0)
        runs.append(model.get_weights())
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def test_momentum_argument_keeps_keras_default_and_checks():
    assert optimizers.SGD().momentum == 0.0 and keras.optimizers.SGD().momentum == 0.0
    assert optimizers.SGD(momentum=0.9).get_config()["momentum"] == pytest.approx(0.9)
    for bad in (-0.1, 1.0):
        with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
            optimizers.SGD(momentum=bad)
    optimizer = optimizers.SGD(momentum=0.9)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        optimizer.momentum = 1.2
    with pytest.raises(ValueError, match="momentum=0"):
        optimizers.SGD().momentum = 0.9


def test_a_saved_model_keeps_the_current_momentum(tmp_path):
    model = linear_model(optimizers.SGD(0.05, momentum=0.95))
    model.fit(X, Y, batch_size=16, epochs=1, verbose=0)
    model.optimizer.momentum = 0.85
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.optimizer.momentum == pytest.approx(0.85)


def test_one_cycle_momentum_follows_the_schedule_inversely_and_steps_use_it():
    total = 20
    schedule = schedules.OneCycle(0.05, total)
    cycle = callbacks.OneCycleMomentum(schedule)
    t = np.arange(total)
    alpha = cycle.momentum_at(t)
    t_1 = 0.45 * total
    assert alpha[0] == 0.95 and cycle.momentum_at(t_1) == pytest.approx(0.85)
    assert np.all(alpha[t >= 2 * t_1] == 0.95)
    rates = keras.ops.convert_to_numpy(schedule(t))
    rising = t < t_1
    assert np.all(np.diff(rates[rising]) > 0) and np.all(np.diff(alpha[rising]) < 0)

    model = linear_model(optimizers.SGD(0.05, momentum=0.95))
    start = model.get_weights()
    model.fit(X, Y, batch_size=16, epochs=total // 4, shuffle=False, verbose=0, callbacks=[cycle])
    np.testing.assert_allclose(cycle.momenta, alpha)
    expected = numpy_momentum(start, alpha, 0.05, nesterov=False)
    for ours, theirs in zip(model.get_weights(), expected):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_one_cycle_momentum_refuses_what_it_cannot_drive():
    schedule = schedules.OneCycle(0.05, 20)
    with pytest.raises(TypeError, match="OneCycle"):
        callbacks.OneCycleMomentum(schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(ValueError, match="min_momentum"):
        callbacks.OneCycleMomentum(schedule, max_momentum=0.8, min_momentum=0.9)
    for optimizer in (keras.optimizers.SGD(0.05, momentum=0.9), optimizers.SGD(0.05)):
        with pytest.raises(TypeError, match="OneCycleMomentum needs"):
            linear_model(optimizer).fit(X, Y, epochs=1, verbose=0,
                                        callbacks=[callbacks.OneCycleMomentum(schedule)])
