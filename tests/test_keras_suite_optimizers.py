"""Keras' own optimizer tests, run against lab.optimizers.

Each test below mirrors one of keras/src/optimizers/{sgd,adagrad,rmsprop,adam,adamax,nadam,
optimizer,optimizer_sparse}_test.py (named in its docstring), with Keras' numbers: the single
steps and the golden trajectories are Keras' own values, and each lab result is also compared
with its Keras twin to float32 round-off. Then what Keras' files leave to the model: the
signatures, mixed precision, and `model.save` / `keras.models.load_model`.
"""
import inspect
import json
import pickle

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from lab import optimizers

TWINS = ["SGD", "Adagrad", "RMSprop", "Adam", "Adamax", "Nadam"]
ROUND_OFF = dict(rtol=1e-6, atol=1e-6)
KERAS_TOLERANCE = dict(rtol=1e-4, atol=1e-4)  # Keras' tolerance for its 4-digit numbers


def both(name, **kwargs):
    return getattr(optimizers, name)(**kwargs), getattr(keras.optimizers, name)(**kwargs)


# ------------------------------------------------------------------------ signatures

@pytest.mark.parametrize("name", TWINS)
def test_every_keras_argument_is_accepted_with_keras_default(name):
    ours = inspect.signature(getattr(optimizers, name)).parameters
    theirs = inspect.signature(getattr(keras.optimizers, name)).parameters
    for argument, parameter in theirs.items():
        assert argument in ours, f"lab.optimizers.{name} lacks Keras' argument {argument}"
        assert ours[argument].default == parameter.default, argument
    # Positional calls mean the same: Keras' arguments come first, in Keras' order.
    assert list(ours)[:len(theirs) - 1] == list(theirs)[:-1]
    extra = set(ours) - set(theirs)
    assert extra <= {"variant"}, extra


# ---------------------------------------------------- <name>_test.py: per optimizer

CONFIG_CASES = {  # the arguments of each Keras file's test_config
    "SGD": dict(learning_rate=0.5, momentum=0.06, nesterov=True, weight_decay=0.004),
    "Adagrad": dict(learning_rate=0.5, initial_accumulator_value=0.2, epsilon=1e-5),
    "RMSprop": dict(learning_rate=0.5, rho=0.8, momentum=0.05, epsilon=1e-6, centered=True),
    "Adam": dict(learning_rate=0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5, amsgrad=True),
    "Adamax": dict(learning_rate=0.5, beta_1=0.8, beta_2=0.95, epsilon=1e-5),
    "Nadam": dict(learning_rate=0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5),
}


@pytest.mark.parametrize("name", TWINS)
def test_config(name):
    """test_config (Keras' run_class_serialization_test), and the config is Keras' config."""
    optimizer, twin = both(name, **CONFIG_CASES[name])
    config = optimizer.get_config()
    revived = type(optimizer).from_config(config)
    assert json.dumps(revived.get_config()) == json.dumps(config)
    assert set(dir(revived)) == set(dir(optimizer))
    serialized = json.loads(json.dumps(keras.optimizers.serialize(optimizer)))
    revived = keras.optimizers.deserialize(serialized)
    assert type(revived) is type(optimizer) and revived.get_config() == config
    ours, theirs = dict(config), twin.get_config()
    ours.pop("variant", None)
    ours.pop("name"), theirs.pop("name")
    assert ours == theirs  # the same Python values: SGD's momentum is 0.06, not its float32


SINGLE_STEP = {  # test_single_step: SGD, Adagrad, ... with learning_rate=0.5
    "SGD": [0.5, -1.0, -0.5, 3.0],
    "Adagrad": [0.5233, 1.5007, 2.5005, 3.5061],
    "RMSprop": [-0.5811, 0.4189, 1.4189, 2.4189],
    "Adam": [0.5, 1.5, 2.5, 3.5],
    "Adamax": [0.5, 1.5, 2.5, 3.5],
    "Nadam": [0.4686, 1.4686, 2.4686, 3.4686],
}


