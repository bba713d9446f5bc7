import keras
from keras import ops

from .. import _checks
from .optimizer import Optimizer, _NesterovLookAhead


@keras.saving.register_keras_serializable(package="lab")
class RMSpropNesterov(_NesterovLookAhead, Optimizer):
    """RMSProp with Nesterov momentum, as on the slide (Goodfellow et al., Algorithm 8.6).
    Keras has no twin.

        slide:  θ̃ ← θ + α v;  g at θ̃;  r ← ρ r + (1 − ρ) g ⊙ g;
                v ← α v − ϵ g / sqrt(δ + r);  θ ← θ + v

    As in `SGD(nesterov=True)`, the variable stores the look-ahead point φ = θ + α v, so
    the gradient of `model.fit` is the slide's g at θ̃ and the update reads
    φ ← φ + α v_new − ϵ g / sqrt(δ + r). `slide_theta(variable)` gives back θ = φ − α v.
    The slide writes sqrt(r); δ inside the root (default 1e-7, as Keras' RMSprop) keeps
    the first steps finite when a gradient is zero.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.9, epsilon=1e-7,
                 name="rmsprop_nesterov", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = _checks.unit_interval("rho", rho)
        self.momentum = _checks.unit_interval("momentum", momentum)
        self.epsilon = _checks.non_negative("epsilon", epsilon)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.accumulators, self.velocities = self.add_optimizer_variables(
            var_list, ["accumulator", "velocity"])

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        delta = self.epsilon
        g = ops.cast(gradient, variable.dtype)
        rho, alpha = self.rho, self.momentum
        r, v = self._slots(variable, self.accumulators, self.velocities)
        # ops.multiply, not *: a sparse g (an Embedding's IndexedSlices) has no operators.
        self.assign(r, rho * r + ops.multiply(1 - rho, ops.square(g)))
        step = ops.divide(ops.multiply(lr, g), ops.sqrt(delta + r))
        self.assign(v, alpha * v - step)
        self.assign_add(variable, alpha * v - step)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon}
