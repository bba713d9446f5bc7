"""lab.experiments: a Trainer's runs equal freshly built, compiled and fitted models."""
import keras
import numpy as np
import pytest

import lab
from lab.experiments import Trainer, mnist1d, sees_every_batch


def small_mlp(initializer="he_normal"):
    return lab.diagnostics.mlp(2, width=16, activation="relu", kernel_initializer=initializer)


def fresh_fit(seed, epochs, build=small_mlp, optimizer=lambda: keras.optimizers.SGD(0.05, momentum=0.9),
              callbacks=(), samples=None):
    """What a notebook did before Trainer: set the seed, build, compile, fit."""
    data = mnist1d()
    lab.device.set_seed(seed)
    model = build()
    model.compile(optimizer(), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    x, y = (data.x_train, data.y_train) if samples is None else (data.x_train[:samples], data.y_train[:samples])
    history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=list(callbacks),
                        validation_data=(data.x_val, data.y_val))
    return model, history


def weights(model):
    return [keras.ops.convert_to_numpy(v) for v in model.variables]


def assert_same(model_a, model_b, atol=1e-6):
    for a, b in zip(weights(model_a), weights(model_b), strict=True):
        np.testing.assert_allclose(a, b, atol=atol)


@pytest.fixture(scope="module")
def trainer():
    return Trainer(small_mlp, keras.optimizers.SGD(0.05, momentum=0.9), mnist1d())


def test_mnist1d_is_standardized_by_the_training_split():
    data, raw = mnist1d(), lab.data.load_mnist1d()
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(data.x_train.std(axis=0), 1, atol=1e-4)
    mean, std = raw.x_train.mean(axis=0), raw.x_train.std(axis=0)
    np.testing.assert_allclose(data.x_test, (raw.x_test - mean) / std, atol=1e-6)
    assert mnist1d() is data and np.array_equal(data.y_val, raw.y_val)


def test_every_run_equals_a_fresh_model_on_its_seed(trainer):
    for seed in (1, 0, 1):  # the second run of seed 1 comes after another seed's run
        history = trainer.fit(seed=seed, epochs=2)
        model, fresh_history = fresh_fit(seed, epochs=2)
        assert_same(trainer.model, model)
        for key in ("loss", "accuracy", "val_accuracy"):
            np.testing.assert_allclose(history.history[key], fresh_history.history[key], rtol=1e-6)
        np.testing.assert_allclose(history.history["val_loss"], fresh_history.history["val_loss"], rtol=1e-5)
        assert trainer.test_accuracy() == pytest.approx(
            model.evaluate(mnist1d().x_test, mnist1d().y_test, verbose=0)[1])


