"""lab.trajectories' NumPy rules walk the same paths as lab.optimizers (and so as Keras)."""
import keras
import numpy as np
import pytest

import lab
from lab.trajectories import RULES, SURFACES, run

# Rates, momenta and decays exact in float32, so that the float32 hyperparameters Keras
# keeps do not differ from the float64 ones NumPy uses. Keras still rounds a few constants
# to float32 (AdaGrad's initial 0.1, ε = 1e-7), which leaves relative gaps near 1e-8.
HYPER = {"learning_rate": 2.0**-6, "momentum": 0.875, "rho": 0.9375, "rho_2": 0.984375}

OPTIMIZERS = {
    "SGD": lambda lr, a, r, r2: lab.optimizers.SGD(lr),
    "momentum": lambda lr, a, r, r2: lab.optimizers.SGD(lr, momentum=a),
    "Nesterov": lambda lr, a, r, r2: lab.optimizers.SGD(lr, momentum=a, nesterov=True),
    "AdaGrad": lambda lr, a, r, r2: lab.optimizers.Adagrad(lr),
    "RMSProp": lambda lr, a, r, r2: lab.optimizers.RMSprop(lr, rho=r),
    "Adam": lambda lr, a, r, r2: lab.optimizers.Adam(lr, beta_1=a, beta_2=r2),
    "AdaMax": lambda lr, a, r, r2: lab.optimizers.Adamax(lr, beta_1=a, beta_2=r2),
    "Nadam": lambda lr, a, r, r2: lab.optimizers.Nadam(lr, beta_1=a, beta_2=r2),
}


def test_every_rule_has_an_optimizer():
    assert set(RULES) == set(OPTIMIZERS)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("name", RULES)
def test_path_equals_lab_optimizer(name, surface):
    surface = SURFACES[surface]
    path = run(name, surface, steps=80, **HYPER)
    optimizer = OPTIMIZERS[name](*HYPER.values())
    theta = keras.Variable(np.array(surface.start), dtype="float64")
    keras_path = [theta.numpy().copy()]
    for _ in range(len(path) - 1):
        gradient = keras.ops.convert_to_tensor(surface.gradient(theta.numpy()), "float64")
        optimizer.apply([gradient], [theta])
        keras_path.append(theta.numpy().copy())
    np.testing.assert_allclose(path, np.array(keras_path), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("surface", SURFACES)
def test_default_rates_reach_a_minimum_with_momentum(surface):
    surface = SURFACES[surface]
    end = run("momentum", surface, steps=200)[-1]
    assert min(np.linalg.norm(end - np.array(m)) for m in surface.minima) < 0.05


def test_divergent_path_stops_early():
    path = run("SGD", SURFACES["quadratic"], steps=200, learning_rate=1.0)
    assert len(path) < 201 and np.all(np.isfinite(path))


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "Adadelta"}, "name must be one of"),
    ({"learning_rate": -0.1}, "learning_rate"),
    ({"momentum": 1.0}, "momentum"),
    ({"rho": -0.5}, "rho"),
    ({"rho_2": 1.5}, "rho_2"),
    ({"steps": 0}, "steps"),
])
def test_bad_arguments_are_named(kwargs, message):
    arguments = {"name": "Adam", "surface": SURFACES["saddle"], **kwargs}
    with pytest.raises(ValueError, match=message):
        run(**arguments)