@pytest.mark.parametrize("name", TWINS)
def test_single_step(name):
    finals = []
    for optimizer in both(name, learning_rate=0.5):
        variable = keras.Variable([1.0, 2.0, 3.0, 4.0])
        optimizer.apply_gradients(zip([ops.array([1.0, 6.0, 7.0, 2.0])], [variable]))
        finals.append(variable.numpy())
    np.testing.assert_allclose(finals[0], SINGLE_STEP[name], **KERAS_TOLERANCE)
    np.testing.assert_allclose(finals[0], finals[1], **ROUND_OFF)


def test_sgd_single_step_variables():
    """sgd_test.test_single_step: plain SGD keeps only the iteration count and the rate."""
    optimizer = optimizers.SGD(learning_rate=0.5)
    assert len(optimizer.variables) == 2
    variable = keras.Variable([1.0, 2.0, 3.0, 4.0])
    optimizer.build([variable])
    optimizer.apply_gradients(zip([ops.array([1.0, 6.0, 7.0, 2.0])], [variable]))
    assert len(optimizer.variables) == 2
    assert optimizer.variables[0] == 1 and optimizer.variables[1] == 0.5


@pytest.mark.parametrize("bad", [-1.0, 2.0, "0.9", 1])
def test_sgd_invalid_momentum(bad):
    """sgd_test.test_invalid_momentum (and Keras' other refusals: not a float)."""
    for module in (optimizers, keras.optimizers):
        with pytest.raises(ValueError, match="momentum"):
            module.SGD(momentum=bad)


@pytest.mark.parametrize("name", TWINS)
def test_weight_decay(name):
    cls = getattr(optimizers, name)
    grads = ops.zeros(())
    var1, var2, var3 = (keras.Variable(2.0), keras.Variable(2.0, name="exclude"),
                        keras.Variable(2.0))
    cls(learning_rate=1.0, weight_decay=0.004).apply_gradients(zip([grads], [var1]))
    by_name = cls(learning_rate=1.0, weight_decay=0.004)
    by_name.exclude_from_weight_decay(var_names=["exclude"])
    by_name.apply_gradients(zip([grads, grads], [var1, var2]))
    by_list = cls(learning_rate=1.0, weight_decay=0.004)
    by_list.exclude_from_weight_decay(var_list=[var3])
    by_list.apply_gradients(zip([grads, grads], [var1, var3]))
    assert var1.numpy() == pytest.approx(1.9760959, abs=1e-6)
    assert var2.numpy() == pytest.approx(2.0, abs=1e-6)
    assert var3.numpy() == pytest.approx(2.0, abs=1e-6)


GOLDEN = {  # test_correctness_with_golden: the arguments and Keras' trajectory
    "SGD": (dict(nesterov=True), np.array(
        [[0.9999] * 10, [0.9989, 0.9979, 0.9969, 0.9959, 0.9949, 0.9939, 0.9929, 0.9919, 0.9909, 0.9899],
         [0.9979, 0.9959, 0.9939, 0.9919, 0.9899, 0.9879, 0.9859, 0.9839, 0.9819, 0.9799],
         [0.9969, 0.9939, 0.9909, 0.9879, 0.9849, 0.9819, 0.9789, 0.9759, 0.9729, 0.9699],
         [0.9959, 0.9919, 0.9879, 0.9839, 0.9799, 0.9759, 0.9719, 0.9679, 0.9639, 0.9599]])),
    "Adagrad": (dict(learning_rate=0.2, initial_accumulator_value=0.3, epsilon=1e-6), np.array(
        [[0.9963] * 10,
         [0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209],
         [0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891],
         [0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579],
         [0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825]])),
    "RMSprop": (dict(centered=True),
                np.tile([[0.9967], [0.9933], [0.9908], [0.9885], [0.9864]], (1, 10))),
    "Adam": (dict(amsgrad=True),
             np.tile([[0.999], [0.9982], [0.9974], [0.9965], [0.9955]], (1, 10))),
    "Adamax": (dict(learning_rate=0.2, beta_1=0.85, beta_2=0.95, epsilon=1e-6), np.array(
        [[0.8] * 10,
         [0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691],
         [0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466],
         [0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848],
         [0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126]])),
    "Nadam": (dict(learning_rate=0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5), np.array(
        [[0.4281] * 10,
         [-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717],
         [-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084],
         [-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299],
         [-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454]])),
}


