"""Optimizer paths on 2-D loss surfaces, fast enough to redraw as a slider moves.

A Keras optimizer spends about a millisecond of dispatch per step on a two-number variable,
so 8 optimizers × 200 steps would take seconds; here each update rule is written again in
NumPy, in the same form as `lab.optimizers` (Keras' ε placement and state), and
`tests/test_trajectories.py` checks every path against the `lab.optimizers` class, step by
step. One call of `run` (200 steps) takes about 2 ms.

    path = run("Adam", SURFACES["rosenbrock"], steps=200, learning_rate=0.05)  # (201, 2)

`JAVASCRIPT` is the same module once more, in JavaScript, for the trajectory widget of the
website (`lab.widgets.trajectories`), which has no Python to call; tests/test_site_widgets.py
checks in a browser that it walks the paths of `run` below.
"""
import dataclasses

import numpy as np

from . import _checks


@dataclasses.dataclass(frozen=True)
class Surface:
    """A loss f(θ₁, θ₂) with its gradient, a start point, its minima and a plotting window."""
    name: str
    loss: callable
    gradient: callable
    start: tuple
    minima: tuple
    window: tuple  # (θ₁ min, θ₁ max, θ₂ min, θ₂ max)
    learning_rates: tuple  # good rates for (SGD, momentum, Nesterov) and for the adaptive ones


def _quadratic(theta):
    return 0.5 * (theta[0] ** 2 + 25.0 * theta[1] ** 2)


def _quadratic_gradient(theta):
    return np.array([theta[0], 25.0 * theta[1]])


def _rosenbrock(theta):
    # Rosenbrock's valley with b = 10 instead of 100: gentle enough for plain SGD in 200 steps.
    return (1 - theta[0]) ** 2 + 10.0 * (theta[1] - theta[0] ** 2) ** 2


def _rosenbrock_gradient(theta):
    # x * x, not x**2: NumPy's power of a float64 scalar can be an ulp off the exact product,
    # and JAVASCRIPT below must compute the same bits (see there).
    x, y = theta
    return np.array([-2 * (1 - x) - 40.0 * x * (y - x * x), 20.0 * (y - x * x)])


def _saddle(theta):
    # A saddle at the origin between two minima at (0, ±1).
    return 0.5 * theta[0] ** 2 - 0.5 * theta[1] ** 2 + 0.25 * theta[1] ** 4


def _saddle_gradient(theta):
    y = theta[1]
    return np.array([theta[0], -y + y * y * y])  # products, as in _rosenbrock_gradient


SURFACES = {
    "quadratic": Surface("quadratic", _quadratic, _quadratic_gradient, start=(-4.0, 1.0),
                         minima=((0.0, 0.0),), window=(-4.5, 1.5, -1.5, 1.5), learning_rates=(0.03, 0.1)),
    "rosenbrock": Surface("rosenbrock", _rosenbrock, _rosenbrock_gradient, start=(-1.2, 1.2),
                          minima=((1.0, 1.0),), window=(-1.6, 1.6, -0.5, 2.0), learning_rates=(0.01, 0.1)),
    "saddle": Surface("saddle", _saddle, _saddle_gradient, start=(2.0, 1e-3),
                      minima=((0.0, 1.0), (0.0, -1.0)), window=(-0.5, 2.2, -1.5, 1.5),
                      learning_rates=(0.05, 0.1)),
}


# Each rule: step(g, state, k) → Δθ, where k = 1, 2, … and `state` is a dict of slots.
# Nesterov stores φ = θ + αv, as Keras does, so its path shows φ.

def _sgd(learning_rate, momentum=0.0, nesterov=False):
    def step(g, state, k):
        v = state["v"] = momentum * state.get("v", 0.0) - learning_rate * g
        return momentum * v - learning_rate * g if nesterov else v
    return step


def _adagrad(learning_rate, initial_accumulator_value=0.1, epsilon=1e-7):
    def step(g, state, k):
        r = state["r"] = state.get("r", initial_accumulator_value) + g * g
        return -learning_rate * g / np.sqrt(r + epsilon)
    return step


def _rmsprop(learning_rate, rho=0.9, epsilon=1e-7):
    def step(g, state, k):
        r = state["r"] = rho * state.get("r", 0.0) + (1 - rho) * g * g
        return -learning_rate * g / np.sqrt(r + epsilon)
    return step


