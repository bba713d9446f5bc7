"""Layers of the chapter written from scratch, drop-in twins of `keras.layers`.

Activations with parameters (LeakyReLU, PReLU, RReLU, ELU), batch normalization and the
dropout family (Dropout, AlphaDropout, and the Monte Carlo versions MCDropout and
MCAlphaDropout). Each `call` is the slide's formula in `keras.ops`; Keras' `Layer` supplies
weights, training flags, seeding and serialization.
"""
import keras
from keras import ops

from . import _checks, activations

Layer = keras.layers.Layer


def _register(cls):
    return keras.saving.register_keras_serializable(package="lab")(cls)


# ------------------------------------------------------------------ activations

@_register
class LeakyReLU(Layer):
    """LeakyReLU_α(z) = max(αz, z). Keras' layer default α = 0.3 (its function's is 0.2)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        super().__init__(**kwargs)
        if negative_slope is None:  # Keras raises ValueError here too
            raise ValueError("negative_slope must be a number >= 0, got None")
        self.negative_slope = _checks.non_negative("negative_slope", negative_slope)
        self.supports_masking = True
        self._build_at_init()  # stateless: built on construction, as Keras' activation layers

    def call(self, inputs):
        return activations.leaky_relu(inputs, self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


@_register
class ELU(Layer):
    """ELU_α(z) = z if z > 0 else α(exp(z) − 1) (Clevert et al., 2016)."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = _checks.number("alpha", alpha)
        self.supports_masking = True
        self._build_at_init()  # stateless: built on construction, as Keras' activation layers

    def call(self, inputs):
        return activations.elu(inputs, self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


@_register
class PReLU(Layer):
    """Parametric leaky ReLU (He et al., ICCV 2015): α is learned by back-propagation.

        PReLU(z) = max(0, z) − α · max(0, −z)

    One α per input element (shape `input_shape[1:]`), or shared along `shared_axes`
    (`shared_axes=[1, 2]` for one α per channel of an image, as in the paper). As in Keras,
    α starts at 0 (plain ReLU); the paper starts at 0.25 (`alpha_initializer=Constant(0.25)`).
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = keras.initializers.get(alpha_initializer)
        self.alpha_regularizer = keras.regularizers.get(alpha_regularizer)
        self.alpha_constraint = keras.constraints.get(alpha_constraint)
        if shared_axes is None or isinstance(shared_axes, (list, tuple)):
            self.shared_axes = None if shared_axes is None else list(shared_axes)
        else:
            self.shared_axes = [shared_axes]
        self.supports_masking = True

    def build(self, input_shape):
        alpha_shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if not 1 <= axis < len(input_shape):
                raise ValueError(f"shared_axes entries must be in [1, {len(input_shape) - 1}] "
                                 f"for inputs of rank {len(input_shape)}, got {axis}")
            alpha_shape[axis - 1] = 1
        self.alpha = self.add_weight(shape=alpha_shape, name="alpha",
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)

    def call(self, inputs):
        return ops.relu(inputs) - self.alpha * ops.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "shared_axes": self.shared_axes,
                "alpha_initializer": keras.initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": keras.regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": keras.constraints.serialize(self.alpha_constraint)}


@_register
class RReLU(Layer):
    """Randomized leaky ReLU (Xu, Wang, Chen & Li, "Empirical Evaluation of Rectified
    Activations in Convolutional Network", 2015). Keras has none. Two conventions:

    variant="slope" (the default; PyTorch's `nn.RReLU`, lower=1/8, upper=1/3):
        training:   RReLU(z) = z if z ≥ 0 else α z,  α ~ U(lower, upper) drawn per element
        inference:  α = (lower + upper) / 2                    (≈ 0.229 with the defaults)
    variant="paper" (Xu et al.'s own, after the Kaggle NDSB winner; lower=3, upper=8):
        training:   RReLU(z) = z if z ≥ 0 else z / a,  a ~ U(lower, upper) drawn per element
        inference:  z / ((lower + upper) / 2)                  (z / 5.5, slope ≈ 0.182)

    The two draw different slopes: 1/a with a ~ U(3, 8) lies in [1/8, 1/3] too, but is not
    uniform there (it crowds towards 1/8), and its mean, ln(8/3)/5 ≈ 0.196, is not the
    paper's test slope 1/5.5 (the paper averages the divisor, not the slope). Either way the
    random slope acts as a regularizer. lower and upper default to the variant's values;
    slopes must lie in [0, 1), divisors in [1, ∞).
    """

    VARIANTS = ("slope", "paper")
    DEFAULTS = {"slope": (1 / 8, 1 / 3), "paper": (3.0, 8.0)}

    def __init__(self, lower=None, upper=None, seed=None, variant="slope", **kwargs):
        super().__init__(**kwargs)
        self.variant = _checks.choice("variant", variant, self.VARIANTS)
        default_lower, default_upper = self.DEFAULTS[variant]
        lower = default_lower if lower is None else lower
        upper = default_upper if upper is None else upper
        if variant == "slope":
            self.lower = _checks.unit_interval("lower", lower)
            self.upper = _checks.unit_interval("upper", upper)
        else:
            self.lower, self.upper = _checks.number("lower", lower), _checks.number("upper", upper)
            for name, value in (("lower", self.lower), ("upper", self.upper)):
                if value < 1:
                    raise ValueError(f"{name} must be >= 1 with variant='paper' (a divisor: the "
                                     f"negative part is z / a), got {value}")
        if self.lower > self.upper:
            raise ValueError(f"lower must be <= upper, got lower={lower} > upper={upper}")
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=False):
        if training:
            draw = keras.random.uniform(ops.shape(inputs), self.lower, self.upper,
                                        dtype=inputs.dtype, seed=self.seed_generator)
            alpha = draw if self.variant == "slope" else 1 / draw
        else:
            mean = (self.lower + self.upper) / 2
            alpha = mean if self.variant == "slope" else 1 / mean
        return ops.where(inputs >= 0, inputs, alpha * inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "lower": self.lower, "upper": self.upper,
                "seed": self.seed, "variant": self.variant}


# ---------------------------------------------------------- batch normalization

@_register
class BatchNormalization(Layer):
    """Batch normalization (Ioffe & Szegedy, ICML 2015), Keras' defaults and behaviour.

    Over every axis but `axis` (the features), for a batch B:
        training:  μ_B = mean(x),  σ²_B = mean((x − μ_B)²)        (biased: ÷ m)
                   y = γ (x − μ_B) / sqrt(σ²_B + ε) + β
                   μ̂ ← p μ̂ + (1 − p) μ_B,  σ̂² ← p σ̂² + (1 − p) σ²_B    (p = `momentum`)
        inference: y = γ (x − μ̂) / sqrt(σ̂² + ε) + β

    y is computed as x · k + (β − μ k) with k = γ / sqrt(σ² + ε): the same formula with the
    per-feature work done once, leaving one multiply and one add per element (as TensorFlow).
    Keras' defaults: ε = 1e-3 (the paper gives no value, only "a constant added for numerical
    stability"; PyTorch's default is 1e-5), p = 0.99. `momentum` is the moving average's
    decay rate, not an optimizer's momentum: p = 0.99 keeps 99 % of the old value (PyTorch's
    momentum=0.1 is the weight of the new value, i.e. p = 0.9). As in Keras, the moving
    variance averages the biased σ²_B; the paper's Algorithm 2 uses the unbiased
    m/(m − 1) · E[σ²_B] at inference. As in Keras, a layer with `trainable=False`
    normalizes with the moving statistics even when training.

    With a mask (after `Embedding(mask_zero=True)` or `Masking`; one dimension fewer than the
    inputs) μ_B and σ²_B average over the unmasked steps only, so padding does not enter the
    statistics.

    `renorm=True` is batch renormalization (Ioffe, NeurIPS 2017), for small or non-i.i.d.
    batches: with running estimates μ and σ (decay `renorm_momentum`) and σ_B = sqrt(σ²_B + ε),
        r = clip(σ_B / σ, rmin, rmax),  d = clip((μ_B − μ) / σ, −dmax, dmax)   (no gradient)
        y = γ ((x − μ_B) / σ_B · r + d) + β
    so training sees the inference normalization while gradients still flow through the batch
    statistics; r = 1, d = 0 is plain batch normalization. `renorm_clipping` holds rmax, rmin
    and dmax (absent: no clipping); the paper ties rmin = 1/rmax, Keras takes it separately.
    As in Keras, the inference statistics are then a moving σ (`moving_stddev`) and μ with decay
    `momentum`, and `moving_variance` = σ² − ε.
    `synchronized=True` computes μ_B and σ²_B over the whole batch across replicas of a
    distribution strategy (TensorFlow only, as in Keras); the cross-replica sum is Keras'
    (`keras.ops.moments(..., synchronized=True)`), the rest is the formulas above. As in
    Keras, a masked batch is not synchronized.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"axis must be an int, got {type(axis).__name__}")
        self.axis = axis
        self.momentum = _checks.probability("momentum", momentum)
        self.epsilon = _checks.positive("epsilon", epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = keras.initializers.get(beta_initializer)
        self.gamma_initializer = keras.initializers.get(gamma_initializer)
        self.moving_mean_initializer = keras.initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = keras.initializers.get(moving_variance_initializer)
        self.beta_regularizer = keras.regularizers.get(beta_regularizer)
        self.gamma_regularizer = keras.regularizers.get(gamma_regularizer)
        self.beta_constraint = keras.constraints.get(beta_constraint)
        self.gamma_constraint = keras.constraints.get(gamma_constraint)
        self.renorm = bool(renorm)
        self.renorm_clipping = _renorm_clipping(renorm_clipping) if renorm else renorm_clipping
        self.renorm_momentum = _checks.probability("renorm_momentum", renorm_momentum)
        if synchronized and keras.backend.backend() != "tensorflow":
            raise ValueError("synchronized=True needs the TensorFlow backend, as in Keras; "
                             f"this one is {keras.backend.backend()!r}")
        self.synchronized = bool(synchronized)
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(f"axis must be in [-{rank}, {rank - 1}] for inputs of rank "
                             f"{rank}, got {self.axis}")
        axis = self.axis % rank  # `axis` itself stays as given, so the config does too
        self._reduction_axes = [i for i in range(rank) if i != axis]
        self._broadcast_shape = [1] * rank
        self._broadcast_shape[axis] = input_shape[axis]
        self.input_spec = keras.layers.InputSpec(ndim=rank, axes={axis: input_shape[axis]})
        shape = (input_shape[axis],)

        def weight(name, initializer, trainable=False, regularizer=None, constraint=None):
            return self.add_weight(shape=shape, name=name, initializer=initializer,
                                   trainable=trainable, regularizer=regularizer,
                                   constraint=constraint, autocast=False)

        self.gamma = (weight("gamma", self.gamma_initializer, True, self.gamma_regularizer,
                             self.gamma_constraint) if self.scale else None)
        self.beta = (weight("beta", self.beta_initializer, True, self.beta_regularizer,
                            self.beta_constraint) if self.center else None)
        self.moving_mean = weight("moving_mean", self.moving_mean_initializer)
        self.moving_variance = weight("moving_variance", self.moving_variance_initializer)
        if self.renorm:
            # σ starts at the square root of the variance initializer's value, as in Keras.
            def stddev_initializer(shape, dtype=None):
                return ops.sqrt(_fresh(self.moving_variance_initializer)(shape, dtype=dtype))

            self.moving_stddev = weight("moving_stddev", stddev_initializer)
            self.renorm_mean = weight("renorm_mean", _fresh(self.moving_mean_initializer))
            self.renorm_stddev = weight("renorm_stddev", stddev_initializer)

    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError("mask must have one dimension fewer than the inputs, got "
                             f"mask.shape={mask.shape} and inputs.shape={inputs.shape}")
        # float16 inputs overflow in the squares: compute in at least float32, as Keras.
        x = ops.cast(inputs, keras.backend.result_type(inputs.dtype, "float32"))
        gamma = None if self.gamma is None else ops.cast(self.gamma, x.dtype)
        beta = None if self.beta is None else ops.cast(self.beta, x.dtype)
        if training and self.trainable:
            mean, variance = self._moments(x, mask)
            if self.renorm:
                r, d = self._renorm_correction(mean, variance)
                # γ((x − μ_B)/σ_B · r + d) + β = (x − μ_B)/σ_B · (rγ) + (dγ + β)
                shift = d if gamma is None else d * gamma
                gamma = r if gamma is None else r * gamma
                beta = shift if beta is None else shift + beta
                self._update_renorm_statistics(mean, variance)
            else:
                p = self.momentum
                self.moving_mean.assign(self.moving_mean * p + mean * (1.0 - p))
                self.moving_variance.assign(self.moving_variance * p + variance * (1.0 - p))
        else:
            mean = ops.cast(self.moving_mean, x.dtype)
            variance = ops.cast(self.moving_variance, x.dtype)
        k = ops.rsqrt(variance + self.epsilon)
        if gamma is not None:
            k = k * gamma
        shift = -mean * k
        if beta is not None:
            shift = shift + beta
        outputs = x * ops.reshape(k, self._broadcast_shape) + ops.reshape(shift, self._broadcast_shape)
        return ops.cast(outputs, self.compute_dtype)

    def _moments(self, x, mask):
        """μ_B and σ²_B over the batch, leaving masked steps out."""
        if mask is None:
            if self.synchronized:
                return ops.moments(x, axes=self._reduction_axes, synchronized=True)
            mean = ops.mean(x, axis=self._reduction_axes)
            # ∂σ²/∂μ = −2·mean(x − μ) = 0, so no gradient needs to flow through μ here
            # (TensorFlow's moments does the same; it saves a backward pass).
            centred = x - ops.stop_gradient(ops.reshape(mean, self._broadcast_shape))
            return mean, ops.mean(ops.square(centred), axis=self._reduction_axes)
        keep = ops.broadcast_to(ops.expand_dims(ops.cast(mask, "bool"), -1), ops.shape(x))
        # Keras adds its fuzz factor to the count, so a fully masked batch gives 0, not NaN.
        count = ops.sum(ops.cast(keep, x.dtype), self._reduction_axes) + keras.config.epsilon()
        mean = ops.sum(ops.where(keep, x, 0.0), self._reduction_axes) / count
        centred = ops.where(keep, x - ops.reshape(mean, self._broadcast_shape), 0.0)
        return mean, ops.sum(ops.square(centred), self._reduction_axes) / count

    def _renorm_correction(self, mean, variance):
        """r = σ_B / σ and d = (μ_B − μ) / σ, clipped; constants for back-propagation."""
        sigma_b = ops.sqrt(variance + self.epsilon)
        # σ is kept away from 0 early in training, as in Keras.
        sigma = ops.maximum(self.renorm_stddev, self.epsilon ** 0.5)
        r = sigma_b / sigma
        d = (mean - self.renorm_mean) / sigma
        rmin, rmax, dmax = (self.renorm_clipping.get(key) for key in ("rmin", "rmax", "dmax"))
        if rmin is not None:
            r = ops.maximum(r, rmin)
        if rmax is not None:
            r = ops.minimum(r, rmax)
        if dmax is not None:
            d = ops.clip(d, -dmax, dmax)
        return ops.stop_gradient(r), ops.stop_gradient(d)

    def _update_renorm_statistics(self, mean, variance):
        sigma_b = ops.sqrt(variance + self.epsilon)
        q, p = self.renorm_momentum, self.momentum
        self.renorm_mean.assign(self.renorm_mean * q + mean * (1.0 - q))
        self.renorm_stddev.assign(self.renorm_stddev * q + sigma_b * (1.0 - q))
        self.moving_mean.assign(self.moving_mean * p + mean * (1.0 - p))
        stddev = self.moving_stddev * p + sigma_b * (1.0 - p)
        self.moving_stddev.assign(stddev)
        # relu: rounding can take σ² − ε just below 0.
        self.moving_variance.assign(ops.relu(stddev * stddev - self.epsilon))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        serialize = keras.saving.serialize_keras_object
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **{name: serialize(getattr(self, name)) for name in (
                    "beta_initializer", "gamma_initializer", "moving_mean_initializer",
                    "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
                    "beta_constraint", "gamma_constraint")},
                "synchronized": self.synchronized, "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum}


def _renorm_clipping(clipping):
    """Keras' rule for `renorm_clipping`: a dict with keys among rmax, rmin, dmax (numbers),
    rmax >= rmin, dmax >= 0; None means no clipping ({})."""
    clipping = dict(clipping or {})
    unknown = set(clipping) - {"rmax", "rmin", "dmax"}
    if unknown:
        raise ValueError(f"renorm_clipping accepts the keys rmax, rmin and dmax, got "
                         f"{sorted(unknown)}")
    clipping = {key: _checks.number(f"renorm_clipping[{key!r}]", value)
                for key, value in clipping.items() if value is not None}
    rmin, rmax, dmax = (clipping.get(key) for key in ("rmin", "rmax", "dmax"))
    if rmin is not None and rmax is not None and rmax < rmin:
        raise ValueError(f"renorm_clipping needs rmax >= rmin, got rmax={rmax}, rmin={rmin}")
    if dmax is not None and dmax < 0:
        raise ValueError(f"renorm_clipping needs dmax >= 0, got dmax={dmax}")
    return clipping


def _fresh(initializer):
    """A copy of `initializer`, so a seeded one draws anew for a second variable (as Keras)."""
    if isinstance(initializer, keras.initializers.Initializer):
        return initializer.__class__.from_config(initializer.get_config())
    return initializer


# ------------------------------------------------------------------- dropout

def _noise_shape(noise_shape):
    """Keras' rule for a dropout mask's shape: None, or a tuple or list whose entries are
    positive ints or None (None takes the input's size). Bad values raise ValueError, as in
    Keras."""
    if noise_shape is None:
        return None
    allowed = "a tuple or list of positive ints or None"
    if isinstance(noise_shape, str):
        raise ValueError(f"noise_shape must be {allowed}, got the string {noise_shape!r}")
    try:
        shape = tuple(noise_shape)
    except TypeError:
        raise ValueError(f"noise_shape must be {allowed}, got {noise_shape!r}") from None
    for index, size in enumerate(shape):
        if size is not None and (not isinstance(size, int) or size <= 0):
            raise ValueError(f"noise_shape must be {allowed}, got {size!r} at index {index}")
    return shape


class _RandomDrop(Layer):
    """What the dropout layers share: the rate, the noise shape and the seed generator."""

    always_on = False  # the MC variants drop at inference too

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _checks.probability("rate", rate)
        self.noise_shape = _noise_shape(noise_shape)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True
        self._build_at_init()  # stateless: built on construction, as Keras' dropout layers are

    def call(self, inputs, training=False):
        if (training or self.always_on) and self.rate > 0:
            shape = ops.shape(inputs)
            if self.noise_shape is not None:  # None entries take the input's size
                shape = [n if s is None else s for s, n in zip(self.noise_shape, shape)]
            keep = keras.random.uniform(shape, seed=self.seed_generator) >= self.rate
            return self.drop(inputs, ops.cast(keep, inputs.dtype))
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}


@_register
class Dropout(_RandomDrop):
    """Dropout (Srivastava, Hinton et al., JMLR 2014), the "inverted" form Keras uses.

        training:  y = x · m / (1 − p),  m ~ Bernoulli(1 − p) per element (or per
                   `noise_shape` slice)
        inference: y = x

    Dividing the kept units by the keep probability 1 − p at training time keeps each
    unit's expected input the same, so inference needs no rescaling (the paper instead
    multiplies the weights by 1 − p after training).
    """

    def drop(self, x, keep):
        if self.rate == 1:  # every unit dropped, as in Keras; x · 0 / 0 would be NaN
            return ops.zeros_like(x)
        return x * keep / (1.0 - self.rate)


@_register
class AlphaDropout(_RandomDrop):
    """Alpha dropout (Klambauer et al., NeurIPS 2017), the dropout that keeps SELU networks
    self-normalizing: dropped units are set to SELU's negative saturation α' = −λα ≈ −1.7581
    instead of 0, and an affine map restores mean 0 and variance 1:

        y = a (x · m + α' (1 − m)) + b,  a = ((1 − p)(1 + p α'²))^(−1/2),  b = −a α' p

    p = 1 is refused here (a is infinite); Keras accepts it and fails at the first call.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        if not isinstance(rate, bool) and rate == 1:
            raise ValueError("rate must be in [0, 1) for AlphaDropout: at rate=1 its "
                             "correction a = ((1 − p)(1 + p α'²))^(−1/2) is infinite")
        super().__init__(rate, noise_shape=noise_shape, seed=seed, **kwargs)

    def drop(self, x, keep):
        alpha_p = -activations.SELU_ALPHA * activations.SELU_SCALE
        p = self.rate
        a = ((1 - p) * (1 + p * alpha_p**2)) ** -0.5
        b = -a * alpha_p * p
        return a * (x * keep + alpha_p * (1.0 - keep)) + b


@_register
class MCDropout(Dropout):
    """Monte Carlo dropout (Gal & Ghahramani, ICML 2016): dropout that stays on at inference.

    Each stochastic pass uses one dropout mask, a sample of the weights from the approximate
    posterior q(W) that dropout training fits. Averaging the passes' predicted probabilities
    estimates the predictive distribution; its entropy is the total uncertainty, and the
    part the passes disagree about (the mutual information) is the model's own, epistemic
    uncertainty. Only this layer is forced on: in plain Keras one calls the model with
    `training=True`, which is fine without batch normalization but would also switch
    batch normalization to batch statistics and update its moving averages.
    """

    always_on = True


@_register
class MCAlphaDropout(AlphaDropout):
    """Monte Carlo alpha dropout: `AlphaDropout` kept on at inference, for SELU networks.

    Like `MCDropout`, it forces only itself on, so the rest of the model stays in inference
    mode.
    """

    always_on = True
