"""Nonsaturating activations from the slides, twins of `keras.activations`.

ReLU's gradient is 0 for every negative input, so a unit whose inputs all turn negative
stops learning ("dying ReLU"). These functions keep a gradient on the negative side.

Keras computes leaky ReLU and ELU with one fused TensorFlow kernel each way (LeakyRelu /
LeakyReluGrad, Elu / EluGrad). Here they are built from ReLU, whose kernel and gradient
are among the cheapest: with p = max(z, 0), min(z, 0) = z − p exactly, so

    leaky_relu(z) = p + α · (z − p),    elu(z) = p + α · expm1(z − p).

One of the two terms is exactly 0 for every z, so the values are the two-branch formula's
bit for bit (leaky ReLU: Keras' own; ELU: within 1 ulp of TensorFlow's fused kernel, as
before), and since ReLU's derivative at 0 is 0 the derivative there is α, as
Keras'. On CPU without XLA, forward + backward of a (64, 512) batch took 1.2x Keras' time
(leaky ReLU) and 0.9x (ELU), against 1.6x and 1.3x with ops.where (a Select each way plus
the zeros its gradient fills in). In benchmarks/speed.py's training step (2 busy CPU
cores, so noisy) the lab/Keras ratio went from 1.06-1.10 to 0.99-1.03 (LeakyReLU) and from
1.16-1.17 to 0.98-1.13 (ELU). An input of +inf gives NaN (inf − inf), where Keras gives inf.

Each is registered with Keras under "lab>name", so a model whose layers use one saves it by
that name and `keras.models.load_model` gives the layer back this function (unregistered,
Keras would save "elu" and load its own elu instead).
"""
import keras
from keras import ops

from . import _checks

# Klambauer et al., "Self-Normalizing Neural Networks", NeurIPS 2017, eq. 14: the (α, λ)
# for which N(0, 1) inputs give outputs of mean 0 and variance 1.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@keras.saving.register_keras_serializable(package="lab")
def leaky_relu(x, negative_slope=0.2):
    """LeakyReLU_α(z) = z if z > 0 else αz (Maas, Hannun & Ng, 2013), for α ≥ 0.

    The slide's α is below 1 (then it is max(αz, z)); like Keras, any α ≥ 0 is accepted.
    The function's default α is 0.2, as `keras.activations.leaky_relu`; the layer
    `keras.layers.LeakyReLU` (and `lab.layers.LeakyReLU`) defaults to 0.3.
    """
    alpha = _checks.non_negative("negative_slope", negative_slope)
    x = ops.convert_to_tensor(x)
    positive = ops.relu(x)
    return positive + alpha * (x - positive)  # max(z, 0) + α min(z, 0): see the module doc


@keras.saving.register_keras_serializable(package="lab")
def elu(x, alpha=1.0):
    """ELU_α(z) = z if z > 0, else α(exp(z) − 1) (Clevert, Unterthiner & Hochreiter, ICLR 2016).

    Negative outputs pull the mean activation towards 0; with α = 1 the function is
    smooth at 0. exp(z) − 1 is computed as expm1(z), accurate near 0 (as TensorFlow).
    """
    alpha = _checks.number("alpha", alpha)
    x = ops.convert_to_tensor(x)
    positive = ops.relu(x)
    return positive + alpha * ops.expm1(x - positive)  # see the module doc


@keras.saving.register_keras_serializable(package="lab")
def selu(x):
    """SELU(z) = λ · ELU_α(z) with the fixed α ≈ 1.6733, λ ≈ 1.0507 of Klambauer et al.

    In a plain stack of dense layers with LeCun-normal weights and standardized inputs,
    the activations keep mean 0 and variance 1 layer after layer (self-normalization).
    """
    x = ops.convert_to_tensor(x)
    # Here z = 0 takes the linear branch (derivative λ at 0), as TensorFlow's selu does. λ
    # goes inside each branch, as TensorFlow's λα constant: a number times a symbolic tensor
    # outside ops.where would mark Keras' output spec sparse (a Keras quirk).
    return ops.where(x >= 0, SELU_SCALE * x,
                     SELU_SCALE * SELU_ALPHA * ops.expm1(ops.minimum(x, 0.0)))