def _adam(learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def step(g, state, k):
        s = state["s"] = beta_1 * state.get("s", 0.0) + (1 - beta_1) * g
        r = state["r"] = beta_2 * state.get("r", 0.0) + (1 - beta_2) * g * g
        epsilon_k = learning_rate * np.sqrt(1 - beta_2**k) / (1 - beta_1**k)
        return -epsilon_k * s / (np.sqrt(r) + epsilon)
    return step


def _adamax(learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def step(g, state, k):
        s = state["s"] = beta_1 * state.get("s", 0.0) + (1 - beta_1) * g
        r = state["r"] = np.maximum(beta_2 * state.get("r", 0.0), np.abs(g))
        return -learning_rate / (1 - beta_1**k) * s / (r + epsilon)
    return step


def _nadam(learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    def mu(k):  # Keras 3's momentum schedule
        return beta_1 * (1 - 0.5 * 0.96**k)

    def step(g, state, k):
        u_k = state["u"] = state.get("u", 1.0) * mu(k)
        u_next = u_k * mu(k + 1)
        s = state["s"] = beta_1 * state.get("s", 0.0) + (1 - beta_1) * g
        r = state["r"] = beta_2 * state.get("r", 0.0) + (1 - beta_2) * g * g
        s_hat = mu(k + 1) * s / (1 - u_next) + (1 - mu(k)) * g / (1 - u_k)
        return -learning_rate * s_hat / (np.sqrt(r / (1 - beta_2**k)) + epsilon)
    return step


# The adaptive rules' rate is about the length of a step, SGD's is multiplied by the gradient:
# one number cannot suit both families.
ADAPTIVE = ("AdaGrad", "RMSProp", "Adam", "AdaMax", "Nadam")

# Every optimizer of the chapter, from the four knobs of the widget: the rate ϵ, the momentum
# α (for the Adam family ρ₁), RMSProp's decay ρ and the Adam family's ρ₂.
RULES = {
    "SGD": lambda lr, alpha, rho, rho_2: _sgd(lr),
    "momentum": lambda lr, alpha, rho, rho_2: _sgd(lr, alpha),
    "Nesterov": lambda lr, alpha, rho, rho_2: _sgd(lr, alpha, nesterov=True),
    "AdaGrad": lambda lr, alpha, rho, rho_2: _adagrad(lr),
    "RMSProp": lambda lr, alpha, rho, rho_2: _rmsprop(lr, rho),
    "Adam": lambda lr, alpha, rho, rho_2: _adam(lr, alpha, rho_2),
    "AdaMax": lambda lr, alpha, rho, rho_2: _adamax(lr, alpha, rho_2),
    "Nadam": lambda lr, alpha, rho, rho_2: _nadam(lr, alpha, rho_2),
}


def run(name, surface, steps=200, learning_rate=None, momentum=0.9, rho=0.9, rho_2=0.999):
    """The path θ₀, θ₁, …, θ_steps of optimizer `name` (a key of RULES) on `surface`, with
    Keras' defaults: `momentum` is α for SGD and ρ₁ (β₁) for Adam, AdaMax and Nadam; `rho` is
    RMSProp's decay; `rho_2` is the Adam family's ρ₂ (β₂). The rate defaults to the
    surface's rate for the optimizer's family.
    Stops early, keeping what it has, once θ runs off (a rate too large diverges).
    """
    if name not in RULES:
        raise ValueError(f"name must be one of {sorted(RULES)}, got {name!r}")
    if learning_rate is None:
        learning_rate = surface.learning_rates[name in ADAPTIVE]
    step = RULES[name](_checks.positive("learning_rate", learning_rate),
                       _checks.unit_interval("momentum", momentum),
                       _checks.unit_interval("rho", rho), _checks.unit_interval("rho_2", rho_2))
    theta, state = np.array(surface.start, dtype="float64"), {}
    path = [theta]
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, _checks.positive_int("steps", steps) + 1):
            theta = theta + step(surface.gradient(theta), state, k)
            if not np.all(np.isfinite(theta)) or np.abs(theta).max() > 1e6:
                break
            path.append(theta)
    return np.array(path)


# The surfaces' losses and gradients, the rules and `run` above, operation for operation in the
# same order, so that the paths agree to the last bit. The gradients multiply instead of taking
# powers, on both sides: a power may be an ulp off the exact product (NumPy's x**2 of a float64
# scalar is, sometimes), and RMSProp zig-zagging in Rosenbrock's valley grows one ulp into a
# visible gap within 100 steps. (The rules' βᵏ may still differ by an ulp between C's pow and
# JavaScript's; paths that converge keep such a gap at an ulp.) A change to the Python above
# must be made here too: tests/test_site_widgets.py compares the two on the built page.
JAVASCRIPT = r"""
const SURFACES = {
  quadratic: {
    loss: ([x, y]) => 0.5 * (x * x + 25.0 * (y * y)),
    gradient: ([x, y]) => [x, 25.0 * y],
  },
  rosenbrock: {
    loss: ([x, y]) => (1 - x) * (1 - x) + 10.0 * ((y - x * x) * (y - x * x)),
    gradient: ([x, y]) => [-2 * (1 - x) - 40.0 * x * (y - x * x), 20.0 * (y - x * x)],
  },
  saddle: {
    loss: ([x, y]) => 0.5 * (x * x) - 0.5 * (y * y) + 0.25 * y ** 4,
    gradient: ([x, y]) => [x, -y + y * y * y],
  },
};

// Each rule: step(g, state, k) -> Δθ, on two coordinates, k = 1, 2, …
const each = (f) => [f(0), f(1)];
const zeros = () => [0.0, 0.0];

function sgd(lr, momentum = 0.0, nesterov = false) {
  return (g, state, k) => {
    const previous = state.v || zeros();
    const v = state.v = each((i) => momentum * previous[i] - lr * g[i]);
    return nesterov ? each((i) => momentum * v[i] - lr * g[i]) : v;
  };
}

function adagrad(lr, initialAccumulatorValue = 0.1, epsilon = 1e-7) {
  return (g, state, k) => {
    const previous = state.r || [initialAccumulatorValue, initialAccumulatorValue];
    const r = state.r = each((i) => previous[i] + g[i] * g[i]);
    return each((i) => -lr * g[i] / Math.sqrt(r[i] + epsilon));
  };
}

function rmsprop(lr, rho = 0.9, epsilon = 1e-7) {
  return (g, state, k) => {
    const previous = state.r || zeros();
    const r = state.r = each((i) => rho * previous[i] + (1 - rho) * g[i] * g[i]);
    return each((i) => -lr * g[i] / Math.sqrt(r[i] + epsilon));
  };
}

function adam(lr, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7) {
  return (g, state, k) => {
    const s0 = state.s || zeros(), r0 = state.r || zeros();
    const s = state.s = each((i) => beta1 * s0[i] + (1 - beta1) * g[i]);
    const r = state.r = each((i) => beta2 * r0[i] + (1 - beta2) * g[i] * g[i]);
    const epsilonK = lr * Math.sqrt(1 - beta2 ** k) / (1 - beta1 ** k);
    return each((i) => -epsilonK * s[i] / (Math.sqrt(r[i]) + epsilon));
  };
}

function adamax(lr, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7) {
  return (g, state, k) => {
    const s0 = state.s || zeros(), r0 = state.r || zeros();
    const s = state.s = each((i) => beta1 * s0[i] + (1 - beta1) * g[i]);
    const r = state.r = each((i) => Math.max(beta2 * r0[i], Math.abs(g[i])));
    return each((i) => -lr / (1 - beta1 ** k) * s[i] / (r[i] + epsilon));
  };
}

function nadam(lr, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7) {
  const mu = (k) => beta1 * (1 - 0.5 * 0.96 ** k);  // Keras 3's momentum schedule
  return (g, state, k) => {
    const uK = state.u = (state.u === undefined ? 1.0 : state.u) * mu(k);
    const uNext = uK * mu(k + 1);
    const s0 = state.s || zeros(), r0 = state.r || zeros();
    const s = state.s = each((i) => beta1 * s0[i] + (1 - beta1) * g[i]);
    const r = state.r = each((i) => beta2 * r0[i] + (1 - beta2) * g[i] * g[i]);
    const sHat = each((i) => mu(k + 1) * s[i] / (1 - uNext) + (1 - mu(k)) * g[i] / (1 - uK));
    return each((i) => -lr * sHat[i] / (Math.sqrt(r[i] / (1 - beta2 ** k)) + epsilon));
  };
}

const RULES = {
  SGD: (lr, alpha, rho, rho2) => sgd(lr),
  momentum: (lr, alpha, rho, rho2) => sgd(lr, alpha),
  Nesterov: (lr, alpha, rho, rho2) => sgd(lr, alpha, true),
  AdaGrad: (lr, alpha, rho, rho2) => adagrad(lr),
  RMSProp: (lr, alpha, rho, rho2) => rmsprop(lr, rho),
  Adam: (lr, alpha, rho, rho2) => adam(lr, alpha, rho2),
  AdaMax: (lr, alpha, rho, rho2) => adamax(lr, alpha, rho2),
  Nadam: (lr, alpha, rho, rho2) => nadam(lr, alpha, rho2),
};

// The path θ0, θ1, …, θsteps as an array of [θ1, θ2]; stops early, keeping what it has, once
// θ runs off. `start` is the surface's start point (its Python Surface holds it).
function run(name, surface, start, steps, lr, momentum, rho, rho2) {
  const step = RULES[name](lr, momentum, rho, rho2), state = {};
  let theta = [start[0], start[1]];
  const path = [theta];
  for (let k = 1; k <= steps; k++) {
    const delta = step(SURFACES[surface].gradient(theta), state, k);
    theta = [theta[0] + delta[0], theta[1] + delta[1]];
    if (!theta.every(Number.isFinite) || Math.max(Math.abs(theta[0]), Math.abs(theta[1])) > 1e6) break;
    path.push(theta);
  }
  return path;
}
"""
