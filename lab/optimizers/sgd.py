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
    already taken at θ̃; the update above is the slide's rewritten for φ, the change of
    variables of Bengio, Boulanger-Lewandowski & Pascanu ("Advances in optimizing recurrent
    networks", ICASSP 2013, arXiv:1212.0901, §3.5; Sutskever et al., ICML 2013, write NAG in
    the slide's form). `slide_theta(variable)` gives back the slide's θ = φ − α v.

    `momentum` α is a float in [0, 1) (Keras' default 0). With α > 0 it is kept in a
    non-trainable float32 variable (Keras casts its Python float through float32 too, so
    the steps are bit-identical to Keras'), read by the traced step: assigning
    `optimizer.momentum = 0.85` during training takes effect at the next step without
    retracing, which is what `lab.callbacks.OneCycleMomentum` does. Keras' own SGD bakes
    its float into the traced step, so changing it after the first step has no effect.
    `get_config()` reports the Python float last given, as Keras does.

    That variable is one more optimizer variable than Keras' SGD has (iteration, learning
    rate, momentum, then one velocity per model variable). It is saved and restored with
    the others, so `model.save` and `keras.models.load_model` bring back lab's SGD with
    the same momentum and velocities (tested); only a file of lab's SGD cannot be loaded
    into Keras' SGD, which is another class anyway.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False,
                 weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(
            learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        if not isinstance(momentum, float):  # as Keras: an int, even 0, is refused
            raise ValueError(f"momentum must be a float in [0, 1), got {momentum!r}")
        self._momentum = _checks.unit_interval("momentum", momentum)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be a bool, got {type(nesterov).__name__}")
        self.nesterov = nesterov
        self._momentum_variable = None
        if momentum:
            with keras.name_scope(self.name, caller=self):
                self._momentum_variable = keras.Variable(
                    momentum, name="momentum", dtype="float32", trainable=False,
                    aggregation="only_first_replica")  # tracked on assignment

    @property
    def momentum(self):
        """α, the Python float last given (0.0 when built without momentum); the step
        reads its float32 copy."""
        return self._momentum

    @momentum.setter
    def momentum(self, value):
        value = _checks.unit_interval("momentum", value)
        if self._momentum_variable is None:
            raise ValueError("this SGD was created with momentum=0 (plain SGD, no velocity): "
                             "create it with a momentum > 0 to change it during training")
        self._momentum_variable.assign(value)
        self._momentum = value

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.velocities = (self.add_optimizer_variables(var_list, "velocity")
                           if self._momentum_variable is not None else [])

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        g = ops.cast(gradient, variable.dtype)
        if self._momentum_variable is None:
            self.assign_sub(variable, g * lr)
            return
        alpha = ops.cast(self._momentum_variable, variable.dtype)
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