def test_a_scheduled_normalized_regularized_network_with_early_stopping_equals_a_fresh_one():
    """The chapter's regular recipe (batch norm, ELU, l2, 1cycle, early stopping), seed 1 after
    seed 0 in one Trainer against seed 1 in a freshly built and compiled model."""
    data = mnist1d()

    def recipe():
        return keras.Sequential([keras.Input((40,)),
                                 keras.layers.Dense(32, use_bias=False, kernel_regularizer=lab.regularizers.L2(1e-4)),
                                 lab.layers.BatchNormalization(), lab.layers.ELU(), keras.layers.Dense(10)])

    def one_cycle():
        return lab.optimizers.SGD(lab.optimizers.schedules.OneCycle(0.05, 2 * 50), momentum=0.9, nesterov=True)

    def stopping():
        return lab.callbacks.EarlyStopping(patience=3, restore_best_weights=True, start_from_epoch=1)

    trainer = Trainer(recipe, one_cycle(), data, batch_size=64)
    for seed in (0, 1):
        trainer.fit(seed, epochs=2, callbacks=[stopping()])
    lab.device.set_seed(1)
    fresh = recipe()
    fresh.compile(one_cycle(), keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    fresh.fit(data.x_train, data.y_train, batch_size=64, epochs=2, verbose=0, callbacks=[stopping()],
              validation_data=(data.x_val, data.y_val))
    assert_same(trainer.model, fresh)


def test_validation_loss_counts_regularization_as_keras_does():
    def regularized():
        return keras.Sequential([keras.Input((40,)), keras.layers.Dense(10, kernel_regularizer=keras.regularizers.L2(0.1))])

    history = Trainer(regularized, keras.optimizers.SGD(0.05), mnist1d()).fit(seed=0, epochs=2)
    _, fresh_history = fresh_fit(0, epochs=2, build=regularized, optimizer=lambda: keras.optimizers.SGD(0.05))
    np.testing.assert_allclose(history.history["val_loss"], fresh_history.history["val_loss"], rtol=1e-5)


def test_the_step_is_traced_once(trainer):
    trainer.fit(seed=0, epochs=1)
    step = trainer.model.train_function
    trainer.fit(seed=1, epochs=1, learning_rate=0.01, weights=lambda: small_mlp("glorot_uniform"))
    assert trainer.model.train_function is step


def test_weights_learning_rate_and_samples_configure_a_run(trainer):
    trainer.fit(seed=2, epochs=1, samples=640, learning_rate=0.01, weights=lambda: small_mlp("glorot_uniform"))
    model, _ = fresh_fit(2, epochs=1, samples=640, build=lambda: small_mlp("glorot_uniform"),
                         optimizer=lambda: keras.optimizers.SGD(0.01, momentum=0.9))
    assert_same(trainer.model, model)
    trainer.fit(seed=2, epochs=1)  # the learning rate is the optimizer's own again
    assert float(keras.ops.convert_to_numpy(trainer.optimizer.learning_rate)) == pytest.approx(0.05)


def test_a_callback_that_sees_every_batch_gets_every_batch(trainer):
    seen = []
    every_batch = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    assert sees_every_batch(every_batch) and not sees_every_batch(keras.callbacks.EarlyStopping())
    assert sees_every_batch(lab.diagnostics.ActivationMonitor(mnist1d().x_val[:8], every=10))
    trainer.fit(seed=0, epochs=1, samples=320, callbacks=[every_batch])
    assert seen == list(range(10))
    model, _ = fresh_fit(0, epochs=1, samples=320)
    assert_same(trainer.model, model)


def test_steps_per_execution_and_training_data_can_be_given(trainer):
    seen = []
    every_batch = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    tens = Trainer(small_mlp, keras.optimizers.SGD(0.05, momentum=0.9), mnist1d(), steps_per_execution=10)
    data = mnist1d()
    tens.fit(seed=0, epochs=1, x=data.x_train[:320], y=data.y_train[:320], callbacks=[every_batch])
    assert seen == [9]  # one call of ten steps, as Keras reports it
    model, _ = fresh_fit(0, epochs=1, samples=320)
    assert_same(tens.model, model)


def test_steps_per_execution_longer_than_an_epoch_trains_each_epoch_once():
    """100 examples in batches of 16 are 7 steps an epoch: a call of up to 64 steps must stop
    at the epoch's end, as with Keras' fit on arrays."""
    data = mnist1d()
    long_calls = Trainer(small_mlp, keras.optimizers.SGD(0.05, momentum=0.9), data, batch_size=16,
                         steps_per_execution=64)
    long_calls.fit(seed=0, epochs=3, samples=100, validation=False)
    assert int(long_calls.optimizer.iterations) == 3 * 7
    lab.device.set_seed(0)
    model = small_mlp()
    model.compile(keras.optimizers.SGD(0.05, momentum=0.9), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(data.x_train[:100], data.y_train[:100], batch_size=16, epochs=3, verbose=0)
    assert_same(long_calls.model, model)


def test_a_binary_classifier_is_evaluated_on_its_logit():
    data = mnist1d()
    pair = (data.x_test, (data.y_test % 2).astype("int32"))

    def binary():
        return keras.Sequential([keras.Input((40,)), keras.layers.Dense(1)])

    odd = Trainer(binary, keras.optimizers.Adam(0.01), data, loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
    odd.fit(seed=0, epochs=1, x=data.x_train, y=(data.y_train % 2).astype("int32"), validation=False)
    keras_loss, keras_accuracy = odd.model.evaluate(*pair, verbose=0)
    scores = odd.evaluate(pair)
    assert scores["accuracy"] == pytest.approx(keras_accuracy) and scores["loss"] == pytest.approx(keras_loss, rel=1e-5)


def test_bad_arguments_name_themselves(trainer):
    with pytest.raises(TypeError, match="optimizer"):
        Trainer(small_mlp, "sgd", mnist1d())
    with pytest.raises(TypeError, match="data"):
        Trainer(small_mlp, keras.optimizers.SGD(), (1, 2))
    with pytest.raises(ValueError, match="batch_size"):
        Trainer(small_mlp, keras.optimizers.SGD(), mnist1d(), batch_size=0)
    with pytest.raises(ValueError, match="samples"):
        trainer.fit(samples=0)
    with pytest.raises(ValueError, match="weights"):
        trainer.fit(weights=lambda: lab.diagnostics.mlp(3, width=16))
    with pytest.raises(ValueError, match="split"):
        trainer.evaluate("validation")
    with pytest.raises(ValueError, match="steps_per_execution"):
        Trainer(small_mlp, keras.optimizers.SGD(), mnist1d(), steps_per_execution=0)
    with pytest.raises(ValueError, match="x and y"):
        trainer.fit(x=mnist1d().x_train)
    scheduled = Trainer(small_mlp, keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)),
                        mnist1d())
    with pytest.raises(ValueError, match="learning_rate"):
        scheduled.fit(learning_rate=0.1)


def test_elu_mlp_is_the_optimizer_lessons_network():
    lab.device.set_seed(0)
    model = lab.experiments.elu_mlp()
    lab.device.set_seed(0)
    same = lab.diagnostics.mlp(3, width=64, activation="elu", kernel_initializer="he_normal")
    assert [layer.units for layer in model.layers] == [64, 64, 64, 10]
    assert_same(model, same, atol=0)


def test_train_equals_a_fresh_model_on_batches_in_order():
    optimizer = lambda: keras.optimizers.SGD(0.01)  # noqa: E731
    model, history = lab.experiments.train(optimizer(), epochs=1, seed=1, samples=320, steps_per_execution=5)
    data = mnist1d()
    lab.device.set_seed(1)
    fresh = lab.experiments.elu_mlp()
    fresh.compile(optimizer(), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    fresh.fit(data.x_train[:320], data.y_train[:320], batch_size=32, epochs=1, shuffle=False, verbose=0)
    assert_same(model, fresh)
    assert len(history.history["val_accuracy"]) == 1
    trainer = lab.experiments.optimizer_trainer(optimizer(), batch_size=64)
    assert trainer.batch_size == 64 and trainer.data is data and trainer.steps_per_execution is None


def test_seed_runs_train_once_per_seed_with_a_fresh_callback_each():
    class Count(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.epochs = 0

        def on_epoch_end(self, epoch, logs=None):
            self.epochs += 1

    results = lab.experiments.seed_runs(keras.optimizers.SGD(0.01), [0, 1, 0], epochs=2, callback=Count)
    assert [seed for seed, *_ in results] == [0, 1, 0]
    assert all(len(history["loss"]) == 2 and made.epochs == 2 for _, history, _, made in results)
    assert len({id(made) for *_, made in results}) == 3
    first, second, again = (weights for _, _, weights, _ in results)
    assert lab.diagnostics.max_gap(first, again) == 0 and lab.diagnostics.max_gap(first, second) > 0
    model, _ = lab.experiments.train(keras.optimizers.SGD(0.01), epochs=2, seed=1)
    assert lab.diagnostics.max_gap(model, second) < 1e-6
    assert lab.experiments.seed_runs(keras.optimizers.SGD(0.01), [2], epochs=1)[0][3] is None
    with pytest.raises(ValueError, match="seeds"):
        lab.experiments.seed_runs(keras.optimizers.SGD(0.01), [], epochs=1)
    with pytest.raises(TypeError, match="callback"):
        lab.experiments.seed_runs(keras.optimizers.SGD(0.01), [0], epochs=1, callback=Count())


def test_least_squares_gradient_and_path():
    problem = lab.experiments.LeastSquares(samples=64, features=5, seed=0)
    rng = np.random.default_rng(0)  # the draws in the order the notebooks made them
    x = rng.normal(size=(64, 5))
    y = x @ rng.normal(size=5) + 0.1 * rng.normal(size=64)
    np.testing.assert_array_equal(problem.x, x)
    np.testing.assert_array_equal(problem.y, y)
    theta = np.arange(5.0)
    step = 1e-6 * np.eye(5)
    loss = lambda t: np.mean((x @ t - y) ** 2)  # noqa: E731
    numeric = [(loss(theta + s) - loss(theta - s)) / 2e-6 for s in step]
    np.testing.assert_allclose(problem.gradient(theta), numeric, rtol=1e-6)
    path = problem.run(keras.optimizers.SGD(0.125), steps=3)
    expected, point = [], np.zeros(5)
    for _ in range(3):  # plain gradient descent, by hand
        point = point - 0.125 * problem.gradient(point)
        expected.append(point)
    np.testing.assert_allclose(path, expected, rtol=1e-12)
    with pytest.raises(ValueError, match="samples"):
        lab.experiments.LeastSquares(samples=0)
    with pytest.raises(ValueError, match="steps"):
        problem.run(keras.optimizers.SGD(0.1), steps=0)
    with pytest.raises(TypeError, match="optimizer"):
        problem.run("sgd")


def test_activation_trainer_builds_each_activation_with_its_initializer():
    activations = {"ReLU": "relu", "tanh": "tanh"}
    initializers = {"ReLU": "he_normal"}
    relu = lab.experiments.activation_trainer("ReLU", 2, 8, keras.optimizers.SGD(0.01), 16,
                                              activations=activations, initializers=initializers)
    relu.reset(0)
    lab.device.set_seed(0)
    expected = lab.diagnostics.mlp(2, width=8, activation="relu", kernel_initializer="he_normal")
    assert_same(relu.model, expected, atol=0)
    assert relu.batch_size == 16 and relu.data is mnist1d()
    activations["swish"] = keras.activations.silu  # an entry added later counts
    tanh = lab.experiments.activation_trainer("tanh", 1, 4, keras.optimizers.SGD(0.01), 32,
                                              activations=activations, initializers=initializers,
                                              steps_per_execution=5)
    tanh.reset(0)
    assert isinstance(tanh.model.layers[0].kernel_initializer, keras.initializers.GlorotUniform)
    assert tanh.model.layers[0].activation is keras.activations.tanh and tanh.steps_per_execution == 5
    lab.experiments.activation_trainer("swish", 1, 4, keras.optimizers.SGD(0.01), 32,
                                       activations=activations, initializers=initializers)
    with pytest.raises(ValueError, match="activation"):
        lab.experiments.activation_trainer("ELU", 1, 4, keras.optimizers.SGD(0.01), 32,
                                           activations=activations, initializers=initializers)
    with pytest.raises(TypeError, match="activations and initializers"):
        lab.experiments.activation_trainer("ReLU", 1, 4, keras.optimizers.SGD(0.01), 32,
                                           activations=activations, initializers=None)
