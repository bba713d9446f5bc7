"""One way to train the chapter's experiments, fast by construction.

A lesson trains one network many times: over seeds, initializers, learning rates. A freshly
built and compiled Keras model traces its training step again on its first `fit` (0.6-1.7 s
on two CPU cores, more than ten epochs of MNIST-1D) and its test step on its first
`evaluate`. `Trainer` builds and compiles the network once and gives it fresh weights and a
fresh optimizer state for every run, so the traced step is reused:

    data = lab.experiments.mnist1d()
    trainer = lab.experiments.Trainer(lambda: lab.diagnostics.mlp(5, activation="tanh"),
                                      keras.optimizers.SGD(0.05), data)
    history = trainer.fit(seed=0, epochs=4)   # the same as building, compiling and fitting
    trainer.test_accuracy()                   # a fresh model after lab.device.set_seed(0)

Other choices, made here once: a whole epoch runs in one call of the compiled step
(`steps_per_execution`) unless a callback must see every batch; nothing is printed; after
every epoch the validation split's loss and accuracy go into the logs, as `fit(...,
validation_data=...)` would put them, but from one call of the model on the whole split
(Keras' `evaluate` costs 50 ms a call here, the call 3 ms). tests/test_experiments.py checks
that a run equals a freshly built model trained with Keras' own validation.
"""
import functools

import keras
import numpy as np
from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

from . import _checks, device, diagnostics
from . import data as datasets

_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")


@functools.lru_cache(maxsize=4)
def mnist1d(num_samples=5000, validation_fraction=0.2, seed=42):
    """MNIST-1D (`lab.data.load_mnist1d`) with every feature standardized by the mean and the
    standard deviation of the training split, made once per process."""
    raw = datasets.load_mnist1d(num_samples, validation_fraction, seed)
    mean, std = raw.x_train.mean(axis=0), raw.x_train.std(axis=0)

    def scaled(x):
        return ((x - mean) / std).astype(np.float32)

    return datasets.Dataset(scaled(raw.x_train), raw.y_train, scaled(raw.x_val), raw.y_val,
                            scaled(raw.x_test), raw.y_test, raw.class_names)


def elu_mlp():
    """The optimizer lessons' network: 3 hidden layers of 64 ELU units with He initialization,
    40 inputs (MNIST-1D) and 10 logits (`lab.diagnostics.mlp`)."""
    return diagnostics.mlp(3, width=64, activation="elu", kernel_initializer="he_normal")


def optimizer_trainer(optimizer, *, batch_size=32, steps_per_execution=None):
    """A `Trainer` of `elu_mlp` on `mnist1d()` with `optimizer`, compiled once: every fit trains
    it from fresh weights. steps_per_execution: as in `Trainer` (None: a whole epoch per call)."""
    return Trainer(elu_mlp, optimizer, mnist1d(), batch_size=batch_size,
                   steps_per_execution=steps_per_execution)


def train(optimizer, epochs, seed=0, *, samples=None, callbacks=(), batch_size=32, steps_per_execution=None):
    """Train a fresh `elu_mlp` with `optimizer` on MNIST-1D's batches in order (no shuffling),
    validating after every epoch; return the model and Keras' `History`.
    samples: the first `samples` training examples only (e.g. 50 batches of 32: 1600)."""
    run = optimizer_trainer(optimizer, batch_size=batch_size, steps_per_execution=steps_per_execution)
    history = run.fit(seed, epochs=epochs, samples=samples, callbacks=callbacks, shuffle=False)
    return run.model, history


def seed_runs(optimizer, seeds, epochs, *, callback=None, steps_per_execution=None, batch_size=32):
    """Train `elu_mlp` with `optimizer` for `epochs` epochs from each seed in `seeds` (batches in
    order), compiled once; return one (seed, history dict, final weights, callback) per seed.
    callback: a function that makes a fresh Keras callback for each run (None: no callback)."""
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed, got none")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function that makes a callback, got {callback!r}")
    compared = optimizer_trainer(optimizer, batch_size=batch_size, steps_per_execution=steps_per_execution)
    results = []
    for seed in seeds:
        made = None if callback is None else callback()
        history = compared.fit(seed, epochs, callbacks=[] if made is None else [made], shuffle=False)
        results.append((seed, history.history, compared.model.get_weights(), made))
    return results


def activation_trainer(activation, depth, width, optimizer, batch_size, *, activations, initializers,
                       steps_per_execution=None):
    """A `Trainer` on `mnist1d()` of `lab.diagnostics.mlp(depth, width)` whose hidden layers use
    `activations[activation]`, initialized with the initializer that activation needs,
    `initializers.get(activation, "glorot_uniform")` (Keras' default where none is named).
    activations, initializers: dicts from a name to an activation (a Keras name or a function)
    and to an initializer, looked up when the network is built (an entry added later counts).
    steps_per_execution: as in `Trainer`."""
    if not isinstance(activations, dict) or not isinstance(initializers, dict):
        raise TypeError("activations and initializers must be dicts from an activation's name "
                        "to the activation and to its initializer")
    if activation not in activations:
        raise ValueError(f"activation must be a name in activations {list(activations)}, got {activation!r}")
    return Trainer(
        lambda: diagnostics.mlp(depth, width=width, activation=activations[activation],
                                kernel_initializer=initializers.get(activation, "glorot_uniform")),
        optimizer, mnist1d(), batch_size=batch_size, steps_per_execution=steps_per_execution)


