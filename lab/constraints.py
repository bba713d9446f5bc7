"""Max-norm regularization, twin of `keras.constraints.MaxNorm`.

After every optimizer step, each unit's incoming weight vector w is scaled back onto the
ball ‖w‖₂ ≤ r when it leaves it (Srivastava et al., JMLR 2014, §5.1, used with dropout):

    w ← w · min(‖w‖₂, r) / (‖w‖₂ + ε),   ε = keras.config.epsilon() (1e-7 by default)

Keras applies a variable's constraint after each update (`Optimizer.apply`), so
`Dense(..., kernel_constraint=lab.constraints.MaxNorm(1.0))` works as Keras' does.
"""
import keras
from keras import ops

from . import _checks


@keras.saving.register_keras_serializable(package="lab")
class MaxNorm(keras.constraints.Constraint):
    """Rescale each unit's (or filter's) weights to a norm of at most `max_value` = r.

    `axis` names the axes the norm runs over. The default, None, means every axis but the
    last: a Dense kernel (in, out) gets one norm per output unit (axis 0, as Keras), a
    Conv2D kernel (h, w, in, out) one per filter (axes 0, 1, 2). Keras' default is axis=0,
    which for a convolution kernel would bound each kernel row separately; pass `axis=0`
    to get exactly Keras' behaviour. Keras accepts any max_value; a norm bound must be > 0
    here (ValueError otherwise).
    """

    def __init__(self, max_value=2.0, axis=None):
        self.max_value = _checks.positive("max_value", max_value)
        if axis is not None and not isinstance(axis, int):
            axis = [int(a) for a in axis]
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        axis = self.axis if self.axis is not None else list(range(len(w.shape) - 1)) or None
        norms = ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))
        # ε guards against 0/0 for an all-zero unit, as Keras' (it also shrinks every weight
        # by a factor n / (n + ε), which is why weights below the limit still move by ~ε).
        return w * (ops.clip(norms, 0, self.max_value) / (keras.config.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}
