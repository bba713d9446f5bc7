"""The contract of lab: write `lab.` where a model says `keras.` and it trains the same.

One model uses every kind of lab piece at once (initializer, regularizer, constraint,
batch norm, dropout, activation layer, optimizer with a schedule and clipping, callbacks);
its twin uses Keras' pieces. Same seeds, same data: after 100 steps every weight agrees
within 1e-5 and the learning-rate and stopping decisions are the same.
"""
import keras
import numpy as np

import lab

rng = np.random.default_rng(0)
X = rng.normal(size=(400, 20)).astype("float32")
Y = np.argmax(X @ rng.normal(size=(20, 4)) + rng.normal(size=(400, 4)), axis=1)  # learnable


def train(ns):
    """ns is the `keras` module or the `lab` package: the only difference between runs."""
    keras.utils.set_random_seed(0)
    dense = dict(kernel_initializer=ns.initializers.HeNormal(seed=1),
                 kernel_regularizer=ns.regularizers.L2(1e-4),
                 kernel_constraint=ns.constraints.MaxNorm(3.0))
    model = keras.Sequential([
        keras.Input((20,)),
        keras.layers.Dense(32, use_bias=False, **dense),
        ns.layers.BatchNormalization(),
        ns.layers.LeakyReLU(0.1),
        ns.layers.Dropout(0.2, seed=2),
        keras.layers.Dense(32, **dense),
        ns.layers.ELU(),
        keras.layers.Dense(4, kernel_initializer=ns.initializers.GlorotUniform(seed=3)),
    ])
    schedule = ns.optimizers.schedules.ExponentialDecay(0.01, 50, 0.5)
    model.compile(ns.optimizers.Nadam(schedule, global_clipnorm=1.0),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    stop = ns.callbacks.EarlyStopping(monitor="val_loss", patience=2)
    history = model.fit(X[:320], Y[:320], validation_data=(X[320:], Y[320:]), batch_size=32,
                        epochs=10, shuffle=False, verbose=0, callbacks=[stop])
    return [w.numpy() for w in model.weights], history.history


def test_replacing_keras_by_lab_trains_the_same_model():
    (ours, our_history), (theirs, their_history) = train(lab), train(keras)
    assert len(our_history["loss"]) == len(their_history["loss"]) >= 5  # 50 steps or more
    np.testing.assert_allclose(our_history["val_loss"], their_history["val_loss"], rtol=1e-5)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=1e-5)
