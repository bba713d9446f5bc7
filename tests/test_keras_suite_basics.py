"""Keras' own tests for its initializers, regularizers, constraints and activation functions
(keras/src/{initializers/random_initializers,regularizers/regularizers,
constraints/constraints,activations/activations}_test.py), run against their lab twins;
plus the twins' signatures, errors, saving and mixed precision against Keras'."""
import inspect
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from lab import activations, constraints, initializers, regularizers

# Keras' own Variable -> NumPy conversion trips NumPy 2's __array__(copy=...) deprecation.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword")

PRESETS = ["GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform"]
TWINS = ([(getattr(initializers, name), getattr(keras.initializers, name))
          for name in ["VarianceScaling"] + PRESETS]
         + [(getattr(regularizers, name), getattr(keras.regularizers, name))
            for name in ["L1L2", "L1", "L2"]]
         + [(constraints.MaxNorm, keras.constraints.MaxNorm)]
         + [(getattr(activations, name), getattr(keras.activations, name))
            for name in ["leaky_relu", "elu", "selu"]])
# Deliberate differences, each one argument away from Keras (see the classes' docstrings).
OWN_DEFAULTS = {(constraints.MaxNorm, "axis"): (None, 0)}  # per filter, not per kernel row


def parameters(function):
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}


def values(x):
    return keras.ops.convert_to_numpy(x)


def gradient(function, x):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(function(x))
    return tape.gradient(y, x).numpy()


def assert_serialization_round_trip(instance):
    """Keras' TestCase.run_class_serialization_test: config and serialized form, via JSON."""
    cls, config = type(instance), instance.get_config()
    revived = cls.from_config(config)
    assert json.dumps(revived.get_config()) == json.dumps(config)
    assert set(dir(revived)) == set(dir(instance))
    serialized = json.loads(json.dumps(keras.saving.serialize_keras_object(instance)))
    revived = keras.saving.deserialize_keras_object(serialized)
    assert type(revived) is cls
    assert json.dumps(revived.get_config()) == json.dumps(config)
    assert set(dir(revived)) == set(dir(instance))
    return revived


# --------------------------------------------------------------------- signatures and errors

@pytest.mark.parametrize("ours, theirs", TWINS, ids=lambda twin: twin.__name__)
def test_every_keras_argument_exists_with_keras_default(ours, theirs):
    target = (ours.__init__, theirs.__init__) if inspect.isclass(ours) else (ours, theirs)
    our_parameters, their_parameters = map(parameters, target)
    assert list(our_parameters) == list(their_parameters)
    for name, default in their_parameters.items():
        expected = OWN_DEFAULTS.get((ours, name), (default, default))
        assert (our_parameters[name], default) == expected, name


def test_standard_uniform_is_keras_variance_scaling_at_a_third():
    """StandardUniform has no Keras class; it is Keras' VarianceScaling with these settings."""
    theirs = keras.initializers.VarianceScaling(1 / 3, "fan_in", "uniform", seed=5)
    np.testing.assert_array_equal(values(initializers.StandardUniform(seed=5)((30, 20))),
                                  values(theirs((30, 20))))


BAD_ARGUMENTS = [  # Keras' error for each (its tests check the first three and the penalties)
    ("VarianceScaling", {"scale": -1.0}, ValueError, "scale"),
    ("VarianceScaling", {"mode": "invalid_mode"}, ValueError, "mode"),
    ("VarianceScaling", {"distribution": "invalid_dist"}, ValueError, "distribution"),
    ("VarianceScaling", {"scale": "2"}, TypeError, "scale"),
    ("VarianceScaling", {"seed": "1"}, ValueError, "seed"),
    ("HeNormal", {"seed": 1.5}, ValueError, "seed"),
    *[(name, {factor: bad}, ValueError, factor)
      for name, factor in [("L1", "l1"), ("L2", "l2"), ("L1L2", "l1"), ("L1L2", "l2")]
      for bad in [-1, -0.001, float("nan"), float("inf"), -float("inf"), "not_a_number", [0.1]]],
]


@pytest.mark.parametrize("name, kwargs, error, argument", BAD_ARGUMENTS)
def test_bad_arguments_raise_keras_error_naming_the_argument(name, kwargs, error, argument):
    module = "initializers" if hasattr(initializers, name) else "regularizers"
    with pytest.raises(error):
        getattr(getattr(keras, module), name)(**kwargs)
    with pytest.raises(error, match=argument):
        getattr(globals()[module], name)(**kwargs)


