"""The chapter's optimizers written from scratch, drop-in twins of `keras.optimizers`.

Each class is a `keras.optimizers.Optimizer` subclass in the style of Keras' own: `build`
creates the slot variables, `update_step` is the slide's update for one variable. Keras'
loop around them stays: learning-rate schedules (the rate reaches `update_step` already
evaluated at the step t = `iterations`, counted from 0), decoupled weight decay, EMA,
constraints and the step counter. Clipping is ours (`lab.clipping`), so the whole step is
written out here apart from the bookkeeping. They run in `model.fit`, with or without
`jit_compile=True`, on CPU or GPU.

Symbols follow the slides (Goodfellow et al., ch. 8): ϵ learning rate, g gradient,
α momentum, v velocity, ρ decay rate, r accumulated squared gradient, s first moment,
δ small constant. Constructor arguments keep Keras' names and defaults (ϵ = `learning_rate`,
α = `momentum`, ρ = `rho`, ρ₁/ρ₂ = `beta_1`/`beta_2`, δ = `epsilon`).

Where the slide and Keras differ, the default is Keras and the slide is one argument away:
`Adagrad(variant="slide")`, `Adam(variant="slide")`, `Nadam(variant="paper")`,
`RMSprop(epsilon=1e-6)`, and `SGD.slide_theta` / `RMSpropNesterov.slide_theta` for the
point the slide's Nesterov stores.
"""
import keras
from keras import ops

from .. import _checks, clipping
from . import schedules  # noqa: F401  (lab.optimizers.schedules, as in Keras)

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "RMSpropNesterov", "Adam", "Adamax",
           "Nadam", "schedules"]


class Optimizer(keras.optimizers.Optimizer):
    """Keras' optimizer loop with argument checks and lab's gradient clipping.

    Keras' order is kept: clip the raw gradients (`clipnorm` per variable, else
    `global_clipnorm`, else `clipvalue`), apply weight decay, then `update_step`.
    """

    def __init__(self, learning_rate, name, **kwargs):
        if not (callable(learning_rate) or isinstance(learning_rate, keras.Variable)):
            _checks.non_negative("learning_rate", learning_rate)
        for key in ("clipnorm", "clipvalue", "global_clipnorm", "weight_decay"):
            _checks.optional(_checks.non_negative, key, kwargs.get(key))
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


@keras.saving.register_keras_serializable(package="lab")
class SGD(_NesterovLookAhead, Optimizer):
    """Stochastic gradient descent, with momentum (Polyak, 1964) or Nesterov momentum.

        plain:     θ ← θ − ϵ g
        momentum:  v ← α v − ϵ g;   θ ← θ + v
        Nesterov:  v ← α v − ϵ g;   φ ← φ + α v − ϵ g,   with φ = θ + α v

    The slide's Nesterov evaluates g at the interim point θ̃ = θ + α v. Keras (and this twin)
    store that look-ahead point φ in the variable, so the gradient `model.fit` computes is
    already taken at θ̃ (Sutskever et al., ICML 2013, change of variables); the update above
    is the slide's rewritten for φ. `slide_theta(variable)` gives back the slide's θ = φ − α v.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = _checks.unit_interval("momentum", momentum)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be a bool, got {type(nesterov).__name__}")
        self.nesterov = nesterov

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.velocities = (self.add_optimizer_variables(var_list, "velocity")
                           if self.momentum else [])

    def update_step(self, gradient, variable, learning_rate):
        epsilon = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        if not self.momentum:
            self.assign_sub(variable, g * epsilon)
            return
        alpha = ops.cast(self.momentum, variable.dtype)
        (v,) = self._slots(variable, self.velocities)
        self.assign(v, v * alpha - g * epsilon)
        if self.nesterov:
            self.assign_add(variable, v * alpha - g * epsilon)
        else:
            self.assign_add(variable, v)

    @property
    def stores_look_ahead(self):
        return self.nesterov

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


@keras.saving.register_keras_serializable(package="lab")
class Adagrad(Optimizer):
    """AdaGrad (Duchi, Hazan & Singer, JMLR 2011): each parameter's rate shrinks with the
    sum of its squared gradients.

        r ← r + g ⊙ g
        keras: θ ← θ − ϵ g / sqrt(r + δ),   r starts at `initial_accumulator_value` (0.1)
        slide: θ ← θ − ϵ g / (δ + sqrt(r)), r starts at 0

    `variant="slide"` uses the slide's denominator; pass `initial_accumulator_value=0.0`
    too for the slide exactly. No choice of Keras' arguments gives the slide's formula.
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 variant="keras", name="adagrad", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = _checks.non_negative(
            "initial_accumulator_value", initial_accumulator_value)
        self.epsilon = _checks.non_negative("epsilon", epsilon)
        self.variant = _checks.choice("variant", variant, ("keras", "slide"))

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        initializer = keras.initializers.Constant(self.initial_accumulator_value)
        self.accumulators = [self.add_variable_from_reference(var, "accumulator", initializer)
                             for var in var_list]

    def update_step(self, gradient, variable, learning_rate):
        epsilon = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        (r,) = self._slots(variable, self.accumulators)
        self.assign_add(r, ops.square(g))
        if self.variant == "keras":
            denominator = ops.sqrt(r + self.epsilon)
        else:
            denominator = self.epsilon + ops.sqrt(r)
        self.assign_sub(variable, epsilon * g / denominator)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon, "variant": self.variant,
                "initial_accumulator_value": self.initial_accumulator_value}


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
                 centered=False, name="rmsprop", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
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
        epsilon = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        rho = self.rho
        (r,) = self._slots(variable, self.accumulators)
        self.assign(r, rho * r + (1 - rho) * ops.square(g))
        if self.centered:
            (g_mean,) = self._slots(variable, self.average_gradients)
            self.assign(g_mean, rho * g_mean + (1 - rho) * g)
            denominator = r - ops.square(g_mean) + self.epsilon
        else:
            denominator = r + self.epsilon
        step = epsilon * g / ops.sqrt(denominator)
        if self.momentum:
            (m,) = self._slots(variable, self.momentums)
            self.assign(m, self.momentum * m + step)
            step = m
        self.assign_sub(variable, step)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


