"""Look inside a deep network: per-layer statistics of activations and gradients.

Vanishing and exploding gradients are invisible in the loss until training has already
failed; these helpers make them visible layer by layer, the way Glorot & Bengio (2010,
Figs. 3-7) and He et al. (2015, Fig. 3) looked at them.
"""
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf


def mlp(depth, width=100, activation="relu", kernel_initializer="glorot_uniform",
        input_dim=40, num_classes=10, after_hidden=None):
    """A plain deep MLP: `depth` hidden `Dense(width, activation)` layers, then logits.

    `after_hidden`, if given, makes a layer that follows every hidden layer, e.g.
    `after_hidden=lambda: lab.layers.Dropout(0.2)`.

    The output layer has no activation (train with `from_logits=True`), so every
    `Dense` but the last is a hidden layer whose statistics we look at.

    Each layer gets its own copy of `kernel_initializer`: an unseeded Keras initializer
    instance draws the *same* values on every call, so sharing one instance between
    layers would give them identical kernels.
    """
    if not isinstance(depth, int) or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    if not isinstance(width, int) or width < 1:
        raise ValueError(f"width must be a positive integer, got {width!r}")
    if after_hidden is not None and (isinstance(after_hidden, keras.layers.Layer)
                                     or not callable(after_hidden)):
        raise TypeError("after_hidden must be a function that makes a new layer, such as "
                        f"lambda: lab.layers.Dropout(0.2) (one layer would be shared), got {after_hidden!r}")
    initializer = keras.initializers.get(kernel_initializer)

    def fresh_initializer():
        return type(initializer).from_config(initializer.get_config())

    layers = [keras.Input((input_dim,))]
    for _ in range(depth):
        layers.append(keras.layers.Dense(width, activation=activation,
                                         kernel_initializer=fresh_initializer()))
        if after_hidden is not None:
            layers.append(after_hidden())
    layers.append(keras.layers.Dense(num_classes, kernel_initializer=fresh_initializer()))
    return keras.Sequential(layers)


def effective_rates(optimizer):
    """Every weight's effective learning rate, flattened: ϵ/(δ + √r) for the slide's AdaGrad
    (variant="slide"), ϵ/√(r + δ) for the other optimizers with `accumulators` (lab's Adagrad
    and RMSprop), and [ϵ] for one without (SGD). ϵ is the optimizer's current learning rate,
    δ its `epsilon`."""
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"optimizer must be a keras.optimizers.Optimizer, got {optimizer!r}")
    lr = float(keras.ops.convert_to_numpy(optimizer.learning_rate))  # the slide's ϵ
    if not hasattr(optimizer, "accumulators"):
        return np.array([lr])
    delta = optimizer.epsilon  # Keras' epsilon is the slide's δ
    r = np.concatenate([keras.ops.convert_to_numpy(a).ravel() for a in optimizer.accumulators])
    if getattr(optimizer, "variant", "keras") == "slide":
        return lr / (delta + np.sqrt(r))
    return lr / np.sqrt(r + delta)


def value_and_slope(function, z):
    """An activation's values at the points `z` and its derivative there, by automatic
    differentiation (what back-propagation uses): two NumPy arrays shaped like `z`."""
    if not callable(function):
        raise TypeError(f"function must be callable (an activation or a layer), got {function!r}")
    z = tf.convert_to_tensor(z)
    with tf.GradientTape() as tape:
        tape.watch(z)
        values = function(z)
    return np.asarray(values), np.asarray(tape.gradient(values, z))


def max_gap(weights_a, weights_b):
    """The largest |a - b| over two models' weights (or two lists of weight arrays) of the
    same architecture."""
    weights_a, weights_b = (list(w.get_weights()) if isinstance(w, keras.Model) else list(w)
                            for w in (weights_a, weights_b))
    if len(weights_a) != len(weights_b) or any(np.shape(a) != np.shape(b) for a, b in zip(weights_a, weights_b)):
        raise ValueError("weights_a and weights_b must have the same number of arrays, of the same shapes")
    return float(max(np.abs(np.asarray(a) - np.asarray(b)).max() for a, b in zip(weights_a, weights_b)))


@dataclass(frozen=True)
class LayerStatistics:
    """One number per hidden layer (index 0 is the layer next to the input)."""

    activation_mean: np.ndarray
    activation_std: np.ndarray
    gradient_std: np.ndarray          # std of dLoss/d(layer output): the back-propagated signal
    weight_gradient_std: np.ndarray   # std of dLoss/d(kernel): what the optimizer sees

    @property
    def depth(self):
        return len(self.activation_std)


def _numpy(tensors):
    return [keras.ops.convert_to_numpy(t) for t in tensors]


def _hidden_layers(model):
    return model.layers[:-1]


