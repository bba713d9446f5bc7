"""lab.clipping against TensorFlow's functions (which Keras' optimizers use)."""
import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from lab import clipping, optimizers

arrays = hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                    elements=st.floats(-100, 100, width=32))


@settings(max_examples=60, deadline=None)
@given(t=arrays, c=st.floats(0.01, 50))
def test_equal_to_tensorflow(t, c):
    np.testing.assert_allclose(clipping.clip_by_value(t, -c, c), tf.clip_by_value(t, -c, c))
    np.testing.assert_allclose(clipping.clip_by_norm(t, c), tf.clip_by_norm(t, c),
                               rtol=1e-6, atol=1e-6)
    ours, our_norm = clipping.clip_by_global_norm([t, 2 * t, None], c)
    theirs, their_norm = tf.clip_by_global_norm([t, 2 * t, None], c)
    assert ours[2] is None
    np.testing.assert_allclose(our_norm, their_norm, rtol=1e-6)
    for a, b in zip(ours[:2], theirs[:2]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_clip_by_norm_keeps_the_direction_and_bounds_the_length():
    g = np.array([3.0, 4.0], "float32")
    np.testing.assert_allclose(clipping.clip_by_norm(g, 1.0), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(clipping.clip_by_norm(g, 10.0), g)
    np.testing.assert_allclose(clipping.clip_by_value(g, -1.0, 1.0), [1.0, 1.0])  # turned 45°


def test_clip_by_norm_along_axes():
    g = np.array([[3.0, 0.0], [4.0, 1.0]], "float32")
    np.testing.assert_allclose(clipping.clip_by_norm(g, 1.0, axes=[0]),
                               tf.clip_by_norm(g, 1.0, axes=[0]), rtol=1e-6)


def test_infinite_global_norm_gives_nan():
    clipped, norm = clipping.clip_by_global_norm([np.array([np.inf, 1.0], "float32")], 1.0)
    assert np.isinf(norm) and np.all(np.isnan(clipped[0]))


@pytest.mark.parametrize("call,argument", [
    (lambda: clipping.clip_by_norm(np.ones(2), -1.0), "clip_norm"),
    (lambda: clipping.clip_by_norm(np.ones(2), 0.0), "clip_norm"),
    (lambda: clipping.clip_by_global_norm([np.ones(2)], -1.0), "clip_norm"),
    (lambda: clipping.clip_by_value(np.ones(2), 1.0, -1.0), "clip_value_min"),
    (lambda: clipping.clip_by_value(np.ones(2), float("nan"), 1.0), "clip_value_min"),
])
def test_rejects_bad_clip_values(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


def test_clip_by_norm_of_a_sparse_gradient_equals_tensorflow_and_stays_sparse():
    sparse = tf.IndexedSlices(tf.constant([[3.0, 4.0], [1.0, 0.0], [3.0, 4.0]]),
                              tf.constant([0, 2, 0]), tf.constant([4, 2]))
    ours, theirs = clipping.clip_by_norm(sparse, 2.0), tf.clip_by_norm(sparse, 2.0)
    assert isinstance(ours, tf.IndexedSlices)
    np.testing.assert_allclose(ours.values, theirs.values, rtol=1e-6)
    np.testing.assert_array_equal(ours.indices, sparse.indices)


@pytest.mark.parametrize("clip", [{"clipnorm": 1.0}, {"global_clipnorm": 1.0}, {"clipvalue": 0.01}])
def test_clipped_optimizers_train_an_embedding_like_keras(clip):
    """An Embedding's gradient is sparse (IndexedSlices): every kind of clipping handles it,
    and the weights after training equal those of Keras' Adam with the same clipping."""
    x, y = np.array([[1, 2, 2, 3], [4, 4, 5, 0]]), np.array([0, 1])
    weights = {}
    for name, make in [("lab", optimizers.Adam), ("keras", keras.optimizers.Adam)]:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,), dtype="int32"), keras.layers.Embedding(10, 3),
                                  keras.layers.Flatten(), keras.layers.Dense(2)])
        model.compile(make(0.1, **clip), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, epochs=3, batch_size=2, verbose=0)
        weights[name] = model.get_weights()
    for ours, theirs in zip(weights["lab"], weights["keras"]):
        np.testing.assert_allclose(ours, theirs, atol=1e-5)