@pytest.mark.parametrize("name", TWINS)
def test_correctness_with_golden(name):
    kwargs, golden = GOLDEN[name]
    paths = []
    for optimizer in both(name, **kwargs):
        x = keras.Variable(np.ones([10], dtype="float32"))
        optimizer.apply_gradients(zip([ops.full((10,), 0.01)], [x]))
        path = []
        for _ in range(5):
            path.append(x.numpy())
            optimizer.apply_gradients(zip([ops.arange(0.1, 1.1, 0.1)], [x]))
        paths.append(np.array(path))
    np.testing.assert_allclose(paths[0], golden, rtol=5e-4, atol=5e-4)  # Keras' tolerance
    np.testing.assert_allclose(paths[0], paths[1], **ROUND_OFF)


@pytest.mark.parametrize("name", TWINS)
def test_clip_norm_and_clip_value(name):
    """test_clip_norm, test_clip_value (each file) and optimizer_test.test_global_clip_norm."""
    cls = getattr(optimizers, name)
    grad = [np.array([100.0, 100.0])]
    np.testing.assert_allclose(cls(clipnorm=1)._clip_gradients(grad)[0], [2**0.5 / 2] * 2)
    np.testing.assert_allclose(cls(clipvalue=1)._clip_gradients(grad)[0], [1.0, 1.0])
    grad = np.array([50.0, 100.0], dtype="float32")
    clipped = cls(global_clipnorm=1)._clip_gradients([ops.convert_to_tensor(grad)])
    np.testing.assert_allclose(clipped[0], grad / np.linalg.norm(grad), **ROUND_OFF)


def test_nadam_build_with_empty_var_list():
    optimizer = optimizers.Nadam()
    optimizer.build([])
    assert optimizer.mu_product.dtype == keras.config.floatx()


def test_adam_ema():
    """adam_test.test_ema: the average starts at the first updated value, then
    θ̄ ← 0.9 θ̄ + 0.1 θ; finalize_variable_values (and the end of fit) writes θ̄ into θ."""
    optimizer = optimizers.Adam(learning_rate=1.0, use_ema=True, ema_momentum=0.9)
    variable = keras.Variable([1.0, 2.0])
    grads = ops.array([0.1, 0.2])
    optimizer.apply_gradients([(grads, variable)])
    v1 = variable.numpy()
    np.testing.assert_allclose(optimizer._model_variables_moving_average[0], v1)
    optimizer.apply_gradients([(grads, variable)])
    expected = 0.9 * v1 + 0.1 * variable.numpy()
    np.testing.assert_allclose(optimizer._model_variables_moving_average[0], expected, **ROUND_OFF)
    optimizer.finalize_variable_values([variable])
    np.testing.assert_allclose(variable, expected, **ROUND_OFF)

    model = keras.Sequential([keras.layers.Dense(10, kernel_initializer="ones", use_bias=False)])
    model.compile(optimizer=optimizers.Adam(use_ema=True, ema_momentum=0.9), loss="mse")
    model.fit(ops.ones((1, 5)), ops.zeros((1, 10)), verbose=0)
    np.testing.assert_allclose(model.trainable_variables[0],
                               model.optimizer._model_variables_moving_average[0])


def test_adam_ema_overwrite_frequency():
    optimizer = optimizers.Adam(learning_rate=1.0, use_ema=True, ema_momentum=0.9,
                                ema_overwrite_frequency=2)
    plain = optimizers.Adam(learning_rate=1.0)
    variable, reference = keras.Variable([1.0, 2.0]), keras.Variable([1.0, 2.0])
    grads = ops.array([0.1, 0.2])
    optimizer.apply_gradients([(grads, variable)])
    plain.apply_gradients([(grads, reference)])
    v1 = reference.numpy()
    np.testing.assert_allclose(variable, v1)  # not overwritten yet
    optimizer.apply_gradients([(grads, variable)])
    plain.apply_gradients([(grads, reference)])
    expected = 0.9 * v1 + 0.1 * reference.numpy()
    np.testing.assert_allclose(variable, expected, **ROUND_OFF)  # overwritten at step 2
    np.testing.assert_allclose(optimizer._model_variables_moving_average[0], expected, **ROUND_OFF)


