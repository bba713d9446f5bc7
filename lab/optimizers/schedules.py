"""Learning-rate schedules from the slides, twins of `keras.optimizers.schedules`.

A schedule maps the optimizer's step t (batches done so far, 0 for the first update) to
the learning rate η(t); pass one as `learning_rate=` to any optimizer. Steps count
batches, not epochs: with 100 batches per epoch, s = 1000 means ten epochs.

    power        η(t) = η₀ / (1 + t/s)^c                       PowerDecay (c = 1: InverseTimeDecay)
    exponential  η(t) = η₀ · 0.1^(t/s)                          ExponentialDecay(decay_rate=0.1)
    piecewise    η(t) = vᵢ  for bᵢ₋₁ < t ≤ bᵢ                   PiecewiseConstantDecay
    1cycle       up, down, then annihilate (Smith, 2018)        OneCycle (Keras has none)

Performance scheduling reacts to the validation loss, so it is a callback:
`lab.callbacks.ReduceLROnPlateau`.
"""
import keras
from keras import ops

from .. import _checks

LearningRateSchedule = keras.optimizers.schedules.LearningRateSchedule


def _rate(name, value):
    return _checks.non_negative(name, value)


@keras.saving.register_keras_serializable(package="lab")
class PowerDecay(LearningRateSchedule):
    """Power scheduling η(t) = η₀ / (1 + t/s)^c: after s steps the rate is η₀/2^c, and it
    keeps falling, ever more slowly. c = 1 is Keras' `InverseTimeDecay(η₀, s, 1.0)`; Keras
    has no c ≠ 1 (its `PolynomialDecay` is another family)."""

    def __init__(self, initial_learning_rate, decay_steps, power=1.0, name="PowerDecay"):
        self.initial_learning_rate = _rate("initial_learning_rate", initial_learning_rate)
        self.decay_steps = _checks.positive("decay_steps", decay_steps)
        self.power = _checks.non_negative("power", power)
        self.name = name

    def __call__(self, step):
        t = ops.cast(step, "float32")
        return self.initial_learning_rate / ops.power(1.0 + t / self.decay_steps, self.power)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "name": self.name,
                "decay_steps": self.decay_steps, "power": self.power}


class _DecaySchedule(LearningRateSchedule):
    """What Keras' InverseTimeDecay and ExponentialDecay share: η₀, s, r, and the progress
    p = t/s (floored if `staircase`)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        self.initial_learning_rate = _rate("initial_learning_rate", initial_learning_rate)
        self.decay_steps = _checks.positive("decay_steps", decay_steps)
        self.decay_rate = self._check_decay_rate("decay_rate", decay_rate)
        self.staircase = bool(staircase)
        self.name = name

    def progress(self, step):
        p = ops.cast(step, "float32") / self.decay_steps
        return ops.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "name": self.name,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase}


@keras.saving.register_keras_serializable(package="lab")
class InverseTimeDecay(_DecaySchedule):
    """η(t) = η₀ / (1 + r · p), p = t/s (floored if `staircase`): with r = 1, power
    scheduling with c = 1. Same arguments as Keras'."""

    _check_decay_rate = staticmethod(_checks.non_negative)

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return self.initial_learning_rate / (1.0 + self.decay_rate * self.progress(step))


@keras.saving.register_keras_serializable(package="lab")
class ExponentialDecay(_DecaySchedule):
    """η(t) = η₀ · r^p, p = t/s (floored if `staircase`): the rate falls r-fold every s
    steps. The slide's exponential scheduling is r = 0.1. Same arguments as Keras'."""

    _check_decay_rate = staticmethod(_checks.positive)

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return self.initial_learning_rate * ops.power(self.decay_rate, self.progress(step))


