"""Keras' own callback tests, run against lab.callbacks: the behaviours that
keras/src/callbacks/{reduce_lr_on_plateau,early_stopping}_test.py check, with Keras' numbers,
and the signatures of the twins."""
import inspect

import keras
import numpy as np
import pytest

from lab import callbacks


@pytest.mark.parametrize("name", ["ReduceLROnPlateau", "EarlyStopping"])
def test_every_keras_argument_is_accepted_with_keras_default(name):
    ours = inspect.signature(getattr(callbacks, name)).parameters
    theirs = inspect.signature(getattr(keras.callbacks, name)).parameters
    # Keras' ReduceLROnPlateau also swallows unknown keyword arguments (**kwargs); lab
    # refuses them (TypeError), so that a misspelt argument is not silently ignored.
    named = [(p.name, p.default) for p in theirs.values() if p.kind is not p.VAR_KEYWORD]
    assert [(p.name, p.default) for p in ours.values()] == named


# ------------------------------------------------------- reduce_lr_on_plateau_test.py

rng = np.random.default_rng(1337)
X_TRAIN, X_TEST = rng.normal(size=(10, 3)), rng.normal(size=(10, 3))
Y_TRAIN = keras.utils.to_categorical(rng.integers(0, 2, 10), 2)
Y_TEST = keras.utils.to_categorical(rng.integers(0, 2, 10), 2)


def plateau_run(epochs, optimizer=None, **kwargs):
    """ReduceLROnPlateauTest.setUp's model (Adam(0.1), mse) fitted with the callback."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(5), keras.layers.Dense(2)])
    model.compile(loss="mse", optimizer=optimizer or keras.optimizers.Adam(0.1))
    callback = callbacks.ReduceLROnPlateau(monitor="val_loss", patience=1, factor=0.1, **kwargs)
    model.fit(X_TRAIN, Y_TRAIN, validation_data=(X_TEST, Y_TEST), callbacks=[callback],
              epochs=epochs, verbose=0)
    return float(model.optimizer.learning_rate.value), callback


@pytest.mark.parametrize("epochs,kwargs,expected", [
    (2, dict(min_delta=100), 0.01),                 # test_reduces_lr_with_model_fit
    (4, dict(min_delta=10, min_lr=0.005), 0.005),   # test_honors_min_lr
    (4, dict(min_delta=100, cooldown=2), 0.001),    # test_cooldown: two cuts in four epochs
])
def test_reduce_lr_on_plateau_in_fit(epochs, kwargs, expected):
    assert plateau_run(epochs, **kwargs)[0] == pytest.approx(expected, rel=1e-6)


def test_throws_when_optimizer_has_schedule():
    schedule = keras.optimizers.schedules.PolynomialDecay(initial_learning_rate=0.1,
                                                          decay_steps=10)
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        plateau_run(2, optimizer=keras.optimizers.Adam(schedule), min_delta=100)


def test_verbose_logging(capsys):
    plateau_run(2, min_delta=100, verbose=1)
    assert "ReduceLROnPlateau reducing learning rate to 0.01" in capsys.readouterr().out


def test_reduce_lr_state_reset_across_fit_calls():
    callback = callbacks.ReduceLROnPlateau(patience=1, factor=0.1, monitor="loss",
                                           min_delta=0, cooldown=2)
    callback.set_model(keras.Sequential())
    callback.model.compile(loss="mse", optimizer="adam")
    callback.on_train_begin()
    callback.best, callback.wait, callback.cooldown_counter = 0.5, 3, 2
    callback.on_train_begin()
    assert (callback.best, callback.wait, callback.cooldown_counter) == (None, 0, 0)


# -------------------------------------------------------------- early_stopping_test.py

def mae_model(metrics=("mse",)):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(1, activation="relu"),
                              keras.layers.Dense(1, activation="relu")])
    model.compile(loss="mae", optimizer="sgd", metrics=list(metrics))
    return model


DATA = rng.random((10, 5)), rng.random((10, 1))


def test_early_stopping_direction():
    """test_early_stopping: the direction each (mode, monitor) pair is watched in (Keras
    reads it from monitor_op, lab from _maximize), on one model as in Keras' test."""
    model = mae_model(["mse", "acc", "accuracy", "hinge", keras.metrics.F1Score(name="f1_score")])
    for mode, monitor, expected in [
            ("max", "val_mse", "max"), ("min", "val_loss", "min"), ("auto", "val_mse", "min"),
            ("auto", "loss", "min"), ("auto", "acc", "max"), ("auto", "val_accuracy", "max"),
            ("auto", "hinge", "min"), ("auto", "f1_score", "max")]:
        stopper = callbacks.EarlyStopping(patience=0, monitor=monitor, mode=mode)
        model.fit(*DATA, batch_size=5, validation_data=DATA, callbacks=[stopper], epochs=2,
                  verbose=0)
        assert stopper._maximize is (expected == "max"), (mode, monitor)


