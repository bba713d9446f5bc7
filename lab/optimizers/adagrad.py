import keras
from keras import ops

from .. import _checks
from .optimizer import Optimizer


@keras.saving.register_keras_serializable(package="lab")
class Adagrad(Optimizer):
    """AdaGrad (Duchi, Hazan & Singer, JMLR 2011): each parameter's rate shrinks with the
    sum of its squared gradients.

        r ← r + g ⊙ g
        keras: θ ← θ − ϵ g / sqrt(r + δ),   r starts at `initial_accumulator_value` (0.1)
        slide: θ ← θ − ϵ g / (δ + sqrt(r)), r starts at 0

    `variant="slide"` uses the slide's denominator; pass `initial_accumulator_value=0.0`
    too for the slide exactly. No choice of Keras' arguments gives the slide's formula.
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, variant="keras", **kwargs):
        super().__init__(
            learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.initial_accumulator_value = _checks.non_negative(
            "initial_accumulator_value", initial_accumulator_value)
        self.epsilon = _checks.non_negative("epsilon", epsilon)
        self.variant = _checks.choice("variant", variant, ("keras", "slide"))

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        initializer = keras.initializers.Constant(self.initial_accumulator_value)
        self.accumulators = [self.add_variable_from_reference(var, "accumulator", initializer)
                             for var in var_list]

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        delta = self.epsilon
        g = ops.cast(gradient, variable.dtype)
        (r,) = self._slots(variable, self.accumulators)
        self.assign_add(r, ops.square(g))
        if self.variant == "keras":
            denominator = ops.sqrt(r + delta)
        else:
            denominator = delta + ops.sqrt(r)
        self.assign_sub(variable, lr * g / denominator)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon, "variant": self.variant,
                "initial_accumulator_value": self.initial_accumulator_value}
