"""Callbacks of the chapter: performance scheduling, early stopping, the learning-rate
range test and 1cycle's cyclical momentum, written from scratch as `keras.callbacks.Callback`
subclasses.

`ReduceLROnPlateau` and `EarlyStopping` are twins of Keras' (same arguments, defaults and
epoch-by-epoch decisions); `LRFinder` and `OneCycleMomentum` have no Keras twin.
"""
import math

import keras
import numpy as np

from . import _checks

# Metrics where larger is better, for mode="auto" (Keras asks the metric object instead).
_INCREASING = ("acc", "accuracy", "auc", "precision", "recall", "f1_score", "r2_score")


def _learning_rate(optimizer):
    return float(keras.ops.convert_to_tensor(optimizer.learning_rate))


def _require_float_rate(callback, optimizer):
    """Callbacks that set the rate themselves cannot share it with a schedule."""
    if isinstance(optimizer._learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        raise TypeError(f"{type(callback).__name__} needs a float learning rate, not a "
                        f"LearningRateSchedule: the two would fight over the rate")


class _Monitor(keras.callbacks.Callback):
    """Watches one logged quantity; `_improved(current, best)` applies mode and min_delta."""

    def __init__(self, monitor, mode, min_delta):
        super().__init__()
        self.monitor = monitor
        self.mode = _checks.choice("mode", mode, ("auto", "min", "max"))
        self.min_delta = abs(_checks.number("min_delta", min_delta))

    @property
    def _maximize(self):
        if self.mode != "auto":
            return self.mode == "max"
        name = self.monitor.removeprefix("val_")
        return name in _INCREASING or name.endswith("accuracy")

    def _improved(self, current, reference):
        """Better than the reference by more than min_delta (always, with no reference)."""
        if reference is None:
            return True
        # Compared in float32, as Keras does (its logs are float32 metrics anyway).
        if self._maximize:
            return np.float32(current - self.min_delta) > np.float32(reference)
        return np.float32(current + self.min_delta) < np.float32(reference)

    def _current(self, logs):
        value = (logs or {}).get(self.monitor)
        if value is None:  # ValueError: Keras' type for a monitor it cannot interpret
            raise ValueError(f"{type(self).__name__} monitors {self.monitor!r}, which is not "
                             f"in the logs: {sorted(logs or {})}. Pass validation data for "
                             f"'val_' metrics.")
        # .item(): a per-class metric (F1Score) of a single output is a one-element array.
        return float(np.asarray(value).item())


class ReduceLROnPlateau(_Monitor):
    """Performance scheduling: η ← max(η · factor, min_lr) after `patience` epochs without
    an improvement of the monitored quantity larger than `min_delta` (absolute), then wait
    `cooldown` epochs before counting again.

    Same arguments, defaults and decisions as Keras' (which, like this one, needs a float
    learning rate, not a schedule). A metric missing from the logs raises ValueError here
    where Keras only warns and does nothing (in mode "auto" Keras too raises ValueError for
    a name it cannot place). Keras' also takes and ignores unknown keyword arguments;
    this one refuses them (TypeError), so that a misspelt argument is not lost.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta)
        self.factor = _checks.number("factor", factor)
        if not 0 <= self.factor < 1:
            raise ValueError(f"factor must be in [0, 1), got {factor}")
        self.patience = _checks.non_negative("patience", patience)
        self.cooldown = _checks.non_negative("cooldown", cooldown)
        self.min_lr = _checks.non_negative("min_lr", min_lr)
        self.verbose = verbose

    def on_train_begin(self, logs=None):
        _require_float_rate(self, self.model.optimizer)
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def on_epoch_end(self, epoch, logs=None):
        optimizer = self.model.optimizer
        current = self._current(logs)
        if logs is not None:
            logs["learning_rate"] = _learning_rate(optimizer)
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current, self.best):
            self.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            old_lr = _learning_rate(optimizer)
            if self.wait >= self.patience and old_lr > np.float32(self.min_lr):
                new_lr = max(old_lr * self.factor, self.min_lr)
                optimizer.learning_rate = new_lr
                self.cooldown_counter, self.wait = self.cooldown, 0
                if self.verbose:
                    print(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                          f"{new_lr}.")


class EarlyStopping(_Monitor):
    """Stop when the monitored quantity has not improved by more than `min_delta` for
    `patience` epochs; with `restore_best_weights`, go back to the best epoch's weights.

    Same arguments, defaults and decisions as Keras' (`baseline`: an improvement only
    resets the patience once it also beats the baseline; `start_from_epoch`: warm-up
    epochs that are not watched). A metric missing from the logs raises ValueError where
    Keras warns (in mode "auto" Keras too raises ValueError for a name it cannot place).
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta)
        self.patience = _checks.non_negative("patience", patience)
        self.baseline = _checks.optional(_checks.number, "baseline", baseline)
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = _checks.non_negative("start_from_epoch", start_from_epoch)
        self.verbose = verbose

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best, self.best_weights = None, None

    def on_epoch_end(self, epoch, logs=None):
        if epoch < self.start_from_epoch:
            return
        current = self._current(logs)
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._improved(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.verbose and self.stopped_epoch:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class LRFinder(keras.callbacks.Callback):
    """The learning-rate range test (Smith, "Cyclical Learning Rates", WACV 2017), the
    first step of the 1cycle policy. Keras has none.

    During one short run the rate grows geometrically, batch k of K using
        η_k = η_min · (η_max / η_min)^(k / (K − 1)),
    and the loss of each batch is recorded. Training stops early once the loss exceeds
    `divergence_factor` times the best loss seen. The model's weights and learning rate are
    put back at the end, so the model is as it was. Plot `losses` against
    `learning_rates` (log x axis). A safe constant rate is about a tenth of the rate where
    the loss is lowest (`suggestion()`); 1cycle visits its peak only briefly, so Smith puts
    its maximum near the lowest-loss rate itself, just before the loss turns up.

        finder = lab.callbacks.LRFinder(steps=100)
        model.fit(x, y, epochs=finder.epochs_for(len(x) // batch_size), callbacks=[finder])
    """

    def __init__(self, min_learning_rate=1e-5, max_learning_rate=10.0, steps=100,
                 divergence_factor=4.0):
        super().__init__()
        self.min_learning_rate = _checks.positive("min_learning_rate", min_learning_rate)
        self.max_learning_rate = _checks.positive("max_learning_rate", max_learning_rate)
        if self.min_learning_rate >= self.max_learning_rate:
            raise ValueError(f"min_learning_rate must be < max_learning_rate, got "
                             f"{min_learning_rate} >= {max_learning_rate}")
        self.steps = _checks.positive_int("steps", steps)
        if self.steps < 2:
            raise ValueError(f"steps must be >= 2, got {steps}")
        self.divergence_factor = _checks.number("divergence_factor", divergence_factor)
        if self.divergence_factor <= 1:
            raise ValueError(f"divergence_factor must be > 1, got {divergence_factor}")
        self.learning_rates, self.losses = [], []

    def learning_rate_at(self, k):
        """η_k, the rate of batch k (0-based)."""
        ratio = self.max_learning_rate / self.min_learning_rate
        return self.min_learning_rate * ratio ** (k / (self.steps - 1))

    def epochs_for(self, batches_per_epoch):
        """How many epochs `fit` needs so that `steps` batches can run."""
        return math.ceil(self.steps / _checks.positive_int("batches_per_epoch", batches_per_epoch))

    def on_train_begin(self, logs=None):
        optimizer = self.model.optimizer
        _require_float_rate(self, optimizer)
        self._saved_weights = self.model.get_weights()
        self._saved_learning_rate = _learning_rate(optimizer)
        self.learning_rates, self.losses = [], []
        self._batch = 0
        optimizer.learning_rate = self.learning_rate_at(0)

    def on_epoch_begin(self, epoch, logs=None):
        self._running_mean = 0.0

    def on_train_batch_end(self, batch, logs=None):
        # Keras logs the mean loss since the epoch began; the batch's own loss is what moves.
        mean = float(logs["loss"]) if logs and "loss" in logs else math.nan
        loss = mean * (batch + 1) - self._running_mean * batch
        self._running_mean = mean
        self.learning_rates.append(self.learning_rate_at(self._batch))
        self.losses.append(loss)
        self._batch += 1
        best = min(self.losses)
        if self._batch >= self.steps or not math.isfinite(loss) or loss > self.divergence_factor * best:
            self.model.stop_training = True
        else:
            self.model.optimizer.learning_rate = self.learning_rate_at(self._batch)

    def on_train_end(self, logs=None):
        self.model.set_weights(self._saved_weights)
        self.model.optimizer.learning_rate = self._saved_learning_rate

    def suggestion(self):
        """A tenth of the rate at the lowest recorded loss: a safe constant rate (the rule
        of thumb in Géron's chapter 11)."""
        if not self.losses:
            raise RuntimeError("LRFinder has no record yet: run model.fit with it first")
        return self.learning_rates[int(np.nanargmin(self.losses))] / 10


class OneCycleMomentum(keras.callbacks.Callback):
    """Smith's cyclical momentum for a 1cycle run (Smith, "A disciplined approach to neural
    network hyper-parameters", 2018): momentum moves against the learning rate, from
    `max_momentum` down to `min_momentum` while the rate climbs, back up while it falls, and
    stays at `max_momentum` in the final part.

    The phases are those of `schedule`, the `lab.optimizers.schedules.OneCycle` that drives
    the rate: T₁ = (1 − a) T / 2 steps down, T₁ steps up, then flat. Before every batch the
    callback reads the optimizer's step t (`iterations`) and assigns α(t) to the optimizer's
    momentum. That needs `lab.optimizers.SGD` with a momentum > 0, whose step reads a
    variable; Keras' SGD bakes its Python float into the traced step, so assigning it would
    silently do nothing, and it is refused (TypeError).

        schedule = lab.optimizers.schedules.OneCycle(0.4, total_steps)
        model.compile(lab.optimizers.SGD(schedule, momentum=0.95), ...)
        model.fit(..., callbacks=[lab.callbacks.OneCycleMomentum(schedule)])
    """

    def __init__(self, schedule, max_momentum=0.95, min_momentum=0.85):
        super().__init__()
        from .optimizers.schedules import OneCycle
        if not isinstance(schedule, OneCycle):
            raise TypeError(f"schedule must be a lab.optimizers.schedules.OneCycle, got "
                            f"{type(schedule).__name__}")
        self.schedule = schedule
        self.max_momentum = _checks.unit_interval("max_momentum", max_momentum)
        self.min_momentum = _checks.unit_interval("min_momentum", min_momentum)
        if self.min_momentum > self.max_momentum:
            raise ValueError(f"min_momentum must be <= max_momentum, got {min_momentum} > "
                             f"{max_momentum}")
        self.momenta = []

    def momentum_at(self, step):
        """α(t) for the optimizer step t (0 for the first update); arrays too."""
        t = np.asarray(step, dtype="float64")
        t_1 = (1 - self.schedule.annihilation_fraction) * self.schedule.total_steps / 2
        high, low = self.max_momentum, self.min_momentum
        return np.interp(t, [0.0, t_1, 2 * t_1], [high, low, high])

    def on_train_begin(self, logs=None):
        from .optimizers import SGD
        optimizer = self.model.optimizer
        if not isinstance(optimizer, SGD) or optimizer._momentum_variable is None:
            raise TypeError("OneCycleMomentum needs lab.optimizers.SGD created with a momentum "
                            "> 0 (a variable its step reads); Keras' SGD fixes its momentum "
                            f"when the step is traced. Got {type(optimizer).__name__} with "
                            f"momentum {getattr(optimizer, 'momentum', None)}")
        self.momenta = []

    def on_train_batch_begin(self, batch, logs=None):
        optimizer = self.model.optimizer
        momentum = float(self.momentum_at(int(optimizer.iterations)))
        optimizer.momentum = momentum
        self.momenta.append(momentum)