def layer_statistics(model, x, y):
    """Forward and backward statistics of every hidden layer of `model` on one batch.

    `model` is a Sequential MLP like `mlp()` builds (the last layer outputs logits) and
    the loss is the sparse categorical cross-entropy, as in training.
    """
    hidden = _hidden_layers(model)
    probe = keras.Model(model.inputs[0], [layer.output for layer in hidden] + model.outputs)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    kernels = [layer.kernel for layer in hidden]
    with tf.GradientTape() as tape:
        *activations, logits = probe(x)
        loss = loss_fn(y, logits)
    gradients = tape.gradient(loss, activations + kernels)
    activations, gradients = _numpy(activations), _numpy(gradients)
    activation_grads, kernel_grads = gradients[:len(hidden)], gradients[len(hidden):]
    return LayerStatistics(
        activation_mean=np.array([float(np.mean(a)) for a in activations]),
        activation_std=np.array([float(np.std(a)) for a in activations]),
        gradient_std=np.array([float(np.std(g)) for g in activation_grads]),
        weight_gradient_std=np.array([float(np.std(g)) for g in kernel_grads]),
    )


def dead_fraction(activations):
    """Fraction of units whose output is ≤ 0 for every example of the batch.

    For ReLU such a unit is dead: its gradient is 0 on every input, so no update can revive
    it. Leaky ReLU, ELU and SELU are also ≤ 0 exactly where their input is ≤ 0, so the same
    count shows how many of their units sit on the negative side (where they still learn).
    """
    activations = np.asarray(activations)
    return float(np.mean(activations.max(axis=0) <= 0))


class _EveryNSteps(keras.callbacks.Callback):
    """Calls `_record()` before training and then every `every` training steps.

    Steps are counted by the optimizer, so the checkpoints are the same whether each step is
    its own call into TensorFlow or `steps_per_execution` steps are: with several steps per
    call, a record is taken after the first call that completes `every` steps since the last.
    """

    def __init__(self, every):
        super().__init__()
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}")
        self.every, self.steps = every, []

    def on_train_begin(self, logs=None):
        self._start()
        self._first_step = int(self.model.optimizer.iterations)
        self.steps.append(0)
        self._record()

    def on_train_batch_end(self, batch, logs=None):
        step = int(self.model.optimizer.iterations) - self._first_step
        if step >= self.steps[-1] + self.every:
            self.steps.append(step)
            self._record()

    def _start(self):
        pass


class ActivationMonitor(_EveryNSteps):
    """Records a statistic of each hidden layer's outputs on a fixed batch during training.

    `statistic` maps one layer's outputs (batch, units) to a number: the mean by default,
    or `dead_fraction`. `history` is an array of shape (checkpoints, hidden layers);
    `steps` holds the training step of each checkpoint (the first is taken before training).
    """

    def __init__(self, x, every=10, statistic=np.mean):
        super().__init__(every)
        self.x, self.statistic, self._values = x, statistic, []

    def _start(self):
        hidden = _hidden_layers(self.model)
        self._probe = keras.Model(self.model.inputs[0], [layer.output for layer in hidden])

    def _record(self):
        outputs = _numpy(self._probe(self.x))
        self._values.append([float(self.statistic(a)) for a in outputs])

    @property
    def history(self):
        return np.array(self._values)


class AccuracyMonitor(_EveryNSteps):
    """Accuracy of the model on (x, y) every `every` steps (inference mode)."""

    def __init__(self, x, y, every=50):
        super().__init__(every)
        self.x, self.y, self.accuracy = x, np.asarray(y), []

    def _record(self):
        logits = keras.ops.convert_to_numpy(self.model(self.x, training=False))
        self.accuracy.append(float(np.mean(logits.argmax(axis=-1) == self.y)))


class PercentileMonitor(_EveryNSteps):
    """Percentiles of one unit of one layer's output on a fixed batch, as training sees it.

    The batch goes through the model in training mode, so batch normalization uses the
    batch's own statistics (what the next layer receives during training); the moving
    statistics that this extra pass updates are put back afterwards. `history` has one row
    of `percentiles` per checkpoint (Ioffe & Szegedy 2015, Figure 1b-c).
    """

    def __init__(self, x, layer_name, unit=0, every=50, percentiles=(15, 50, 85)):
        super().__init__(every)
        self.x, self.layer_name, self.unit, self.percentiles = x, layer_name, unit, percentiles
        self._rows = []

    def _start(self):
        self._probe = keras.Model(self.model.inputs[0],
                                  self.model.get_layer(self.layer_name).output)

    def _record(self):
        frozen = list(self.model.non_trainable_variables)
        saved = [keras.ops.convert_to_numpy(v) for v in frozen]
        values = keras.ops.convert_to_numpy(self._probe(self.x, training=True))[:, self.unit]
        for variable, value in zip(frozen, saved):
            variable.assign(value)
        self._rows.append(np.percentile(values, self.percentiles))

    @property
    def history(self):
        return np.array(self._rows)


class LearningRateLog(keras.callbacks.Callback):
    """Record the learning rate of every batch in `rates`: a schedule evaluated at the
    optimizer's step, or the float rate a callback such as ReduceLROnPlateau set."""

    def on_train_begin(self, logs=None):
        self.rates = []

    def on_train_batch_begin(self, batch, logs=None):
        self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))