class LeastSquares:
    """A least-squares problem whose gradient is known exactly: mean((x θ - y)²) with x of shape
    (samples, features) and y = x w + 0.1 noise, drawn from `np.random.default_rng(seed)` in
    the order x, w, noise."""

    def __init__(self, samples=64, features=5, seed=0):
        samples = _checks.positive_int("samples", samples)
        features = _checks.positive_int("features", features)
        rng = np.random.default_rng(seed)
        self.x = rng.normal(size=(samples, features))
        self.y = self.x @ rng.normal(size=features) + 0.1 * rng.normal(size=samples)

    def gradient(self, theta):
        """Gradient of mean((x θ - y)²) at `theta`."""
        return 2 * self.x.T @ (self.x @ theta - self.y) / len(self.y)

    def run(self, optimizer, steps=60):
        """Apply `optimizer` to a float64 variable starting at 0 with the exact gradients;
        return its path, one row per step."""
        if not isinstance(optimizer, keras.optimizers.Optimizer):
            raise TypeError(f"optimizer must be a keras.optimizers.Optimizer, got {optimizer!r}")
        steps = _checks.positive_int("steps", steps)
        theta = keras.Variable(np.zeros(self.x.shape[1]), dtype="float64")
        path = []
        for _ in range(steps):
            optimizer.apply([keras.ops.convert_to_tensor(self.gradient(theta.numpy()), "float64")], [theta])
            path.append(theta.numpy().copy())
        return np.array(path)


def sees_every_batch(callback):
    """True if `callback` acts on single batches (then each step must be its own call)."""
    base = keras.callbacks.Callback
    for hook in _BATCH_HOOKS:
        method = getattr(callback, hook)
        if getattr(method, "__func__", method) is not getattr(base, hook):
            return True
    return False


