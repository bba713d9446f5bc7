import keras
import numpy as np
import pytest

from lab import diagnostics


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    return rng.normal(size=(64, 40)).astype("float32"), rng.integers(0, 10, size=64)


def test_mlp_shape_and_depth():
    model = diagnostics.mlp(4, width=8, activation="tanh")
    assert [layer.units for layer in model.layers] == [8, 8, 8, 8, 10]
    assert model.layers[-1].activation is keras.activations.linear


def test_mlp_puts_a_fresh_layer_after_every_hidden_one():
    model = diagnostics.mlp(3, width=8, after_hidden=lambda: keras.layers.Dropout(0.2))
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dense", "Dropout"] * 3 + ["Dense"]
    assert len({id(layer) for layer in model.layers}) == len(model.layers)
    with pytest.raises(TypeError, match="after_hidden"):
        diagnostics.mlp(3, after_hidden=keras.layers.Dropout(0.2))


@pytest.mark.parametrize("initializer", ["he_normal", keras.initializers.HeNormal()])
def test_mlp_gives_each_layer_its_own_draw(initializer):
    # An unseeded initializer instance repeats its values; the layers must not share them.
    model = diagnostics.mlp(3, width=16, kernel_initializer=initializer)
    kernels = [keras.ops.convert_to_numpy(layer.kernel) for layer in model.layers[1:3]]
    assert not np.allclose(kernels[0], kernels[1])


@pytest.mark.parametrize("arguments, named", [({"depth": 0}, "depth"), ({"depth": 2.5}, "depth"),
                                               ({"depth": 2, "width": 0}, "width")])
def test_mlp_rejects_bad_sizes(arguments, named):
    with pytest.raises(ValueError, match=named):
        diagnostics.mlp(**arguments)


def test_layer_statistics_match_a_manual_computation(batch):
    x, y = batch
    model = diagnostics.mlp(3, width=16, activation="tanh")
    stats = diagnostics.layer_statistics(model, x, y)
    assert stats.depth == 3
    # The first hidden layer's activations, recomputed by hand.
    first = model.layers[0]
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in (first.kernel, first.bias))
    manual = np.tanh(x @ kernel + bias)
    np.testing.assert_allclose(stats.activation_mean[0], manual.mean(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(stats.activation_std[0], manual.std(), rtol=1e-4)
    assert np.all(stats.gradient_std > 0) and np.all(stats.weight_gradient_std > 0)


def test_activation_monitor_records_before_and_during_training(batch):
    x, y = batch
    model = diagnostics.mlp(2, width=8, activation="sigmoid")
    model.compile(optimizer="sgd",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    monitor = diagnostics.ActivationMonitor(x[:16], every=2)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[monitor])  # 8 steps
    assert monitor.steps == [0, 2, 4, 6, 8]
    assert monitor.history.shape == (5, 2)
    assert np.all((monitor.history > 0) & (monitor.history < 1))  # sigmoid means


def test_monitor_checkpoints_do_not_depend_on_steps_per_execution(batch):
    x, y = batch
    histories = []
    for steps_per_execution in (1, 2):
        keras.utils.set_random_seed(0)
        model = diagnostics.mlp(2, width=8, activation="sigmoid")
        model.compile(optimizer="sgd", steps_per_execution=steps_per_execution,
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        monitor = diagnostics.ActivationMonitor(x[:16], every=2)
        model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False, callbacks=[monitor])
        assert monitor.steps == [0, 2, 4, 6, 8]
        histories.append(monitor.history)
    np.testing.assert_allclose(*histories, rtol=1e-6)


def test_activation_monitor_rejects_bad_interval(batch):
    with pytest.raises(ValueError, match="every"):
        diagnostics.ActivationMonitor(batch[0], every=0)


def test_dead_fraction_counts_units_never_positive():
    outputs = np.array([[0.0, 1.0, -0.5, 0.0],
                        [0.0, 0.0, -0.1, 2.0]])
    assert diagnostics.dead_fraction(outputs) == 0.5  # units 0 and 2


def test_activation_monitor_takes_any_statistic(batch):
    x, y = batch
    model = diagnostics.mlp(2, width=8)
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    monitor = diagnostics.ActivationMonitor(x, every=1, statistic=diagnostics.dead_fraction)
    model.fit(x, y, batch_size=len(x), epochs=2, verbose=0, callbacks=[monitor])
    assert monitor.history.shape == (3, 2)
    assert np.all((0 <= monitor.history) & (monitor.history <= 1))


def test_accuracy_monitor_matches_evaluate(batch):
    x, y = batch
    model = diagnostics.mlp(2, width=8)
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    monitor = diagnostics.AccuracyMonitor(x, y, every=2)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[monitor])
    assert monitor.steps == [0, 2, 4, 6, 8] and len(monitor.accuracy) == 5  # 64 / 8 steps
    assert monitor.accuracy[-1] == pytest.approx(model.evaluate(x, y, verbose=0)[1])


def test_percentile_monitor_sees_batch_statistics_and_leaves_moving_ones_alone(batch):
    from lab import layers
    x, y = batch
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(6, name="dense"),
                              layers.BatchNormalization(name="bn"), keras.layers.Dense(3)])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    monitor = diagnostics.PercentileMonitor(x, "bn", unit=0, every=1, percentiles=(0, 50, 100))
    monitor.set_model(model)
    monitor.on_train_begin()
    bn = model.get_layer("bn")
    assert np.all(keras.ops.convert_to_numpy(bn.moving_mean) == 0)  # untouched by the probe
    low, median, high = monitor.history[0]
    # In training mode the unit is standardized over the batch: it straddles 0.
    assert low < 0 < high and abs(median) < 1