def test_adam_clipnorm_indexed_slices():
    """adam_test.test_clipnorm_indexed_slices (keras-team/keras#18985): an Embedding's sparse
    gradient through clipnorm."""
    model = keras.Sequential([keras.layers.Embedding(10, 4), keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    model.compile(optimizer=optimizers.Adam(clipnorm=100), loss="mse")
    model.fit(ops.ones((8, 5)), ops.zeros((8, 2)), verbose=0)


# ---------------------------------------------------------------- optimizer_test.py

def test_iterations_counter():
    v = keras.Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.Adam(learning_rate=1.0)
    assert int(optimizer.iterations) == 0
    for k in (1, 2):
        optimizer.apply_gradients([(ops.ones((2, 2)), v)])
        assert int(optimizer.iterations) == k


def test_empty_gradients():
    v = keras.Variable([[3.0, 4.0], [5.0, 6.0]])
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        optimizers.SGD(learning_rate=1.0).apply_gradients([(None, v)])
    v2 = keras.Variable([[3.0, 4.0], [5.0, 6.0]])
    with pytest.warns(UserWarning):
        optimizers.SGD(learning_rate=1.0).apply_gradients([(None, v), (ops.ones((2, 2)), v2)])
    np.testing.assert_allclose(v, [[3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_allclose(v2, [[2.0, 3.0], [4.0, 5.0]])


@pytest.mark.parametrize("name", TWINS)
def test_clip_args(name):
    cls = getattr(optimizers, name)
    for argument in ("clipnorm", "clipvalue", "global_clipnorm"):
        assert getattr(cls(learning_rate=1.0, **{argument: 0.1}), argument) == 0.1
    for pair in (dict(clipnorm=0.1, clipvalue=0.1), dict(clipnorm=0.1, global_clipnorm=0.1)):
        with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and"):
            cls(learning_rate=1.0, **pair)


@pytest.mark.parametrize("kwargs", [dict(gradient_accumulation_steps=1),
                                    dict(use_ema=True, ema_momentum=1.5),
                                    dict(use_ema=True, ema_overwrite_frequency=1.5),
                                    dict(unknown_argument=1)])
@pytest.mark.parametrize("name", TWINS)
def test_rejects_what_keras_rejects_with_the_same_type(name, kwargs):
    for module in (optimizers, keras.optimizers):
        with pytest.raises(ValueError):
            getattr(module, name)(**kwargs)


def test_ema():
    """optimizer_test.test_ema: SGD with EMA and ema_overwrite_frequency=3."""
    v = keras.Variable([[3.0, 4.0], [5.0, 6.0]])
    grads = ops.ones((2, 2))
    optimizer = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.9,
                               ema_overwrite_frequency=3)
    expected = [([[2.0, 3.0], [4.0, 5.0]], [[2.0, 3.0], [4.0, 5.0]]),
                ([[1.0, 2.0], [3.0, 4.0]], [[1.9, 2.9], [3.9, 4.9]]),
                ([[1.71, 2.71], [3.71, 4.71]], [[1.71, 2.71], [3.71, 4.71]])]  # overwritten
    for value, average in expected:
        optimizer.apply_gradients([(grads, v)])
        np.testing.assert_allclose(v, value, **ROUND_OFF)
        np.testing.assert_allclose(optimizer._model_variables_moving_average[0], average,
                                   **ROUND_OFF)


def test_ema_with_model_fit():
    optimizer = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.9)
    model = keras.Sequential([keras.layers.Dense(2, kernel_initializer="ones", use_bias=False)])
    model.compile(loss="mse", optimizer=optimizer, run_eagerly=True)
    model.fit(np.ones((1, 1), "float32"), np.zeros((1, 1), "float32"), batch_size=1, epochs=2,
              verbose=0)
    np.testing.assert_allclose(optimizer._model_variables_moving_average[0], [[0.891, 0.891]],
                               atol=1e-5)
    np.testing.assert_allclose(model.trainable_variables[0], [[0.891, 0.891]], atol=1e-5)


def test_constraints_are_applied():
    v = keras.Variable(np.random.default_rng(0).random((2, 2)) - 1.0)
    v.constraint = keras.constraints.NonNeg()
    optimizers.SGD(learning_rate=0.0001).apply_gradients([(ops.zeros((2, 2)), v)])
    assert np.min(v.numpy()) == 0.0


@pytest.mark.parametrize("name", TWINS)
def test_static_loss_scaling(name):
    """test_static_loss_scaling (SGD there): the gradients are divided by the factor before
    the step, so each optimizer steps as its twin does on the unscaled gradients."""
    finals = []
    for optimizer in both(name, learning_rate=1.0, loss_scale_factor=1024.0):
        v = keras.Variable([[1.0, 2.0], [3.0, 4.0]])
        optimizer.apply_gradients([(ops.array([[1.0, 2.0], [3.0, 4.0]]) * 1024.0, v)])
        assert optimizer.scale_loss(1.0) == 1024.0
        finals.append(v.numpy())
    if name == "SGD":
        np.testing.assert_allclose(finals[0], np.zeros((2, 2)))
    np.testing.assert_allclose(finals[0], finals[1], **ROUND_OFF)
    with pytest.raises(ValueError, match="loss_scale_factor"):
        getattr(optimizers, name)(loss_scale_factor=0.0)  # lab: a zero or negative scale


def test_set_weights():
    x = keras.Variable([[1.0, 2.0], [3.0, 4.0]])
    first = optimizers.Adam()
    first.apply_gradients(zip([ops.array([[1.0, 2.0], [3.0, 4.0]])], [x]))
    second = optimizers.Adam()
    with pytest.raises(ValueError, match="You are calling"):
        second.set_weights(first.variables)
    second.build([x])
    second.set_weights(first.variables)
    for a, b in zip(first.variables, second.variables):
        np.testing.assert_array_equal(a, b)


def test_gradient_accumulation():
    v = keras.Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=3)
    assert optimizer.gradient_accumulation_steps == 3
    expected = [  # (v, accumulator, _iterations, iterations) after each call
        ([[1.0, 2.0], [3.0, 4.0]], 1.0, 1, 0), ([[1.0, 2.0], [3.0, 4.0]], 2.0, 2, 0),
        ([[0.0, 1.0], [2.0, 3.0]], 0.0, 3, 1), ([[0.0, 1.0], [2.0, 3.0]], 1.0, 4, 1)]
    for value, accumulated, raw_steps, steps in expected:
        optimizer.apply_gradients([(ops.ones((2, 2)), v)])
        np.testing.assert_allclose(v, value)
        np.testing.assert_allclose(optimizer._accumulated_gradients[0], np.full((2, 2), accumulated))
        assert (int(optimizer._iterations), int(optimizer.iterations)) == (raw_steps, steps)


@pytest.mark.parametrize("name", TWINS)
def test_gradient_accumulation_with_weight_decay(name):
    """Three accumulated batches step as one batch of their mean gradient: the bias
    corrections and Nadam's μ schedule count the real steps (`iterations`)."""
    single = getattr(optimizers, name)(weight_decay=0.05)
    accumulating = getattr(optimizers, name)(weight_decay=0.05, gradient_accumulation_steps=3)
    v1, v3 = keras.Variable([[0.9], [0.5]]), keras.Variable([[0.9], [0.5]])
    rng = np.random.default_rng(0)
    for _ in range(8):
        grads = rng.random([3, 2, 1]).astype("float32")
        single.apply_gradients([(ops.convert_to_tensor(grads.mean(axis=0)), v1)])
        for batch in grads:
            accumulating.apply_gradients([(ops.convert_to_tensor(batch), v3)])
    np.testing.assert_allclose(v1, v3, **ROUND_OFF)


def test_setting_lr_to_a_schedule_untracks_the_rate_variable():
    adam = optimizers.Adam(learning_rate=0.001)
    assert len(adam.variables) == 2
    adam.learning_rate = keras.optimizers.schedules.PolynomialDecay(adam.learning_rate, 4)
    assert len(adam.variables) == 1


@pytest.mark.parametrize("name", TWINS)
def test_pickleable_optimizers(name):
    optimizer = getattr(optimizers, name)()
    assert pickle.loads(pickle.dumps(optimizer)).get_config() == optimizer.get_config()


def test_mixed_with_tf_variables():
    v = keras.Variable([[1.0, 2.0], [3.0, 4.0]])
    tf_v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.Adam(learning_rate=1.0)
    optimizer.apply_gradients([(ops.ones((2, 2)), v), (ops.ones((2, 2)), tf_v)])
    assert int(optimizer.iterations) == 1
    with pytest.warns(UserWarning, match="Gradients do not exist for variables"):
        optimizer.apply_gradients([(ops.ones((2, 2)), v), (None, tf_v)])
    assert int(optimizer.iterations) == 2


def test_optimizer_auto_naming():
    """Keras names an unnamed optimizer after its class, made unique: adam, adam_1, ...
    (the counters are process-wide, so only the pattern is checked here)."""
    first, second = optimizers.Adam(), optimizers.Adam()
    assert first.name.startswith("adam") and second.name.startswith("adam_")
    assert first.name != second.name and optimizers.SGD().name.startswith("sgd")
    custom = optimizers.Adam(name="my_adam")
    assert custom.name == "my_adam"
    for optimizer in (second, custom):
        revived = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
        assert revived.name == optimizer.name


def test_tf_checkpointing(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2)])
    optimizer = optimizers.Adam()
    rng = np.random.default_rng(0)
    x, y = rng.random((1, 2)), rng.random((1, 2))
    model.compile(optimizer, "mse")
    model.train_on_batch(x, y)
    reference = model.predict(x, verbose=0)
    checkpoint = tf.train.Checkpoint(model, optimizer=optimizer)
    path = checkpoint.save(str(tmp_path / "ckpt"))
    model.train_on_batch(x, y)
    assert not np.allclose(model.predict(x, verbose=0), reference, atol=1e-3)
    checkpoint.restore(path)
    np.testing.assert_allclose(model.predict(x, verbose=0), reference, atol=1e-5)


