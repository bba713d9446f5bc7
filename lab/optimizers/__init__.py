"""The chapter's optimizers written from scratch, drop-in twins of `keras.optimizers`.

Each class is a `keras.optimizers.Optimizer` subclass in the style of Keras' own: `build`
creates the slot variables, `update_step` is the slide's update for one variable. Keras'
loop around them stays: learning-rate schedules (the rate reaches `update_step` already
evaluated at the step t = `iterations`, counted from 0), decoupled weight decay, EMA,
constraints and the step counter. Clipping is ours (`lab.clipping`), so the whole step is
written out here apart from the bookkeeping. They run in `model.fit`, with or without
`jit_compile=True`, on CPU or GPU.

One optimizer per file, as in Keras (`sgd.py`, `adam.py`, …; the shared loop in
`optimizer.py`). Symbols follow the slides (Goodfellow et al., ch. 8): ϵ learning rate
(`lr` in `update_step`), g gradient, α momentum, v velocity, ρ decay rate, r accumulated
squared gradient, s first moment, δ small constant (`delta`). Constructor arguments keep Keras' names and defaults (ϵ = `learning_rate`,
α = `momentum`, ρ = `rho`, ρ₁/ρ₂ = `beta_1`/`beta_2`, δ = `epsilon`).

Where the slide and Keras differ, the default is Keras and the slide is one argument away:
`Adagrad(variant="slide")`, `Adam(variant="slide")`, `Nadam(variant="paper")`,
`RMSprop(epsilon=1e-6)`, and `SGD.slide_theta` / `RMSpropNesterov.slide_theta` for the
point the slide's Nesterov stores. Every argument of each Keras twin is there, in Keras'
order and with Keras' default (`weight_decay`, clipping, EMA, `loss_scale_factor`,
`gradient_accumulation_steps`, `name`); `variant` comes after them, so a positional call
means what it means in Keras.
"""

from . import schedules  # noqa: F401  (lab.optimizers.schedules, as in Keras)
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .nadam import Nadam
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .rmsprop_nesterov import RMSpropNesterov
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "RMSpropNesterov", "Adam", "Adamax",
           "Nadam", "schedules"]