@pytest.mark.parametrize("name, default", [("L1L2", 0.0), ("L1", 0.01), ("L2", 0.01)])
def test_a_penalty_of_none_is_the_default_as_in_keras(name, default):
    factor = name.lower()[:2]
    ours = getattr(regularizers, name)(**{factor: None})
    assert ours.get_config()[factor] == default
    theirs = getattr(keras.regularizers, name)(**{factor: None}).get_config()[factor]
    assert ours.get_config()[factor] == pytest.approx(theirs, rel=1e-7)  # Keras' L1: float32


# --------------------------------------------------------------------- initializers

def test_variance_scaling():  # Keras' test_variance_scaling and test_variance_scaling_with_axes
    keras.utils.set_random_seed(1337)
    for mode, fan in [("fan_in", 25), ("fan_out", 20)]:
        initializer = initializers.VarianceScaling(scale=2.0, seed=1234, mode=mode)
        weights = values(initializer((25, 20)))
        assert (initializer.scale, initializer.seed, weights.shape) == (2.0, 1234, (25, 20))
        assert np.std(weights) == pytest.approx(np.sqrt(2.0 / fan), abs=1e-1)
        assert_serialization_round_trip(initializer)
    for axes, fan in [({"input_axes": [0], "output_axes": [1, 2]}, 32), ({}, 128)]:
        initializer = initializers.VarianceScaling(scale=2.0, seed=1234, mode="fan_in", **axes)
        assert np.std(values(initializer((32, 4, 16)))) == pytest.approx(np.sqrt(2.0 / fan),
                                                                          abs=1e-1)
    assert_serialization_round_trip(
        initializers.VarianceScaling(input_axes=[0], output_axes=[1, 2]))


@pytest.mark.parametrize("name", ["VarianceScaling", "StandardUniform"] + PRESETS)
def test_seeds_and_clones(name):  # Keras' test_random_normal, seed part, for each initializer
    cls, shape = getattr(initializers, name), (25, 20)
    fixed = cls(seed=1337)
    np.testing.assert_array_equal(values(fixed(shape)), values(fixed(shape)))
    np.testing.assert_array_equal(values(cls.from_config(fixed.get_config())(shape)),
                                  values(fixed(shape)))
    generator = cls(seed=keras.random.SeedGenerator(1337))
    assert not np.allclose(values(generator(shape)), values(generator(shape)))
    assert_serialization_round_trip(generator)
    unseeded = cls()
    assert not np.allclose(values(cls.from_config(unseeded.get_config())(shape)),
                           values(unseeded(shape)))
    assert_serialization_round_trip(fixed)


@pytest.mark.parametrize("name", ["VarianceScaling"] + PRESETS)
def test_keras_get_serialize_deserialize_take_lab_initializers(name):
    ours = getattr(initializers, name)(seed=3)
    assert keras.initializers.get(ours) is ours
    for restored in (keras.initializers.deserialize(keras.initializers.serialize(ours)),
                     keras.initializers.get(keras.initializers.serialize(ours))):
        assert type(restored) is type(ours) and restored.get_config() == ours.get_config()


def test_einsum_dense_needs_the_fan_axes_passed_to_a_lab_initializer():
    """Keras' test_mha_query_projection_variance: EinsumDense fills in input_axes/output_axes
    only for Keras' own VarianceScaling classes; a lab one gets them as arguments."""
    def kernel(initializer):
        layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 8, 16),
                                         kernel_initializer=initializer)
        layer.build((None, 10, 32))
        return values(layer.kernel)

    keras_kernel = kernel(keras.initializers.LecunNormal(seed=3))
    np.testing.assert_array_equal(
        kernel(initializers.LecunNormal(seed=3, input_axes=[0], output_axes=[1, 2])), keras_kernel)
    assert np.std(keras_kernel) == pytest.approx(np.sqrt(1 / 32), rel=0.1)
    # Without the axes the fan is Keras' default rule for a 3-D kernel: 32 * 8, not 32.
    assert np.std(kernel(initializers.LecunNormal(seed=3))) == pytest.approx(np.sqrt(1 / 256),
                                                                             rel=0.1)


# --------------------------------------------------------------------- regularizers

def random_weights(shape=(4, 4)):
    return keras.Variable(np.random.default_rng(0).random(shape).astype("float32"))