def test_callable_learning_rate():
    v = keras.Variable([[1.0, 2.0], [3.0, 4.0]])
    optimizer = optimizers.SGD(learning_rate=lambda: 0.1)
    optimizer.apply_gradients([(ops.ones((2, 2)), v)])
    np.testing.assert_allclose(v, [[0.9, 1.9], [2.9, 3.9]], **ROUND_OFF)
    assert int(optimizer.iterations) == 1


@pytest.mark.parametrize("accumulation", [None, 2])
def test_overwrite_with_gradient(accumulation):
    """test_overwrite_with_gradient and ..._with_gradient_accumulation: a variable flagged
    `overwrite_with_gradient` takes its gradient (the mean of the accumulated ones), the
    others are updated normally."""
    v, v2 = keras.Variable([[1.0, 2.0], [3.0, 4.0]]), keras.Variable([[1.0, 2.0], [3.0, 4.0]])
    v.overwrite_with_gradient = True
    optimizer = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=accumulation)
    if accumulation is None:
        optimizer.apply_gradients([(ops.ones((2, 2)), v), (ops.ones((2, 2)), v2)])
        np.testing.assert_allclose(v, np.ones((2, 2)))
        np.testing.assert_allclose(v2, [[0.0, 1.0], [2.0, 3.0]])
        return
    for g, v_expected, v2_expected in [(1.0, [[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]]),
                                       (2.0, [[2.0, 2.0], [2.0, 2.0]], [[-0.5, 0.5], [1.5, 2.5]]),
                                       (1.0, [[2.0, 2.0], [2.0, 2.0]], [[-0.5, 0.5], [1.5, 2.5]])]:
        optimizer.apply_gradients([(ops.full((2, 2), g), v), (ops.full((2, 2), g), v2)])
        np.testing.assert_allclose(v, v_expected)
        np.testing.assert_allclose(v2, v2_expected)


