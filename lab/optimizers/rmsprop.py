import keras
from keras import ops

from .. import _checks
from .optimizer import Optimizer


@keras.saving.register_keras_serializable(package="lab")
class RMSprop(Optimizer):
    """RMSProp (Hinton, Srivastava & Swersky, lecture 6e, 2012): AdaGrad with a leaky sum.

        r ← ρ r + (1 − ρ) g ⊙ g
        Δ ← ϵ g / sqrt(r + δ)                 (centered: sqrt(r − ḡ² + δ), ḡ ← ρ ḡ + (1 − ρ) g)
        θ ← θ − Δ,  or with momentum α:  m ← α m + Δ;  θ ← θ − m

    Same as the slide except the default δ: Keras' 1e-7, the slide's 1e-6 (pass
    `epsilon=1e-6`). `centered=True` is Graves (2013). Keras' momentum is heavy-ball on the
    scaled step, not the slide's Nesterov version: that is `RMSpropNesterov`.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(
            learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.rho = _checks.unit_interval("rho", rho)
        self.momentum = _checks.unit_interval("momentum", momentum)
        self.epsilon = _checks.non_negative("epsilon", epsilon)
        if not isinstance(centered, bool):
            raise TypeError(f"centered must be a bool, got {type(centered).__name__}")
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.accumulators = self.add_optimizer_variables(var_list, "accumulator")
        self.momentums = self.add_optimizer_variables(var_list, "momentum") if self.momentum else []
        self.average_gradients = (self.add_optimizer_variables(var_list, "average_gradient")
                                  if self.centered else [])

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        delta = self.epsilon
        g = ops.cast(gradient, variable.dtype)
        rho = self.rho
        (r,) = self._slots(variable, self.accumulators)
        # ops.multiply, not *: a sparse g (an Embedding's IndexedSlices) has no operators.
        self.assign(r, rho * r + ops.multiply(1 - rho, ops.square(g)))
        if self.centered:
            (g_mean,) = self._slots(variable, self.average_gradients)
            self.assign(g_mean, rho * g_mean + ops.multiply(1 - rho, g))
            denominator = r - ops.square(g_mean) + delta
        else:
            denominator = r + delta
        step = ops.divide(ops.multiply(lr, g), ops.sqrt(denominator))
        if self.momentum:
            (m,) = self._slots(variable, self.momentums)
            self.assign(m, self.momentum * m + step)
            step = m
        self.assign_sub(variable, step)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