@pytest.mark.parametrize("regularizer", [regularizers.L1(0.1), regularizers.L2(0.1),
                                         regularizers.L1L2(l1=0.1, l2=0.2)],
                         ids=["L1", "L2", "L1L2"])
def test_regularizer_config(regularizer):  # Keras' test_config
    assert_serialization_round_trip(regularizer)


def test_regularizer_values():  # Keras' test_l1, test_l2, test_l1_l2 and the edge cases
    x = random_weights()
    value = values(x)
    l1, l2 = np.sum(np.abs(value)), np.sum(np.square(value))
    np.testing.assert_allclose(regularizers.L1(0.1)(x), 0.1 * l1, rtol=1e-6)
    np.testing.assert_allclose(regularizers.L2(0.1)(x), 0.1 * l2, rtol=1e-6)
    np.testing.assert_allclose(regularizers.L1L2(l1=0.1, l2=0.2)(x), 0.1 * l1 + 0.2 * l2,
                               rtol=1e-6)
    zeros, ones = keras.Variable(np.zeros((4, 4), "float32")), np.ones((4, 4), "float32")
    for regularizer in (regularizers.L1(0.1), regularizers.L2(0.1), regularizers.L1L2(0.1, 0.2)):
        assert float(regularizer(zeros)) == 0.0
        assert float(regularizer(keras.Variable(ones))) == float(regularizer(keras.Variable(-ones)))
    for zero in (regularizers.L1(0.0), regularizers.L2(0.0), regularizers.L1L2(0.0, 0.0)):
        assert float(zero(x)) == 0.0
    assert float(regularizers.L1L2(l1=0.1)(x)) == float(regularizers.L1(0.1)(x))
    assert float(regularizers.L1L2(l2=0.1)(x)) == float(regularizers.L2(0.1)(x))
    large, small = keras.Variable(10 * ones), keras.Variable(0.1 * ones)
    assert float(regularizers.L2(1.0)(large)) > float(regularizers.L1(1.0)(large))
    assert float(regularizers.L2(1.0)(small)) < float(regularizers.L1(1.0)(small))


def test_l1l2_get_config():  # Keras' test_l1l2_get_config
    config = regularizers.L1L2(l1=0.01, l2=0.02).get_config()
    assert config == keras.regularizers.L1L2(l1=0.01, l2=0.02).get_config()
    restored = regularizers.L1L2.from_config(config)
    assert restored.get_config() == config and (restored.l1, restored.l2) == (0.01, 0.02)


@pytest.mark.parametrize("dtype", ["float16", "float64"])
def test_penalty_dtype_and_value_equal_keras(dtype):
    x = keras.ops.convert_to_tensor(values(random_weights((6, 3))), dtype=dtype)
    for ours, theirs in [(regularizers.L1(0.1), keras.regularizers.L1(0.1)),
                         (regularizers.L2(0.1), keras.regularizers.L2(0.1)),
                         (regularizers.L1L2(0.1, 0.2), keras.regularizers.L1L2(0.1, 0.2))]:
        assert keras.backend.standardize_dtype(ours(x).dtype) == dtype
        # Keras' L1 keeps its factor as a float32 tensor: 1.5e-8 off in float64.
        np.testing.assert_allclose(values(ours(x)), values(theirs(x)),
                                   rtol=1e-3 if dtype == "float16" else 1e-7)


# --------------------------------------------------------------------- constraints

def example_array():  # Keras' get_example_array
    array = np.random.default_rng(3537).random((100, 100)) * 100.0 - 50.0
    array[0, 0] = 0.0
    return array


def test_max_norm():  # Keras' test_max_norm
    x = np.array([[0, 0, 0], [1.0, 0, 0], [3, 0, 0], [3, 3, 3]]).T
    target = np.array([[0, 0, 0], [1.0, 0, 0], [2.0, 0, 0], [2.0 / np.sqrt(3)] * 3]).T
    np.testing.assert_allclose(values(constraints.MaxNorm(2.0)(x)), target, rtol=1e-6, atol=1e-6)


def test_max_norm_get_config():  # Keras' test_max_norm_get_config
    constraint = constraints.MaxNorm(max_value=3.0, axis=1)
    assert constraint.get_config() == {"max_value": 3.0, "axis": 1}
    restored = constraints.MaxNorm.from_config(constraint.get_config())
    assert (restored.max_value, restored.axis) == (3.0, 1)
    x = example_array()
    np.testing.assert_array_equal(values(restored(x)), values(constraint(x)))
    np.testing.assert_allclose(values(constraint(x)),
                               values(keras.constraints.MaxNorm(3.0, axis=1)(x)), rtol=1e-12)
    assert_serialization_round_trip(constraints.MaxNorm(1.5, axis=[0, 1, 2]))