@keras.saving.register_keras_serializable(package="lab")
class RMSpropNesterov(_NesterovLookAhead, Optimizer):
    """RMSProp with Nesterov momentum, as on the slide (Goodfellow et al., Algorithm 8.6).
    Keras has no twin.

        slide:  θ̃ ← θ + α v;  g at θ̃;  r ← ρ r + (1 − ρ) g ⊙ g;
                v ← α v − ϵ g / sqrt(δ + r);  θ ← θ + v

    As in `SGD(nesterov=True)`, the variable stores the look-ahead point φ = θ + α v, so
    the gradient of `model.fit` is the slide's g at θ̃ and the update reads
    φ ← φ + α v_new − ϵ g / sqrt(δ + r). `slide_theta(variable)` gives back θ = φ − α v.
    The slide writes sqrt(r); δ inside the root (default 1e-7, as Keras' RMSprop) keeps
    the first steps finite when a gradient is zero.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.9, epsilon=1e-7,
                 name="rmsprop_nesterov", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = _checks.unit_interval("rho", rho)
        self.momentum = _checks.unit_interval("momentum", momentum)
        self.epsilon = _checks.non_negative("epsilon", epsilon)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.accumulators, self.velocities = self.add_optimizer_variables(
            var_list, ["accumulator", "velocity"])

    def update_step(self, gradient, variable, learning_rate):
        epsilon = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        rho, alpha = self.rho, self.momentum
        r, v = self._slots(variable, self.accumulators, self.velocities)
        self.assign(r, rho * r + (1 - rho) * ops.square(g))
        step = epsilon * g / ops.sqrt(self.epsilon + r)
        self.assign(v, alpha * v - step)
        self.assign_add(variable, alpha * v - step)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon}


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
                 amsgrad=False, variant="keras", name="adam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
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
        epsilon = ops.cast(learning_rate, dtype)
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
            epsilon_k = epsilon * ops.sqrt(correction_2) / correction_1
            self.assign_sub(variable, s * epsilon_k / (ops.sqrt(r) + self.epsilon))
        else:
            s_hat, r_hat = s / correction_1, r / correction_2
            self.assign_sub(variable, epsilon * s_hat / (ops.sqrt(r_hat) + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad, "variant": self.variant}


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
                 name="adamax", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
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
        epsilon = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        correction_1 = 1 - ops.power(ops.cast(self.beta_1, dtype), self._step(dtype))
        s, r = self._slots(variable, self.first_moments, self.norms)
        self.assign_add(s, (g - s) * (1 - self.beta_1))
        self.assign(r, ops.maximum(self.beta_2 * r, ops.abs(g)))
        self.assign_sub(variable, epsilon * s / (correction_1 * (r + self.epsilon)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="lab")
class Nadam(Optimizer):
    """Nadam (Dozat, ICLR workshop 2016): Adam whose momentum looks one step ahead (Nesterov).

        μ_k = ρ₁ (1 − ½ · 0.96^(d·k)),   U_k = μ₁ μ₂ ⋯ μ_k
        s ← ρ₁ s + (1 − ρ₁) g;   r ← ρ₂ r + (1 − ρ₂) g ⊙ g
        ŝ = μ_{k+1} s / (1 − U_{k+1}) + (1 − μ_k) g / (1 − U_k);   r̂ = r / (1 − ρ₂ᵏ)
        θ ← θ − ϵ ŝ / (sqrt(r̂) + δ)

    The momentum schedule μ_k warms ρ₁ up. Keras 3 uses d = 1, so μ_k reaches ρ₁ within
    about 100 steps; Dozat's paper (and Keras 2, PyTorch) use d = 0.004 (`variant="paper"`),
    so μ_k stays near ρ₁/2 for thousands of steps. U_k is one optimizer-wide variable,
    advanced once per step before the per-variable updates.
    """

    SCHEDULE_DECAY = {"keras": 1.0, "paper": 0.004}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 variant="keras", name="nadam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
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
        epsilon = ops.cast(learning_rate, dtype)
        g = ops.cast(gradient, dtype)
        k = self._step(dtype)
        mu_k, mu_next = self.momentum_schedule(k), self.momentum_schedule(k + 1)
        u_k = ops.cast(self.mu_product, dtype)
        u_next = u_k * mu_next
        # Keras' Nadam forms 1 − ρ from ρ already in the variable's dtype (1 − 0.999 in
        # float32 is 0.00099998713); doing the same keeps us equal for large steps too.
        rho_1, rho_2 = ops.cast(self.beta_1, dtype), ops.cast(self.beta_2, dtype)
        s, r = self._slots(variable, self.first_moments, self.second_moments)
        self.assign_add(s, (g - s) * (1 - rho_1))
        self.assign_add(r, (ops.square(g) - r) * (1 - rho_2))
        s_hat = mu_next * s / (1 - u_next) + (1 - mu_k) * g / (1 - u_k)
        r_hat = r / (1 - ops.power(rho_2, k))
        self.assign_sub(variable, s_hat * epsilon / (ops.sqrt(r_hat) + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "variant": self.variant}