class Trainer:
    """One compiled model, trained again from fresh weights for every seed or configuration.

    build: a function that returns the (uncompiled) Keras model; it is called after
        `lab.device.set_seed(seed)` for every run, and its fresh weights are copied in.
    optimizer: a Keras (or lab) optimizer; its state is reset before every run.
    data: a `lab.data.Dataset`, e.g. `mnist1d()`.
    batch_size, loss, metrics: as in `model.compile` and `model.fit`; the loss defaults to
        sparse categorical cross-entropy on logits, the metric to accuracy. A model with one
        output unit is a binary classifier: its accuracy counts a logit > 0 as class 1.
    steps_per_execution: steps per call of the compiled step; None (the default) runs a
        whole epoch per call, or one step when a callback acts on single batches. With an
        int, a batch callback sees every n-th batch, as in Keras.
    """

    def __init__(self, build, optimizer, data, *, batch_size=32, loss=None, metrics=("accuracy",),
                 steps_per_execution=None):
        if not callable(build):
            raise TypeError(f"build must be a function that returns a model, got {build!r}")
        if not isinstance(optimizer, keras.optimizers.Optimizer):
            raise TypeError(f"optimizer must be a keras.optimizers.Optimizer, got {optimizer!r}")
        if not isinstance(data, datasets.Dataset):
            raise TypeError(f"data must be a lab.data.Dataset, got {type(data).__name__}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        self.build, self.optimizer, self.data, self.batch_size = build, optimizer, data, batch_size
        self.loss = loss or keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self.metrics = list(metrics)
        if steps_per_execution is not None and (isinstance(steps_per_execution, bool) or not
                                                isinstance(steps_per_execution, int) or steps_per_execution < 1):
            raise ValueError(f"steps_per_execution must be None or a positive int, got {steps_per_execution!r}")
        self.steps_per_execution = steps_per_execution
        self.model = None
        self._steps_per_execution = None
        self._optimizer_start = None

    def fit(self, seed=0, epochs=1, *, weights=None, learning_rate=None, samples=None, x=None,
            y=None, callbacks=(), shuffle=True, validation=True):
        """Train from fresh weights drawn with `seed`; return Keras' `History`.

        weights: another build function for the same architecture whose fresh weights to
            start from (another initializer, pretrained layers); default `build`.
        learning_rate: a float that replaces the optimizer's rate for this run.
        samples: train on the first `samples` training examples only.
        x, y: train on these instead of the training split.
        validation: evaluate the validation split after every epoch.
        """
        callbacks = list(callbacks)
        if (x is None) != (y is None):
            raise ValueError("x and y: give both (the examples and their labels) or neither")
        x, y = (self.data.x_train, self.data.y_train) if x is None else (x, y)
        if samples is not None:
            if isinstance(samples, bool) or not isinstance(samples, int) or not 0 < samples <= len(x):
                raise ValueError(f"samples must be an int in [1, {len(x)}], got {samples!r}")
            x, y = x[:samples], y[:samples]
        if learning_rate is not None and not isinstance(self.optimizer._learning_rate, keras.Variable):
            raise ValueError("learning_rate: this optimizer follows a schedule; "
                             "give the Trainer an optimizer with a float rate")
        self.reset(seed, weights)
        steps_per_epoch = -(-len(x) // self.batch_size)
        if self.steps_per_execution is not None:
            self._compile(self.steps_per_execution)
        else:
            self._compile(1 if any(sees_every_batch(c) for c in callbacks) else steps_per_epoch)
        if learning_rate is not None:
            self.optimizer.learning_rate.assign(learning_rate)
        if validation:  # first, so that callbacks like EarlyStopping find val_loss in the logs
            callbacks.insert(0, _Validation(self))
        if steps_per_epoch % self._steps_per_execution:
            # An epoch that ends inside a call: only a finite input ends that call in time.
            return self.model.fit(x, y, batch_size=self.batch_size, epochs=epochs, shuffle=shuffle,
                                  verbose=0, callbacks=callbacks)
        return self.model.fit(self._batches(x, y, shuffle), steps_per_epoch=steps_per_epoch,
                              epochs=epochs, shuffle=False, verbose=0, callbacks=callbacks)

    def _batches(self, x, y, shuffle):
        """The batches `fit(x, y, batch_size, shuffle)` makes, epoch after epoch, from one
        iterator: Keras builds its pipeline for arrays (its ArrayDataAdapter) and starts a new
        iterator every epoch, which costs 20-40 ms here; repeated, the pipeline makes the same
        batches (used when each call of the compiled step ends within one epoch). Under a global seed (`keras.utils.set_random_seed`, as in every notebook), Keras
        3.15 with TensorFlow 2.21 draws the same permutation for every epoch, so with shuffling
        the first epoch is cached and replayed, as Keras' own loop does (tests/test_experiments.py
        fails if a new Keras reshuffles)."""
        epoch = ArrayDataAdapter(x, y, batch_size=self.batch_size, shuffle=shuffle).get_tf_dataset()
        return (epoch.cache() if shuffle else epoch).repeat()

    def reset(self, seed, weights=None):
        """Fresh weights (those `weights or build` draws after set_seed(seed)) and a fresh
        optimizer, as if the model had just been built and compiled."""
        device.set_seed(seed)
        fresh = (weights or self.build)()
        if self.model is None:
            self.model = fresh
            return
        if [v.shape for v in fresh.variables] != [v.shape for v in self.model.variables]:
            raise ValueError("weights must build the same architecture as build "
                             "(the same variables, in the same order and shapes)")
        for variable, value in zip(self.model.variables, fresh.variables):
            variable.assign(value)
        for variable, value in zip(self.optimizer.variables, self._optimizer_start):
            variable.assign(value)

    def evaluate(self, split="test"):
        """The loss (regularization included, as Keras reports it) and the accuracy of the
        current model in inference mode, on a split ("train", "val", "test") or on an (x, y)
        pair: {"loss": …, "accuracy": …}."""
        if isinstance(split, tuple) and len(split) == 2:
            x, y = split
        elif split in ("train", "val", "test"):
            x, y = getattr(self.data, f"x_{split}"), getattr(self.data, f"y_{split}")
        else:
            raise ValueError(f"split must be 'train', 'val', 'test' or an (x, y) pair, got {split!r}")
        if self.model is None:
            raise RuntimeError("evaluate() needs a model trained by fit() first")
        logits = self.model(x, training=False)
        loss = self.loss(y, logits) + sum(self.model.losses, 0.0)
        scores = keras.ops.convert_to_numpy(logits)
        predicted = (scores[:, 0] > 0) if scores.shape[-1] == 1 else scores.argmax(axis=-1)
        hits = np.sum(predicted == np.reshape(y, -1))
        accuracy = np.float32(hits) / np.float32(len(y))  # in float32, as Keras' metric reports it
        return {"loss": float(keras.ops.convert_to_numpy(loss)), "accuracy": float(accuracy)}

    def test_accuracy(self):
        return self.evaluate("test")["accuracy"]

    def _compile(self, steps_per_execution):
        if steps_per_execution == self._steps_per_execution:
            return
        # The optimizer is built once: its starting state is what reset() restores.
        if self._optimizer_start is None:
            self.optimizer.build(self.model.trainable_variables)
            self._optimizer_start = [keras.ops.convert_to_numpy(v) for v in self.optimizer.variables]
        self.model.compile(self.optimizer, loss=self.loss, metrics=self.metrics,
                           steps_per_execution=steps_per_execution)
        self._steps_per_execution = steps_per_execution


class _Validation(keras.callbacks.Callback):
    """val_loss and val_accuracy in the logs after every epoch (see the module docstring)."""

    def __init__(self, trainer):
        super().__init__()
        self.trainer = trainer

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs.update({f"val_{name}": value for name, value in self.trainer.evaluate("val").items()})
