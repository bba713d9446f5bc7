import keras
from keras import ops

from .. import _checks
from .optimizer import Optimizer, _NesterovLookAhead


@keras.saving.register_keras_serializable(package="lab")
class SGD(_NesterovLookAhead, Optimizer):
    """Stochastic gradient descent, with momentum (Polyak, 1964) or Nesterov momentum.

        plain:     θ ← θ − ϵ g
        momentum:  v ← α v − ϵ g;   θ ← θ + v
        Nesterov:  v ← α v − ϵ g;   φ ← φ + α v − ϵ g,   with φ = θ + α v

    The slide's Nesterov evaluates g at the interim point θ̃ = θ + α v. Keras (and this twin)
    store that look-ahead point φ in the variable, so the gradient `model.fit` computes is
    already taken at θ̃ (Sutskever et al., ICML 2013, change of variables); the update above
    is the slide's rewritten for φ. `slide_theta(variable)` gives back the slide's θ = φ − α v.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = _checks.unit_interval("momentum", momentum)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be a bool, got {type(nesterov).__name__}")
        self.nesterov = nesterov

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.velocities = (self.add_optimizer_variables(var_list, "velocity")
                           if self.momentum else [])

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        if not self.momentum:
            self.assign_sub(variable, g * lr)
            return
        alpha = ops.cast(self.momentum, variable.dtype)
        (v,) = self._slots(variable, self.velocities)
        self.assign(v, v * alpha - g * lr)
        if self.nesterov:
            self.assign_add(variable, v * alpha - g * lr)
        else:
            self.assign_add(variable, v)

    @property
    def stores_look_ahead(self):
        return self.nesterov

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