# ------------------------------------------------------------- optimizer_sparse_test.py

SPARSE_CASES = [("SGD", {}), ("SGD", {"momentum": 0.05}), ("SGD", {"momentum": 0.05, "nesterov": True}),
                ("Adagrad", {}), ("RMSprop", {}), ("RMSprop", {"momentum": 0.05}),
                ("RMSprop", {"momentum": 0.05, "centered": True}), ("Adam", {}),
                ("Adam", {"amsgrad": True}), ("Adamax", {}), ("Nadam", {})]


@pytest.mark.parametrize("name,kwargs", SPARSE_CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(SPARSE_CASES)])
def test_sparse_correctness(name, kwargs):
    """A sparse gradient (tf.IndexedSlices, rows 0, 2, 4) steps as the same dense gradient,
    and as Keras' twin on it. (Keras' other sparse test, which mocks `assign` to see whether
    an update stays sparse, checks an implementation detail, not a result: not mirrored.)"""
    sparse_optimizer = getattr(optimizers, name)(**kwargs)
    dense_optimizer = getattr(optimizers, name)(**kwargs)
    twin = getattr(keras.optimizers, name)(**kwargs)
    variables = [keras.Variable(np.ones((5, 3, 2), "float32")) for _ in range(3)]
    for i in range(5):
        sparse = tf.IndexedSlices(ops.ones((3, 3, 2)) * (10.0 - i), tf.constant([0, 2, 4]),
                                  (5, 3, 2))
        sparse_optimizer.apply([sparse], [variables[0]])
        dense_optimizer.apply([tf.convert_to_tensor(sparse)], [variables[1]])
        twin.apply([sparse], [variables[2]])
        np.testing.assert_allclose(variables[0], variables[1], **ROUND_OFF)
        np.testing.assert_allclose(variables[0], variables[2], **ROUND_OFF)