def test_early_stopping_unknown_monitor_is_a_value_error():
    with pytest.raises(ValueError, match="unknown"):
        mae_model().fit(*DATA, batch_size=5, validation_data=DATA, epochs=2, verbose=0,
                        callbacks=[callbacks.EarlyStopping(patience=0, monitor="unknown")])


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_early_stopping_patience(patience):
    stopper = callbacks.EarlyStopping(monitor="loss", patience=patience)
    stopper.set_model(keras.Sequential())
    stopper.model.compile(loss="mse", optimizer="sgd")
    stopper.on_train_begin()
    for epoch, loss in enumerate([10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5]):
        stopper.on_epoch_end(epoch=epoch, logs={"loss": loss})
        if stopper.model.stop_training:
            break
    assert stopper.stopped_epoch == max(patience, 1) + 2


def test_early_stopping_reuse_baseline_and_start_from_epoch():
    """test_early_stopping_reuse, _with_baseline, _with_start_from_epoch: never fewer
    epochs than the patience (plus the warm-up), a second fit included."""
    model = mae_model()
    for kwargs, at_least in [(dict(patience=3), 3), (dict(patience=3), 3),
                             (dict(patience=3, baseline=0.6), 3),
                             (dict(patience=3, start_from_epoch=2), 5),
                             (dict(patience=0, start_from_epoch=2), 2)]:
        stopper = callbacks.EarlyStopping(monitor="mse", **kwargs)
        history = model.fit(*DATA, callbacks=[stopper], verbose=0, epochs=20)
        assert len(history.epoch) >= at_least


def test_early_stopping_state_reset_across_fit_calls():
    stopper = callbacks.EarlyStopping(monitor="loss", patience=3)
    stopper.set_model(keras.Sequential())
    stopper.on_train_begin()
    stopper.best, stopper.wait, stopper.stopped_epoch, stopper.best_epoch = 0.1, 3, 5, 5
    stopper.best_weights = object()
    stopper.on_train_begin()
    assert (stopper.best, stopper.wait, stopper.stopped_epoch, stopper.best_epoch,
            stopper.best_weights) == (None, 0, 0, 0, None)


class DummyModel:
    """Keras' stand-in model: its 'weights' are the number of the epoch they come from."""

    def __init__(self):
        self.stop_training, self.weights = False, -1

    def get_weights(self):
        return self.weights

    def set_weights(self, weights):
        self.weights = weights


@pytest.mark.parametrize("losses,kwargs,stop_at,epochs,restored", [
    ([0.2, 0.15, 0.1, 0.11, 0.12], dict(patience=2), None, 5, 2),
    ([0.9, 0.8, 0.7, 0.71, 0.72, 0.73], dict(patience=5, baseline=0.5), None, 5, 2),
    ([0.9, 0.8, 0.7, 0.71, 0.72, 0.73], dict(patience=5, baseline=0.5), 3, 4, 2),
])
def test_early_stopping_final_weights_when_restoring_model_weights(losses, kwargs, stop_at,
                                                                    epochs, restored):
    """The best epoch's weights come back: when patience runs out, when no epoch beats the
    baseline, and when another callback stops the training."""
    stopper = callbacks.EarlyStopping(monitor="val_loss", restore_best_weights=True, **kwargs)
    stopper.set_model(DummyModel())
    stopper.on_train_begin()
    trained = 0
    for epoch, loss in enumerate(losses):
        trained += 1
        stopper.model.weights = epoch
        stopper.on_epoch_end(epoch, logs={"val_loss": loss})
        if epoch == stop_at:
            stopper.model.stop_training = True
        if stopper.model.stop_training:
            break
    stopper.on_train_end()
    assert trained == epochs and stopper.model.get_weights() == restored
