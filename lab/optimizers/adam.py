import keras
from keras import ops

from .. import _checks
from .optimizer import Optimizer


@keras.saving.register_keras_serializable(package="lab")
class Adam(Optimizer):
    """Adam (Kingma & Ba, ICLR 2015): momentum on g and RMSProp's scaling, both bias-corrected.

        s ← ρ₁ s + (1 − ρ₁) g;   r ← ρ₂ r + (1 − ρ₂) g ⊙ g;   k = t + 1
        slide: θ ← θ − ϵ ŝ / (sqrt(r̂) + δ),   ŝ = s / (1 − ρ₁ᵏ), r̂ = r / (1 − ρ₂ᵏ)
        keras: θ ← θ − ϵ_k s / (sqrt(r) + δ),  ϵ_k = ϵ sqrt(1 − ρ₂ᵏ) / (1 − ρ₁ᵏ)

    Keras adds δ to the uncorrected sqrt(r) (the paper's "ε̂" form, §2), which is the slide
    with δ_k = δ / sqrt(1 − ρ₂ᵏ): about 31.6 δ at k = 1. `variant="slide"` uses the slide's
    formula; the slide's δ is 1e-8, Keras' default 1e-7. `amsgrad=True` (Reddi et al., 2018)
    divides by the running maximum of r instead of r.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, variant="keras", **kwargs):
        super().__init__(
            learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.beta_1 = _checks.unit_interval("beta_1", beta_1)
        self.beta_2 = _checks.unit_interval("beta_2", beta_2)
        self.epsilon = _checks.non_negative("epsilon", epsilon)
        if not isinstance(amsgrad, bool):
            raise TypeError(f"amsgrad must be a bool, got {type(amsgrad).__name__}")
        self.amsgrad = amsgrad
        self.variant = _checks.choice("variant", variant, ("keras", "slide"))

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.first_moments, self.second_moments = self.add_optimizer_variables(
            var_list, ["first_moment", "second_moment"])
        self.max_second_moments = (self.add_optimizer_variables(var_list, "max_second_moment")
                                   if self.amsgrad else [])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        delta = self.epsilon
        g = ops.cast(gradient, dtype)
        k = self._step(dtype)
        rho_1, rho_2 = self.beta_1, self.beta_2
        correction_1 = 1 - ops.power(ops.cast(rho_1, dtype), k)
        correction_2 = 1 - ops.power(ops.cast(rho_2, dtype), k)
        s, r = self._slots(variable, self.first_moments, self.second_moments)
        self.assign_add(s, (g - s) * (1 - rho_1))  # = ρ₁ s + (1 − ρ₁) g, in Keras' rounding
        self.assign_add(r, (ops.square(g) - r) * (1 - rho_2))
        if self.amsgrad:
            (r_max,) = self._slots(variable, self.max_second_moments)
            self.assign(r_max, ops.maximum(r_max, r))
            r = r_max
        if self.variant == "keras":
            lr_k = lr * ops.sqrt(correction_2) / correction_1
            self.assign_sub(variable, s * lr_k / (ops.sqrt(r) + delta))
        else:
            s_hat, r_hat = s / correction_1, r / correction_2
            self.assign_sub(variable, lr * s_hat / (ops.sqrt(r_hat) + delta))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad, "variant": self.variant}
