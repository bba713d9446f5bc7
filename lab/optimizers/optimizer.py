"""The base class of lab's optimizers: Keras' loop with argument checks and lab's clipping,
and the Nesterov look-ahead bookkeeping shared by `SGD` and `RMSpropNesterov`."""
import keras
from keras import ops

from .. import _checks, clipping


class Optimizer(keras.optimizers.Optimizer):
    """Keras' optimizer loop with argument checks and lab's gradient clipping.

    Keras' order is kept: clip the raw gradients (`clipnorm` per variable, else
    `global_clipnorm`, else `clipvalue`), apply weight decay, then `update_step`.
    Keras' arguments common to every optimizer (`weight_decay`, the three clippings,
    `use_ema`, `ema_momentum`, `ema_overwrite_frequency`, `loss_scale_factor`,
    `gradient_accumulation_steps`, `name`) keep their names, defaults and meaning; each
    lab optimizer lists them, as Keras' do. lab is stricter than Keras on values that
    mean nothing: a negative or non-finite rate, clipping or weight decay, and a
    `loss_scale_factor` <= 0, are refused (ValueError).
    """

    def __init__(self, learning_rate, name=None, **kwargs):
        # Keras refuses (ValueError) a rate that is neither a float, a schedule nor a
        # callable; of the floats, it also takes the negative and non-finite ones.
        if isinstance(learning_rate, float):
            _checks.non_negative("learning_rate", learning_rate)
        for key in ("clipnorm", "clipvalue", "global_clipnorm", "weight_decay"):
            _checks.optional(_checks.non_negative, key, kwargs.get(key))
        _checks.optional(_checks.positive, "loss_scale_factor", kwargs.get("loss_scale_factor"))
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if trainable_variables is not None:
            trainable_variables = list(trainable_variables)
            if len(grads) != len(trainable_variables):
                raise ValueError(f"grads and trainable_variables must have the same length, "
                                 f"got {len(grads)} gradients for "
                                 f"{len(trainable_variables)} variables")
        return super().apply(grads, trainable_variables)

    def _clip_gradients(self, grads):
        if self.clipnorm:
            return [None if g is None else clipping.clip_by_norm(g, self.clipnorm)
                    for g in grads]
        if self.global_clipnorm:
            return clipping.clip_by_global_norm(grads, self.global_clipnorm)[0]
        if self.clipvalue:
            c = self.clipvalue
            return [None if g is None else clipping.clip_by_value(g, -c, c) for g in grads]
        return grads

    def _slots(self, variable, *slot_lists):
        i = self._get_variable_index(variable)
        return [slots[i] for slots in slot_lists]

    def _step(self, dtype):
        """k = t + 1, the 1-based number of this update (for bias corrections)."""
        return ops.cast(self.iterations + 1, dtype)


class _NesterovLookAhead:
    """For optimizers whose variable stores Nesterov's look-ahead point φ = θ + α v (slots
    `velocities`, coefficient `momentum`); `stores_look_ahead` says whether it does."""

    stores_look_ahead = True

    def slide_theta(self, variable):
        """The slide's θ = φ − α v, or the variable itself when nothing is stored ahead."""
        if not (self.stores_look_ahead and self.built):
            return ops.convert_to_tensor(variable)
        (v,) = self._slots(variable, self.velocities)
        return variable - self.momentum * v
