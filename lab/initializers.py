"""Weight initializers written from scratch, drop-in twins of `keras.initializers`.

Every scheme here draws zero-mean weights whose variance is `scale / fan`, where `fan`
counts the units feeding into a neuron (fan_in), fed by it (fan_out), or their mean
(fan_avg). The goal (Glorot & Bengio, 2010) is to keep the variance of the activations
and of the back-propagated gradients the same from layer to layer.

Seeds behave as in Keras: an int seed or no seed gives the same values on every call of
one instance (no seed: the instance picks a seed from Python's `random` when it is made,
so `lab.setup(seed=...)` makes it repeatable); a `keras.random.SeedGenerator` gives new
values on every call. Each layer therefore needs its own unseeded instance, or identical
kernels follow. `get_config` stores the seed it was given, so a copy of an unseeded
instance draws different values (as in Keras).

The random draws use `keras.random`, so with equal seeds these classes return exactly the
tensors Keras' own initializers return.
"""
import math
import numbers
import operator
import random

import keras

# Standard deviation of N(0, 1) truncated to [-2, 2]: sqrt(1 - 4 phi(2) / (2 Phi(2) - 1)).
# Truncating shrinks the spread, so Keras divides sigma by it to restore the variance.
TRUNCATED_NORMAL_STD = 0.87962566103423978

MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) of a weight tensor, counted as Keras counts them.

    Dense kernel (in, out): fan_in = in, fan_out = out. Convolution kernel
    (k1, ..., kd, in, out): each input channel is seen through a k1·...·kd window, so both
    fans are multiplied by that receptive-field size. A 1-D shape (n,) gives n for both,
    a scalar 1 for both. Entries may be 0 (an empty weight); VarianceScaling then divides
    by max(1, fan). Given both `input_axes` and `output_axes` (as EinsumDense passes them
    for a kernel like (dim, heads, key_dim)), each fan is the product of those axes' sizes.
    """
    shape = _check_shape(shape)
    if input_axes is not None and output_axes is not None:
        return (math.prod(shape[axis] for axis in input_axes),
                math.prod(shape[axis] for axis in output_axes))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


@keras.saving.register_keras_serializable(package="lab")
class VarianceScaling(keras.initializers.Initializer):
    """Zero-mean weights with Var(w) = scale / n, n = fan_in, fan_out or (fan_in + fan_out) / 2.

    distribution:
      "truncated_normal" (alias "normal"): N(0, σ'²) cut at ±2σ' (values outside are drawn
          again), σ' = sqrt(scale / n) / 0.87962566103423978, so that after the cut the
          standard deviation is exactly sqrt(scale / n).
      "untruncated_normal": N(0, scale / n), the normal of the lecture slides.
      "uniform": U[-r, r] with r = sqrt(3 · scale / n) (the variance of U[-r, r] is r²/3).

    `input_axes` / `output_axes` (lists of ints, both or neither) pick the fan axes by hand,
    see `compute_fans`. Keras' EinsumDense (and so MultiHeadAttention) fills them in only for
    its own VarianceScaling classes (an isinstance check), so with a lab initializer there
    pass them yourself. Keras also accepts a NaN or infinite scale (refused here).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
            raise TypeError(f"scale must be a float, got {type(scale).__name__}")
        if not (math.isfinite(scale) and scale > 0):
            raise ValueError(f"scale must be a positive finite number, got {scale}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if not isinstance(distribution, str):
            raise TypeError(f"distribution must be a str, got {type(distribution).__name__}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in DISTRIBUTIONS:
            raise ValueError(f"distribution must be one of {DISTRIBUTIONS} or 'normal', "
                             f"got {distribution!r}")
        self.scale = float(scale)  # also turns NumPy scalars into JSON-friendly floats
        self.mode = mode
        self.distribution = distribution
        self.input_axes = _check_axes("input_axes", input_axes)
        self.output_axes = _check_axes("output_axes", output_axes)
        self._init_seed = seed  # what get_config saves: None must stay None
        self.seed = _check_seed(seed)

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, fan)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return keras.random.uniform(shape, minval=-limit, maxval=limit,
                                        dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return keras.random.normal(shape, stddev=math.sqrt(variance),
                                       dtype=dtype, seed=self.seed)
        return keras.random.truncated_normal(
            shape, stddev=math.sqrt(variance) / TRUNCATED_NORMAL_STD, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": keras.saving.serialize_keras_object(self._init_seed),
                "input_axes": self.input_axes, "output_axes": self.output_axes}


class _Preset(VarianceScaling):
    """A named VarianceScaling: the subclass fixes scale, mode and distribution in PRESET."""

    PRESET = {}

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(**self.PRESET, seed=seed, input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": keras.saving.serialize_keras_object(self._init_seed),
                "input_axes": self.input_axes, "output_axes": self.output_axes}


@keras.saving.register_keras_serializable(package="lab")
class GlorotNormal(_Preset):
    """Glorot (Xavier) normal: Var(w) = 2 / (fan_in + fan_out).

    Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural
    networks", AISTATS 2010: the compromise between keeping activations (fan_in) and
    gradients (fan_out) at constant variance, for tanh/sigmoid/softmax layers.
    The slide draws N(0, 2 / (fan_in + fan_out)); Keras (and this twin) truncates at ±2σ'
    and rescales σ' so that the variance is still 2 / (fan_in + fan_out).
    """

    PRESET = {"scale": 1.0, "mode": "fan_avg", "distribution": "truncated_normal"}


@keras.saving.register_keras_serializable(package="lab")
class GlorotUniform(_Preset):
    """Glorot (Xavier) uniform: U[-r, r], r = sqrt(6 / (fan_in + fan_out)).

    Glorot & Bengio, AISTATS 2010, eq. 16 ("normalized initialization"). Keras' default
    kernel initializer for Dense and Conv layers; same as the slide.
    """

    PRESET = {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}


@keras.saving.register_keras_serializable(package="lab")
class HeNormal(_Preset):
    """He (Kaiming) normal: Var(w) = 2 / fan_in.

    He, Zhang, Ren & Sun, "Delving Deep into Rectifiers", ICCV 2015: ReLU zeroes half of its
    inputs, so the variance must be twice LeCun's to keep activations from shrinking.
    The slide draws N(0, 2 / fan_in); Keras (and this twin) truncates at ±2σ' and rescales.
    """

    PRESET = {"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}


@keras.saving.register_keras_serializable(package="lab")
class HeUniform(_Preset):
    """He (Kaiming) uniform: U[-r, r], r = sqrt(6 / fan_in), so Var(w) = 2 / fan_in.

    He et al., ICCV 2015. Same as the slide.
    """

    PRESET = {"scale": 2.0, "mode": "fan_in", "distribution": "uniform"}


@keras.saving.register_keras_serializable(package="lab")
class LecunNormal(_Preset):
    """LeCun normal: Var(w) = 1 / fan_in.

    LeCun, Bottou, Orr & Müller, "Efficient BackProp", 1998; the initialization that
    SELU networks need (Klambauer et al., "Self-Normalizing Neural Networks", NeurIPS 2017).
    The slide draws N(0, 1 / fan_in); Keras (and this twin) truncates at ±2σ' and rescales.
    """

    PRESET = {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}


@keras.saving.register_keras_serializable(package="lab")
class LecunUniform(_Preset):
    """LeCun uniform: U[-r, r], r = sqrt(3 / fan_in), so Var(w) = 1 / fan_in.

    LeCun et al., "Efficient BackProp", 1998. Same as the slide.
    """

    PRESET = {"scale": 1.0, "mode": "fan_in", "distribution": "uniform"}


@keras.saving.register_keras_serializable(package="lab")
class StandardUniform(_Preset):
    """The "standard" heuristic before Glorot: U[-1/sqrt(fan_in), 1/sqrt(fan_in)].

    Glorot & Bengio, AISTATS 2010, eq. 1, the baseline they improve on. Its variance is
    1 / (3 fan_in), a third of what keeps a linear layer's output variance constant, so the
    activations shrink about 3-fold per layer and deep networks stall. Keras has no twin;
    it equals VarianceScaling(scale=1/3, mode="fan_in", distribution="uniform").
    """

    PRESET = {"scale": 1.0 / 3.0, "mode": "fan_in", "distribution": "uniform"}


def _check_shape(shape):
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"shape must be a tuple of ints, got {shape!r}") from None
    checked = []
    for dim in dims:
        if isinstance(dim, bool) or not hasattr(dim, "__index__"):  # ints, NumPy's included
            raise TypeError(f"shape entries must be ints, got {shape!r}")
        if dim < 0:
            raise ValueError(f"shape entries must be >= 0, got {shape!r}")
        checked.append(operator.index(dim))
    return tuple(checked)


def _check_axes(name, axes):
    if axes is None:
        return None
    try:
        return [operator.index(axis) for axis in axes]
    except TypeError:
        raise TypeError(f"{name} must be None or a list of ints, got {axes!r}") from None


def _check_seed(seed):
    """The seed the random draws use: an int, or a SeedGenerator (advanced on every draw)."""
    if seed is None:
        # Same rule as Keras (make_default_seed): fixed at construction, from Python's random.
        return random.randint(1, 10**9)
    if isinstance(seed, dict):  # a SeedGenerator, as get_config stored it
        seed = keras.saving.deserialize_keras_object(seed)
    if isinstance(seed, keras.random.SeedGenerator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int):  # ValueError, as Keras raises
        raise ValueError(f"seed must be None, an int or a keras.random.SeedGenerator, "
                         f"got {type(seed).__name__}")
    return seed