def test_rmsprop_nesterov_takes_sparse_gradients():
    """No twin: a sparse gradient steps as the dense one."""
    finals = []
    for densify in (False, True):
        variable = keras.Variable(np.ones((5, 2), "float32"))
        optimizer = optimizers.RMSpropNesterov(0.1)
        for i in range(3):
            g = tf.IndexedSlices(ops.ones((2, 2)) * (3.0 - i), tf.constant([1, 3]), (5, 2))
            optimizer.apply([tf.convert_to_tensor(g) if densify else g], [variable])
        finals.append(variable.numpy())
    np.testing.assert_allclose(*finals, **ROUND_OFF)


# ------------------------------------------- mixed precision, saving (model-level checks)

rng = np.random.default_rng(0)
X = rng.normal(size=(32, 6)).astype("float32")
Y = rng.normal(size=(32, 2)).astype("float32")
MODEL_CASES = [("SGD", {"momentum": 0.9, "nesterov": True}), ("Adagrad", {}),
               ("RMSprop", {"momentum": 0.5, "centered": True}), ("Adam", {"amsgrad": True}),
               ("Adamax", {}), ("Nadam", {})]
MODEL_IDS = [name for name, _ in MODEL_CASES]


def dense_model(optimizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(2)])
    model.compile(optimizer, "mse")
    return model


@pytest.mark.parametrize("name,kwargs", MODEL_CASES, ids=MODEL_IDS)
def test_mixed_float16_trains_like_keras(name, kwargs, mixed_float16):
    """Under mixed_float16 Keras wraps both in a LossScaleOptimizer; the weights (float32
    variables) after a few steps are Keras'."""
    weights = []
    for optimizer in both(name, learning_rate=0.01, **kwargs):
        model = dense_model(optimizer)
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
        assert model.optimizer.inner_optimizer is optimizer
        model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        assert int(optimizer.iterations) == 4
        weights.append(model.get_weights())
    for ours, theirs in zip(*weights):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, **ROUND_OFF)


SAVE_CASES = MODEL_CASES + [("RMSpropNesterov", {}), ("SGD", {"momentum": 0.0})]


@pytest.mark.parametrize("name,kwargs", SAVE_CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(SAVE_CASES)])
def test_save_and_load_model_restores_the_optimizer(name, kwargs, tmp_path):
    """model.save -> keras.models.load_model: the same lab class, config and variables
    (SGD's extra momentum variable included), and training goes on identically."""
    model = dense_model(getattr(optimizers, name)(learning_rate=0.01, **kwargs))
    model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables)
    for restored, saved in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(restored, saved)
    for trained in (model, loaded):
        trained.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for ours, theirs in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(ours, theirs, **ROUND_OFF)
    assert int(loaded.optimizer.iterations) == 8