def test_learning_rate_log_records_the_rate_of_every_batch():
    model = diagnostics.mlp(1, width=4)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    model.compile(keras.optimizers.SGD(schedule),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    log = diagnostics.LearningRateLog()
    x, y = np.zeros((12, 40), "float32"), np.zeros(12, "int32")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[log])
    assert log.rates == pytest.approx([0.1, 0.05, 0.025])


def test_effective_rates_per_weight():
    import lab

    theta = keras.Variable(np.zeros(3), dtype="float64")
    g = keras.ops.convert_to_tensor([1.0, 0.1, 0.0], "float64")
    slide = lab.optimizers.Adagrad(0.5, initial_accumulator_value=0.0, epsilon=1e-7, variant="slide")
    ours = lab.optimizers.Adagrad(0.5, epsilon=1e-7)  # Keras' variant, r₀ = 0.1
    rmsprop = lab.optimizers.RMSprop(0.5, rho=0.9)
    for optimizer in (slide, ours, rmsprop):
        optimizer.apply([g], [keras.Variable(np.zeros(3), dtype="float64")])
    r = np.array([1.0, 0.01, 0.0])
    np.testing.assert_allclose(diagnostics.effective_rates(slide), 0.5 / (1e-7 + np.sqrt(r)), rtol=1e-5)
    np.testing.assert_allclose(diagnostics.effective_rates(ours), 0.5 / np.sqrt(0.1 + r + 1e-7), rtol=1e-5)
    np.testing.assert_allclose(diagnostics.effective_rates(rmsprop), 0.5 / np.sqrt(0.1 * r + 1e-7), rtol=1e-5)
    sgd = lab.optimizers.SGD(0.25)
    sgd.apply([g], [theta])
    np.testing.assert_allclose(diagnostics.effective_rates(sgd), [0.25])
    with pytest.raises(TypeError, match="optimizer"):
        diagnostics.effective_rates("adagrad")


def test_max_gap_of_models_or_weight_lists():
    a = [np.zeros((2, 2)), np.array([1.0, 2.0])]
    b = [np.full((2, 2), 0.5), np.array([1.0, -1.0])]
    assert diagnostics.max_gap(a, b) == 3.0
    model = diagnostics.mlp(1, width=4)
    assert diagnostics.max_gap(model, model.get_weights()) == 0.0
    with pytest.raises(ValueError, match="weights_a and weights_b"):
        diagnostics.max_gap(a, a[:1])
    with pytest.raises(ValueError, match="weights_a and weights_b"):
        diagnostics.max_gap(a, [np.zeros(3), np.zeros(2)])


def test_value_and_slope_by_automatic_differentiation():
    z = np.linspace(-3, 3, 61).astype("float32")
    values, slopes = diagnostics.value_and_slope(keras.activations.tanh, z)
    np.testing.assert_allclose(values, np.tanh(z), atol=1e-6)
    np.testing.assert_allclose(slopes, 1 - np.tanh(z) ** 2, atol=1e-6)
    values, slopes = diagnostics.value_and_slope(keras.layers.LeakyReLU(negative_slope=0.2), z)
    assert values.shape == slopes.shape == z.shape
    np.testing.assert_allclose(slopes, np.where(z > 0, 1.0, 0.2), atol=1e-7)
    with pytest.raises(TypeError, match="function"):
        diagnostics.value_and_slope("tanh", z)
