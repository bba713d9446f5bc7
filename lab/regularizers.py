"""ℓ1 and ℓ2 weight penalties, twins of `keras.regularizers`.

A regularizer returns a penalty that Keras adds to the batch's mean loss once per step:

    J(θ) = mean loss + λ₁ Σ|w| + λ₂ Σ w²

ℓ2 pulls every weight towards 0 in proportion to its size (weight decay: its gradient is
2λ₂w, with no ½ in Keras); ℓ1 pulls with a constant force λ₁·sign(w), so small weights reach
exactly 0 (sparse models). Note `keras.regularizers.get("l1l2")` is L1L2(0, 0): no penalty.

As in Keras, a factor of None means the default, and any other factor that is not a finite
number >= 0 (a string, NaN, -1) raises ValueError.
"""
import keras
from keras import ops

from . import _checks


@keras.saving.register_keras_serializable(package="lab")
class L1L2(keras.regularizers.Regularizer):
    """penalty = l1 · Σ|w| + l2 · Σ w² (both 0 by default, as in Keras)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor("l1", l1, default=0.0)
        self.l2 = _factor("l2", l2, default=0.0)

    def __call__(self, x):
        penalty = ops.zeros((), dtype=x.dtype)
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(ops.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@keras.saving.register_keras_serializable(package="lab")
class L1(L1L2):
    """penalty = l1 · Σ|w| (Keras' default l1 = 0.01)."""

    def __init__(self, l1=0.01):
        super().__init__(l1=_factor("l1", l1, default=0.01))

    def get_config(self):
        return {"l1": self.l1}


@keras.saving.register_keras_serializable(package="lab")
class L2(L1L2):
    """penalty = l2 · Σ w² (Keras' default l2 = 0.01)."""

    def __init__(self, l2=0.01):
        super().__init__(l2=_factor("l2", l2, default=0.01))

    def get_config(self):
        return {"l2": self.l2}


def _factor(name, value, default):
    """Keras' rule for a penalty factor: None is the default; a wrong type is a ValueError too."""
    if value is None:
        return default
    try:
        return _checks.non_negative(name, value)
    except TypeError as error:
        raise ValueError(str(error)) from None