def test_max_norm_follows_keras_epsilon():
    x = example_array()[:4, :5] / 100
    try:
        keras.config.set_epsilon(0.5)  # large enough to change every column
        np.testing.assert_allclose(values(constraints.MaxNorm(0.1)(x)),
                                   values(keras.constraints.MaxNorm(0.1)(x)), rtol=1e-12)
    finally:
        keras.config.set_epsilon(1e-7)


def test_keras_get_takes_lab_regularizers_and_constraints():
    for ours, module in [(regularizers.L1L2(0.1, 0.2), keras.regularizers),
                         (constraints.MaxNorm(1.5), keras.constraints)]:
        assert module.get(ours) is ours
        restored = module.deserialize(module.serialize(ours))
        assert type(restored) is type(ours) and restored.get_config() == ours.get_config()


# --------------------------------------------------------------------- activations

def test_leaky_relu():  # Keras' test_leaky_relu (float64 inputs, as there)
    rng = np.random.default_rng(0)
    for slope in (0.01, 0.3):
        positive, negative = rng.random((2, 5)), rng.uniform(-1, 0, (2, 5))
        np.testing.assert_allclose(values(activations.leaky_relu(positive[np.newaxis], slope))[0],
                                   positive, rtol=1e-5)
        np.testing.assert_allclose(values(activations.leaky_relu(negative[np.newaxis], slope))[0],
                                   slope * negative, rtol=1e-5)


def test_elu():  # Keras' test_elu
    x = np.random.default_rng(0).random((2, 5))
    np.testing.assert_allclose(values(activations.elu(x[np.newaxis]))[0], x, rtol=1e-5)
    negative = np.array([[-1, -2]], dtype="float32")
    np.testing.assert_allclose(values(activations.elu(negative[np.newaxis]))[0],
                               np.exp(negative) - 1, rtol=1e-6)


def test_selu():  # Keras' test_selu
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    positive, negative = np.array([[1, 2]], "float32"), np.array([[-1, -2]], "float32")
    np.testing.assert_allclose(values(activations.selu(positive[np.newaxis]))[0],
                               positive * scale, rtol=1e-5)
    np.testing.assert_allclose(values(activations.selu(negative[np.newaxis]))[0],
                               (np.exp(negative) - 1) * scale * alpha, rtol=1e-6)


ACTIVATION_CASES = [  # (ours, Keras', derivative at 0 in both)
    (lambda x: activations.leaky_relu(x, 0.1), lambda x: keras.activations.leaky_relu(x, 0.1), 0.1),
    (lambda x: activations.leaky_relu(x, 0.0), lambda x: keras.activations.leaky_relu(x, 0.0), 0.0),
    (lambda x: activations.elu(x, 0.5), lambda x: keras.activations.elu(x, 0.5), 0.5),
    (lambda x: activations.elu(x, 2.0), lambda x: keras.activations.elu(x, 2.0), 2.0),
    (activations.selu, keras.activations.selu, activations.SELU_SCALE),
]


@pytest.mark.parametrize("ours, theirs, slope_at_zero", ACTIVATION_CASES)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_activation_values_gradients_and_dtypes_equal_keras(ours, theirs, slope_at_zero, dtype):
    x = keras.ops.convert_to_tensor(np.linspace(-4, 4, 33), dtype=dtype)  # 0 is on the grid
    rtol = {"float16": 2e-3, "float32": 1e-6, "float64": 1e-6}[dtype]
    assert keras.backend.standardize_dtype(ours(x).dtype) == dtype
    np.testing.assert_allclose(values(ours(x)), values(theirs(x)), rtol=rtol, atol=rtol)
    our_gradient, their_gradient = gradient(ours, x), gradient(theirs, x)
    np.testing.assert_allclose(our_gradient, their_gradient, rtol=rtol, atol=rtol)
    assert our_gradient[16] == pytest.approx(slope_at_zero, rel=rtol)


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.2, 0.3, 0.99])
def test_leaky_relu_is_keras_bit_for_bit(slope):
    x = np.random.default_rng(1).normal(scale=3, size=10_000).astype("float32")
    x[:2] = [0.0, -0.0]
    np.testing.assert_array_equal(values(activations.leaky_relu(x, slope)),
                                  values(keras.activations.leaky_relu(x, slope)))


