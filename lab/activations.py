"""Nonsaturating activations from the slides, twins of `keras.activations`.

ReLU's gradient is 0 for every negative input, so a unit whose inputs all turn negative
stops learning ("dying ReLU"). These functions keep a gradient on the negative side.
"""
from keras import ops

from . import _checks

# Klambauer et al., "Self-Normalizing Neural Networks", NeurIPS 2017, eq. 14: the (α, λ)
# for which N(0, 1) inputs give outputs of mean 0 and variance 1.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def leaky_relu(x, negative_slope=0.2):
    """LeakyReLU_α(z) = max(αz, z) (Maas, Hannun & Ng, 2013), for 0 ≤ α < 1.

    The function's default α is 0.2, as `keras.activations.leaky_relu`; the layer
    `keras.layers.LeakyReLU` (and `lab.layers.LeakyReLU`) defaults to 0.3.
    """
    alpha = _checks.unit_interval("negative_slope", negative_slope)
    x = ops.convert_to_tensor(x)
    # At z = 0 both branches give 0; taking αz there makes the derivative α, as TensorFlow's.
    return ops.where(x > 0, x, alpha * x)


def elu(x, alpha=1.0):
    """ELU_α(z) = z if z > 0, else α(exp(z) − 1) (Clevert, Unterthiner & Hochreiter, ICLR 2016).

    Negative outputs pull the mean activation towards 0; with α = 1 the function is
    smooth at 0. exp(z) − 1 is computed as expm1(z), accurate near 0 (as TensorFlow).
    """
    alpha = _checks.number("alpha", alpha)
    x = ops.convert_to_tensor(x)
    # At z = 0 both branches give 0; the negative one makes the derivative there α, as Keras'.
    return ops.where(x > 0, x, alpha * ops.expm1(ops.minimum(x, 0.0)))


def selu(x):
    """SELU(z) = λ · ELU_α(z) with the fixed α ≈ 1.6733, λ ≈ 1.0507 of Klambauer et al.

    In a plain stack of dense layers with LeCun-normal weights and standardized inputs,
    the activations keep mean 0 and variance 1 layer after layer (self-normalization).
    """
    x = ops.convert_to_tensor(x)
    # Here z = 0 takes the linear branch (derivative λ at 0), as TensorFlow's selu does.
    return SELU_SCALE * ops.where(x >= 0, x, SELU_ALPHA * ops.expm1(ops.minimum(x, 0.0)))
