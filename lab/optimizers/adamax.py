import keras
from keras import ops

from .. import _checks
from .optimizer import Optimizer


@keras.saving.register_keras_serializable(package="lab")
class Adamax(Optimizer):
    """AdaMax (Kingma & Ba, ICLR 2015, §7.1): Adam with the infinity norm in place of r.

        s ← ρ₁ s + (1 − ρ₁) g;   r ← max(ρ₂ r, |g|)
        θ ← θ − ϵ / (1 − ρ₁ᵏ) · s / (r + δ)

    The slide has no δ; Keras adds δ = 1e-7 so that a parameter whose gradient has always
    been zero does not divide 0 by 0 (pass `epsilon=0.0` for the slide). Keras' default
    ϵ is 0.001, the paper's 0.002.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
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
        self.beta_1 = _checks.unit_interval("beta_1", beta_1)
        self.beta_2 = _checks.unit_interval("beta_2", beta_2)
        self.epsilon = _checks.non_negative("epsilon", epsilon)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.first_moments, self.norms = self.add_optimizer_variables(
            var_list, ["first_moment", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        delta = self.epsilon
        g = ops.cast(gradient, dtype)
        rho_1, rho_2 = self.beta_1, self.beta_2
        correction_1 = 1 - ops.power(ops.cast(rho_1, dtype), self._step(dtype))
        s, r = self._slots(variable, self.first_moments, self.norms)
        self.assign_add(s, (g - s) * (1 - rho_1))
        self.assign(r, ops.maximum(rho_2 * r, ops.abs(g)))
        self.assign_sub(variable, lr * s / (correction_1 * (r + delta)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
