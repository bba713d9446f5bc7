"""lab.callbacks: ReduceLROnPlateau and EarlyStopping make Keras' decisions epoch by epoch;
LRFinder follows the range test's definition and leaves the model as it found it."""
import math

import keras
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import reference
from lab import callbacks, optimizers

rng = np.random.default_rng(0)
X = rng.normal(size=(256, 10)).astype("float32")
Y = rng.integers(0, 3, 256)


def small_model(optimizer=None):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3)])
    model.compile(optimizer or keras.optimizers.SGD(0.1),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def replay(callback, values, monitor):
    """Feed a sequence of epoch-end values to a callback; record lr and stop flags."""
    model = small_model()
    callback.set_model(model)
    callback.on_train_begin()
    record = []
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {monitor: value})
        record.append((round(float(keras.ops.convert_to_tensor(model.optimizer.learning_rate)), 9), model.stop_training))
        if model.stop_training:
            break
    return record


metric_paths = st.lists(st.floats(0.0, 2.0), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None)
@given(values=metric_paths, patience=st.integers(0, 4), cooldown=st.integers(0, 3),
       min_delta=st.sampled_from([0.0, 1e-4, 0.05]), factor=st.sampled_from([0.1, 0.5]),
       mode=st.sampled_from(["auto", "min", "max"]))
def test_reduce_lr_on_plateau_decides_like_keras(values, patience, cooldown, min_delta, factor,
                                                 mode):
    kwargs = dict(patience=patience, cooldown=cooldown, min_delta=min_delta, mode=mode,
                  factor=factor, min_lr=1e-4)
    assert (replay(callbacks.ReduceLROnPlateau(**kwargs), values, "val_loss")
            == replay(keras.callbacks.ReduceLROnPlateau(**kwargs), values, "val_loss"))


def test_auto_mode_maximizes_accuracies_and_minimizes_losses():
    assert callbacks.EarlyStopping("val_accuracy")._maximize
    assert callbacks.ReduceLROnPlateau("sparse_categorical_accuracy")._maximize
    assert not callbacks.EarlyStopping("val_loss")._maximize


@settings(max_examples=40, deadline=None)
@given(values=metric_paths, patience=st.integers(0, 4),
       min_delta=st.sampled_from([0.0, 0.05]), start=st.integers(0, 3),
       baseline=st.sampled_from([None, 0.5]), mode=st.sampled_from(["auto", "min", "max"]))
def test_early_stopping_decides_like_keras(values, patience, min_delta, start, baseline, mode):
    kwargs = dict(patience=patience, min_delta=min_delta, start_from_epoch=start,
                  baseline=baseline, mode=mode)
    ours, theirs = callbacks.EarlyStopping(**kwargs), keras.callbacks.EarlyStopping(**kwargs)
    assert replay(ours, values, "val_loss") == replay(theirs, values, "val_loss")
    assert (ours.best, ours.stopped_epoch) == (theirs.best, theirs.stopped_epoch)


def test_early_stopping_restores_the_best_weights_like_keras():
    results = []
    for module in (callbacks, keras.callbacks):
        model = small_model(keras.optimizers.SGD(0.5))
        stop = module.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
        history = model.fit(X[:200], Y[:200], validation_data=(X[200:], Y[200:]), epochs=30,
                            batch_size=50, verbose=0, shuffle=False, callbacks=[stop])
        results.append((len(history.history["loss"]), [w.numpy() for w in model.weights]))
    assert results[0][0] == results[1][0] < 30
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_reduce_lr_on_plateau_in_fit_like_keras():
    rates = []
    for module in (callbacks, keras.callbacks):
        model = small_model(keras.optimizers.SGD(0.5))
        history = model.fit(X[:200], Y[:200], validation_data=(X[200:], Y[200:]), epochs=12,
                            batch_size=50, verbose=0, shuffle=False,
                            callbacks=[module.ReduceLROnPlateau(patience=1, factor=0.5)])
        rates.append(np.round(history.history["learning_rate"], 8))
    np.testing.assert_array_equal(*rates)
    assert rates[0][-1] < 0.5  # the plateau was reached and the rate cut


