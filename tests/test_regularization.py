"""lab.regularizers and lab.constraints against Keras, alone and inside model.fit."""
import keras
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import reference
from lab import constraints, regularizers

weights = hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=4, max_side=5),
                     elements=st.floats(-10, 10, width=32))


@settings(max_examples=50, deadline=None)
@given(w=weights, l1=st.floats(0, 1), l2=st.floats(0, 1))
def test_penalties_equal_keras(w, l1, l2):
    for ours, theirs in [(regularizers.L1(l1), keras.regularizers.L1(l1)),
                         (regularizers.L2(l2), keras.regularizers.L2(l2)),
                         (regularizers.L1L2(l1, l2), keras.regularizers.L1L2(l1, l2))]:
        np.testing.assert_allclose(float(ours(w)), float(theirs(w)), rtol=1e-5, atol=1e-6)


def test_defaults_equal_keras():
    w = np.arange(-3, 4, dtype="float32")
    for name in ["L1", "L2", "L1L2"]:
        assert float(getattr(regularizers, name)()(w)) == float(getattr(keras.regularizers, name)()(w))


def fit(kernel_regularizer=None, kernel_constraint=None, seed=0):
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(400, 10)).astype("float32"), rng.integers(0, 3, 400)
    model = keras.Sequential([
        keras.Input((10,)),
        keras.layers.Dense(16, activation="relu", kernel_regularizer=kernel_regularizer,
                           kernel_constraint=kernel_constraint),
        keras.layers.Dense(3)])
    model.compile(keras.optimizers.SGD(0.1),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    return [w.numpy() for w in model.weights], history.history["loss"][-1]


@pytest.mark.parametrize("name,args", [("L1", (0.01,)), ("L2", (0.01,)), ("L1L2", (0.005, 0.02))])
def test_training_with_a_penalty_equals_keras(name, args):
    (ours, our_loss), (theirs, their_loss) = (fit(getattr(regularizers, name)(*args)),
                                              fit(getattr(keras.regularizers, name)(*args)))
    assert our_loss == pytest.approx(their_loss, rel=1e-5)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_l1_makes_weights_sparse_and_l2_shrinks_them():
    plain, _ = fit()
    l1, _ = fit(regularizers.L1(0.01))
    l2, _ = fit(regularizers.L2(0.05))
    assert np.mean(np.abs(l1[0]) < 1e-3) > np.mean(np.abs(plain[0]) < 1e-3)
    assert np.linalg.norm(l2[0]) < np.linalg.norm(plain[0])


@settings(max_examples=50, deadline=None)
@given(w=hnp.arrays(np.float32, st.tuples(st.integers(1, 6), st.integers(1, 6)),
                    elements=st.floats(-5, 5, width=32)),
       r=st.floats(0.1, 5))
def test_max_norm_equals_keras_on_dense_kernels(w, r):
    np.testing.assert_allclose(constraints.MaxNorm(r)(w), keras.constraints.MaxNorm(r)(w),
                               rtol=1e-6, atol=1e-7)


def test_max_norm_bounds_each_filter_of_a_convolution_kernel():
    w = np.random.default_rng(1).normal(size=(3, 3, 4, 8)).astype("float32")
    clipped = np.asarray(constraints.MaxNorm(1.0)(w))
    np.testing.assert_allclose(clipped, reference.max_norm_per_filter(w, 1.0), rtol=1e-6)
    norms = np.linalg.norm(clipped.reshape(-1, 8), axis=0)
    assert np.all(norms <= 1.0 + 1e-6)
    np.testing.assert_allclose(constraints.MaxNorm(1.0, axis=0)(w),  # Keras' default axis
                               keras.constraints.MaxNorm(1.0)(w), rtol=1e-6)


def test_training_with_max_norm_equals_keras_and_holds_the_bound():
    (ours, _), (theirs, _) = (fit(kernel_constraint=constraints.MaxNorm(0.5)),
                              fit(kernel_constraint=keras.constraints.MaxNorm(0.5)))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert np.all(np.linalg.norm(ours[0], axis=0) <= 0.5 + 1e-6)


@pytest.mark.parametrize("make,argument", [
    (lambda: regularizers.L1(-0.1), "l1"), (lambda: regularizers.L2(float("inf")), "l2"),
    (lambda: regularizers.L1L2(0.1, -1.0), "l2"),
    (lambda: constraints.MaxNorm(0.0), "max_value"), (lambda: constraints.MaxNorm(-2.0), "max_value"),
])
def test_rejects_bad_arguments(make, argument):
    with pytest.raises(ValueError, match=argument):
        make()


def test_config_round_trip():
    for obj in [regularizers.L1(0.2), regularizers.L2(0.3), regularizers.L1L2(0.1, 0.2),
                constraints.MaxNorm(3.0, axis=[0, 1, 2])]:
        assert type(obj).from_config(obj.get_config()).get_config() == obj.get_config()