def test_only_plus_infinity_differs_from_keras():
    """Documented in lab.activations: max(z, 0) + α min(z, 0) with min(z, 0) = z − max(z, 0)."""
    x = np.array([np.inf, -np.inf, np.nan, 1e30, -1e30], "float32")
    for ours, theirs in [(activations.leaky_relu(x, 0.2), keras.activations.leaky_relu(x, 0.2)),
                         (activations.elu(x), keras.activations.elu(x))]:
        assert np.isnan(values(ours)[0]) and values(theirs)[0] == np.inf
        np.testing.assert_array_equal(values(ours)[1:], values(theirs)[1:])


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "selu"])
def test_activation_functions_build_functional_models_like_keras(name):
    inputs = keras.Input((3,))
    ours, theirs = getattr(activations, name)(inputs), getattr(keras.activations, name)(inputs)
    assert (ours.shape, ours.dtype, ours.sparse) == (theirs.shape, theirs.dtype, theirs.sparse)


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "selu"])
def test_keras_activation_helpers_keep_lab_functions(name):
    ours = getattr(activations, name)
    assert keras.activations.get(ours) is ours
    assert keras.activations.deserialize(keras.activations.serialize(ours)) is ours


# --------------------------------------------------------------------- models: saving, mixed precision

def dense_model(module_of):
    """Two Dense layers whose initializers, penalty, constraint and activation come from
    `module_of(kind)`: lab's modules or Keras'."""
    return keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(5, activation=module_of("activations").elu,
                           kernel_initializer=module_of("initializers").HeNormal(seed=1),
                           kernel_regularizer=module_of("regularizers").L1L2(0.01, 0.02),
                           kernel_constraint=module_of("constraints").MaxNorm(0.8, axis=0)),
        keras.layers.Dense(3, activation=module_of("activations").selu,
                           kernel_initializer=module_of("initializers").LecunNormal(seed=2),
                           bias_regularizer=module_of("regularizers").L2(0.1)),
    ])


LAB = {"activations": activations, "initializers": initializers,
       "regularizers": regularizers, "constraints": constraints}.get


def keras_module(kind):
    return getattr(keras, kind)


def train(model, steps=3):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 6)).astype("float32"), rng.normal(size=(32, 3)).astype("float32")
    model.compile(keras.optimizers.SGD(0.1), "mse")
    history = model.fit(x, y, batch_size=8, epochs=1, steps_per_epoch=steps, shuffle=False,
                        verbose=0)
    return x, history.history["loss"]


def test_model_with_every_lab_twin_saves_and_loads_them(tmp_path):
    model = dense_model(LAB)
    x, _ = train(model)
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    first, second = loaded.layers
    assert first.activation is activations.elu and second.activation is activations.selu
    assert type(first.kernel_initializer) is initializers.HeNormal
    assert type(first.kernel_regularizer) is regularizers.L1L2
    assert first.kernel_constraint.get_config() == {"max_value": 0.8, "axis": 0}
    assert type(second.bias_regularizer) is regularizers.L2
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_model_with_lab_twins_trains_as_with_keras():
    ours, theirs = dense_model(LAB), dense_model(keras_module)
    _, our_losses = train(ours)
    _, their_losses = train(theirs)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-6)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_model_with_lab_twins_under_mixed_float16_equals_keras(mixed_float16):
    ours, theirs = dense_model(LAB), dense_model(keras_module)
    for a, b in zip(ours.layers, theirs.layers):
        assert (a.compute_dtype, a.kernel.dtype) == (b.compute_dtype, b.kernel.dtype)
    np.testing.assert_array_equal(ours.get_weights()[0], theirs.get_weights()[0])
    np.testing.assert_allclose(sum(map(float, ours.losses)), sum(map(float, theirs.losses)),
                               rtol=1e-6)  # the penalties, on the float32 weights
    x, our_losses = train(ours)
    _, their_losses = train(theirs)
    np.testing.assert_allclose(our_losses, their_losses, rtol=2e-3)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=2e-3, atol=2e-3)
    output = ours(x)
    assert keras.backend.standardize_dtype(output.dtype) == "float16"
    np.testing.assert_allclose(values(output), values(theirs(x)), rtol=2e-3, atol=2e-3)