def test_reduce_lr_on_plateau_refuses_a_schedule():
    model = small_model(optimizers.SGD(optimizers.schedules.PowerDecay(0.1, 10)))
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[callbacks.ReduceLROnPlateau("loss")])


def test_a_missing_metric_is_an_error_that_names_it():
    with pytest.raises(ValueError, match="val_loss"):
        small_model().fit(X, Y, epochs=1, verbose=0, callbacks=[callbacks.EarlyStopping()])


# ---------------------------------------------------------------------------- LRFinder

def test_lr_finder_sweeps_the_range_and_restores_the_model():
    model = small_model(optimizers.SGD(0.01))
    before = [w.numpy() for w in model.weights]
    finder = callbacks.LRFinder(1e-4, 1.0, steps=20, divergence_factor=1e9)
    model.fit(X, Y, batch_size=32, epochs=finder.epochs_for(len(X) // 32), shuffle=False,
              verbose=0, callbacks=[finder])
    expected = [reference.lr_range(k, 1e-4, 1.0, 20) for k in range(20)]
    np.testing.assert_allclose(finder.learning_rates, expected, rtol=1e-12)
    assert len(finder.losses) == 20 and all(math.isfinite(v) for v in finder.losses)
    for w, w0 in zip(model.weights, before):
        np.testing.assert_array_equal(w.numpy(), w0)
    assert float(keras.ops.convert_to_tensor(model.optimizer.learning_rate)) == pytest.approx(0.01)
    assert finder.suggestion() == pytest.approx(
        finder.learning_rates[int(np.argmin(finder.losses))] / 10)


def test_lr_finder_records_each_batch_loss_not_the_running_mean():
    model = small_model(optimizers.SGD(0.01))
    first_batch_loss = float(model.compute_loss(x=X[:32], y=Y[:32], y_pred=model(X[:32])))
    finder = callbacks.LRFinder(1e-6, 1e-5, steps=3)
    model.fit(X, Y, batch_size=32, epochs=1, shuffle=False, verbose=0, callbacks=[finder])
    assert finder.losses[0] == pytest.approx(first_batch_loss, rel=1e-5)


def test_lr_finder_stops_when_the_loss_diverges():
    model = small_model(optimizers.SGD(0.01))
    finder = callbacks.LRFinder(1e-3, 1e4, steps=200)
    model.fit(X, Y, batch_size=8, epochs=finder.epochs_for(len(X) // 8), verbose=0,
              shuffle=False, callbacks=[finder])
    assert len(finder.losses) < 200
    last = finder.losses[-1]
    assert not math.isfinite(last) or last > 4 * min(finder.losses)


@pytest.mark.parametrize("make,argument", [
    (lambda: callbacks.LRFinder(1.0, 0.1), "min_learning_rate"),
    (lambda: callbacks.LRFinder(-1.0, 0.1), "min_learning_rate"),
    (lambda: callbacks.LRFinder(steps=1), "steps"),
    (lambda: callbacks.LRFinder(divergence_factor=0.5), "divergence_factor"),
    (lambda: callbacks.ReduceLROnPlateau(factor=1.0), "factor"),
    (lambda: callbacks.ReduceLROnPlateau(patience=-1), "patience"),
    (lambda: callbacks.EarlyStopping(mode="up"), "mode"),
    (lambda: callbacks.EarlyStopping(patience=-2), "patience"),
])
def test_rejects_bad_arguments(make, argument):
    with pytest.raises(ValueError, match=argument):
        make()


def test_lr_finder_needs_a_run_before_suggesting():
    with pytest.raises(RuntimeError, match="model.fit"):
        callbacks.LRFinder().suggestion()
