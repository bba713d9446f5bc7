"""Gradient clipping, the three ways Keras optimizers offer it (`clipvalue`, `clipnorm`,
`global_clipnorm`), with TensorFlow's signatures (`tf.clip_by_value`, `tf.clip_by_norm`,
`tf.clip_by_global_norm`).

Clipping acts on the raw gradient g, before any momentum or accumulator sees it (Pascanu,
Mikolov & Bengio, "On the difficulty of training recurrent neural networks", ICML 2013).
Every `lab.optimizers` class clips with these functions.
"""
from keras import ops

from . import _checks


def clip_by_value(t, clip_value_min, clip_value_max):
    """Each element of g squeezed into [min, max]: `clipvalue=c` is clip_by_value(g, -c, c).

    It can change the gradient's direction (a large component is cut, a small one is not).
    """
    low = _checks.number("clip_value_min", clip_value_min)
    high = _checks.number("clip_value_max", clip_value_max)
    if low > high:
        raise ValueError(f"clip_value_min must be <= clip_value_max, got {low} > {high}")
    return ops.clip(t, low, high)


def clip_by_norm(t, clip_norm, axes=None):
    """g ← g · c / max(‖g‖₂, c): the direction is kept and the length is at most c.

    `clipnorm=c` in Keras applies this to each variable's gradient separately. `axes`
    restricts the norm to some axes (one norm per slice), as in TensorFlow.

    A sparse gradient (an `Embedding`'s `IndexedSlices`: rows `values` at `indices`) is
    clipped by the norm of its rows and stays sparse, as TensorFlow's `tf.clip_by_norm`
    (which Keras calls) does.
    """
    c = _checks.positive("clip_norm", clip_norm)
    if _is_sparse(t):
        return type(t)(clip_by_norm(t.values, c, axes), t.indices, t.dense_shape)
    norm = ops.sqrt(ops.sum(ops.square(t), axis=axes, keepdims=True))
    return t * c / ops.maximum(norm, c)


def _is_sparse(t):
    """True for TensorFlow's IndexedSlices (told by its fields, so that no TensorFlow import
    is needed here)."""
    return all(hasattr(t, field) for field in ("values", "indices", "dense_shape"))


def global_norm(t_list):
    """G = sqrt(Σᵢ ‖gᵢ‖₂²) over every tensor of the list (None entries are skipped)."""
    return ops.sqrt(sum(ops.sum(ops.square(t)) for t in t_list if t is not None))


def clip_by_global_norm(t_list, clip_norm, use_norm=None):
    """Every gᵢ ← gᵢ · c / max(G, c), G the norm of all gradients together.

    Returns (clipped list, G) like TensorFlow. The relative sizes of the gradients of
    different layers are kept. An infinite or NaN G makes every entry NaN (as in TensorFlow
    and Keras), so a diverged step is visible instead of silently rescaled.
    """
    c = _checks.positive("clip_norm", clip_norm)
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else use_norm
    # c / max(G, c), written as TensorFlow writes it; + (G - G) turns an inf/NaN G into NaN.
    scale = c * ops.minimum(1.0 / norm, 1.0 / c) + (norm - norm)
    return [None if t is None else t * ops.cast(scale, t.dtype) for t in t_list], norm
