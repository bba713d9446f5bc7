import keras
from keras import ops

from .. import _checks
from .optimizer import Optimizer


@keras.saving.register_keras_serializable(package="lab")
class Nadam(Optimizer):
    """Nadam (Dozat, ICLR workshop 2016): Adam whose momentum looks one step ahead (Nesterov).

        μ_k = ρ₁ (1 − ½ · 0.96^(d·k)),   U_k = μ₁ μ₂ ⋯ μ_k
        keras: s ← ρ₁ s + (1 − ρ₁) g        paper: s ← μ_k s + (1 − μ_k) g
        r ← ρ₂ r + (1 − ρ₂) g ⊙ g
        ŝ = μ_{k+1} s / (1 − U_{k+1}) + (1 − μ_k) g / (1 − U_k);   r̂ = r / (1 − ρ₂ᵏ)
        θ ← θ − ϵ ŝ / (sqrt(r̂) + δ)

    `variant="keras"` (the default) is Keras 3's Nadam: d = 1, so μ_k reaches ρ₁ within
    about 100 steps, and the first moment s decays with the constant ρ₁ (as in Keras 2 and
    PyTorch). `variant="paper"` is Dozat's Algorithm 2 with the schedule of his experiments:
    d = 0.004 (μ_k stays near ρ₁/2 for thousands of steps), and s decays with the scheduled
    μ_k itself, which makes 1 − U_k exactly the sum of s's weights (the bias correction).
    U_k is one optimizer-wide variable, advanced once per step before the per-variable
    updates.
    """

    SCHEDULE_DECAY = {"keras": 1.0, "paper": 0.004}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
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
        self.variant = _checks.choice("variant", variant, tuple(self.SCHEDULE_DECAY))

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.first_moments, self.second_moments = self.add_optimizer_variables(
            var_list, ["first_moment", "second_moment"])
        dtype = var_list[0].dtype if var_list else keras.config.floatx()
        self.mu_product = self.add_variable((), initializer="ones", dtype=dtype, name="mu_product")

    def momentum_schedule(self, k):
        """μ_k = ρ₁ (1 − ½ · 0.96^(d·k)) for a 1-based step k (a tensor or a number)."""
        d = self.SCHEDULE_DECAY[self.variant]
        return self.beta_1 * (1.0 - 0.5 * ops.power(0.96, ops.multiply(k, d)))

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        # The one piece of optimizer-wide state: U_k ← U_{k−1} μ_k, once per step.
        k = self._step(self.mu_product.dtype)
        self.assign(self.mu_product, self.mu_product * self.momentum_schedule(k))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        delta = self.epsilon
        g = ops.cast(gradient, dtype)
        k = self._step(dtype)
        mu_k, mu_next = self.momentum_schedule(k), self.momentum_schedule(k + 1)
        u_k = ops.cast(self.mu_product, dtype)
        u_next = u_k * mu_next
        # Keras' Nadam forms 1 − ρ from ρ already in the variable's dtype (1 − 0.999 in
        # float32 is 0.00099998713); doing the same keeps us equal for large steps too.
        rho_1, rho_2 = ops.cast(self.beta_1, dtype), ops.cast(self.beta_2, dtype)
        s, r = self._slots(variable, self.first_moments, self.second_moments)
        decay_1 = rho_1 if self.variant == "keras" else mu_k  # the paper: s ← μ_k s + (1 − μ_k) g
        self.assign_add(s, (g - s) * (1 - decay_1))
        self.assign_add(r, (ops.square(g) - r) * (1 - rho_2))
        s_hat = mu_next * s / (1 - u_next) + (1 - mu_k) * g / (1 - u_k)
        r_hat = r / (1 - ops.power(rho_2, k))
        self.assign_sub(variable, s_hat * lr / (ops.sqrt(r_hat) + delta))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "variant": self.variant}