@keras.saving.register_keras_serializable(package="lab")
class PiecewiseConstantDecay(LearningRateSchedule):
    """η(t) = values[i] where i counts the boundaries b with t > b: values[0] up to and
    including boundaries[0], then values[1] up to boundaries[1], and so on (Keras' upper
    bounds are inclusive). One more value than boundaries."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        boundaries, values = list(boundaries), list(values)
        if not boundaries:
            raise ValueError("boundaries must hold at least one step, got []")
        if len(values) != len(boundaries) + 1:
            raise ValueError(f"values must have len(boundaries) + 1 = {len(boundaries) + 1} "
                             f"entries, got {len(values)}")
        for b in boundaries:
            _checks.non_negative("boundaries", b)
        if any(b2 <= b1 for b1, b2 in zip(boundaries, boundaries[1:])):
            raise ValueError(f"boundaries must increase strictly, got {boundaries}")
        self.boundaries = boundaries
        self.values = [_rate("values", v) for v in values]
        self.name = name

    def __call__(self, step):
        t = ops.cast(step, "float32")
        i = ops.sum(ops.cast(t > ops.convert_to_tensor(self.boundaries, "float32"), "int32"))
        return ops.take(ops.convert_to_tensor(self.values, "float32"), i)

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@keras.saving.register_keras_serializable(package="lab")
class OneCycle(LearningRateSchedule):
    """1cycle (Smith, "A disciplined approach to neural network hyper-parameters", 2018;
    arXiv:1803.09820), with the proportions of Géron's `OneCycleScheduler` (Hands-On ML, ch. 11).

    Smith's policy is one cycle of two equal steps, the rate rising linearly from a low
    bound to a high one and falling back, "smaller than the total number of
    iterations/epochs", after which the rate is allowed "to decrease several orders of
    magnitude less than the initial learning rate for the remaining iterations". How long
    the last part is and how low it goes, he leaves open. Over `total_steps` T, with
    a = `annihilation_fraction` and T₁ = (1 − a) T / 2:
        0 ≤ t < T₁:    η₀ → η_max linearly      (warm up: the large rate regularizes)
        T₁ ≤ t < 2T₁:  η_max → η₀ linearly
        2T₁ ≤ t ≤ T:   η₀ → η_end linearly       (annihilation), then η_end
    The defaults are Géron's choices, not Smith's: η₀ = η_max / 10, η_end = η₀ / 1000
    (η_max / 10⁴) and a = 0.1, so 45% up, 45% down, 10% annihilation (PyTorch's
    `OneCycleLR` defaults differ: 30% up, from η_max / 25, cosine-shaped). Pick η_max with `lab.callbacks.LRFinder`. Smith also
    cycles momentum the other way (0.95 → 0.85 → 0.95): `lab.callbacks.OneCycleMomentum`
    does that for `lab.optimizers.SGD`, whose momentum is a variable; Keras' SGD fixes its
    momentum when the step is traced. Keras has no 1cycle schedule.
    """

    def __init__(self, max_learning_rate, total_steps, initial_learning_rate=None,
                 final_learning_rate=None, annihilation_fraction=0.1, name="OneCycle"):
        self.max_learning_rate = _checks.positive("max_learning_rate", max_learning_rate)
        self.total_steps = _checks.positive_int("total_steps", total_steps)
        if self.total_steps < 3:
            raise ValueError(f"total_steps must be >= 3 (three phases), got {total_steps}")
        self.initial_learning_rate = _rate(
            "initial_learning_rate",
            self.max_learning_rate / 10 if initial_learning_rate is None else initial_learning_rate)
        if self.initial_learning_rate > self.max_learning_rate:
            raise ValueError(f"initial_learning_rate must be <= max_learning_rate, got "
                             f"{self.initial_learning_rate} > {self.max_learning_rate}")
        self.final_learning_rate = _rate(
            "final_learning_rate",
            self.initial_learning_rate / 1000 if final_learning_rate is None else final_learning_rate)
        self.annihilation_fraction = _checks.unit_interval("annihilation_fraction",
                                                           annihilation_fraction)
        if self.annihilation_fraction == 0:
            raise ValueError("annihilation_fraction must be in (0, 1), got 0")
        self.name = name

    def __call__(self, step):
        t = ops.cast(step, "float32")
        lr_0, lr_max, lr_end = self.initial_learning_rate, self.max_learning_rate, self.final_learning_rate
        total = float(self.total_steps)
        t_1 = (1 - self.annihilation_fraction) * total / 2
        t_2 = 2 * t_1
        up = lr_0 + (lr_max - lr_0) * t / t_1
        down = lr_max - (lr_max - lr_0) * (t - t_1) / t_1
        progress = ops.minimum((t - t_2) / (total - t_2), 1.0)
        tail = lr_end + (lr_0 - lr_end) * (1.0 - progress)  # exact lr_end at the end
        return ops.where(t < t_1, up, ops.where(t < t_2, down, tail))

    def get_config(self):
        return {"max_learning_rate": self.max_learning_rate, "total_steps": self.total_steps,
                "initial_learning_rate": self.initial_learning_rate,
                "final_learning_rate": self.final_learning_rate,
                "annihilation_fraction": self.annihilation_fraction, "name": self.name}
