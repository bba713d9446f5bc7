"""How fast lab trains compared with Keras: the same model, data and initial weights, one
with each lab algorithm and one with its Keras twin, in one process, timed alternately.

    make bench                                  # or: .venv/bin/python benchmarks/speed.py
    .venv/bin/python benchmarks/speed.py --jit  # the same under XLA (jit_compile=True)
    .venv/bin/python benchmarks/speed.py --only LeakyReLU ELU   # just these rows

For each pair it prints the median time of a training step and the median of the ratios
ours/Keras over the rounds (pairs of epochs run back to back, so a slow moment of the
machine hits both). The target is a ratio ≤ 1.05.
"""
import argparse
import statistics
import time

import lab  # noqa: F401  (sets TensorFlow's logging before it loads)
import keras
import numpy as np

from lab import device, layers, optimizers

OPTIMIZERS = [
    ("SGD", {}), ("SGD", {"momentum": 0.9, "nesterov": True}), ("Adagrad", {}),
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.9, "centered": True}), ("Adam", {}),
    ("Adamax", {}), ("Nadam", {}), ("Adam", {"global_clipnorm": 1.0}),
]
STEPS_PER_EXECUTION = 32
LAYERS = [
    ("BatchNormalization", "BatchNormalization", {}),
    ("Dropout", "Dropout", {"rate": 0.3}),
    ("AlphaDropout", "AlphaDropout", {"rate": 0.1}),
    ("MCDropout", "Dropout", {"rate": 0.3}),  # Keras' dropout in training does the same work
    ("LeakyReLU", "LeakyReLU", {}),
    ("PReLU", "PReLU", {}),
    ("ELU", "ELU", {}),
]


def data(samples, features=40, classes=10):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(samples, features)).astype("float32"),
            rng.integers(0, classes, samples))


def mlp(width, extra_layer=None):
    """Dense-ReLU blocks; `extra_layer()` (a factory) goes after each hidden Dense."""
    keras.utils.set_random_seed(0)
    stack = [keras.Input((40,))]
    for _ in range(2):
        stack.append(keras.layers.Dense(width, activation=None if extra_layer else "relu"))
        if extra_layer:
            stack.append(extra_layer())
    stack.append(keras.layers.Dense(10))
    return keras.Sequential(stack)


def step_time(model, x, y, batch_size):
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return (time.perf_counter() - start) / (len(x) // batch_size)


def compare(make_ours, make_theirs, x, y, batch_size, rounds, jit):
    models = []
    for make in (make_ours, make_theirs):
        model, optimizer = make()
        # Many steps per call of the compiled function: we time the math, not Python.
        model.compile(optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      jit_compile=jit, steps_per_execution=STEPS_PER_EXECUTION)
        if model.jit_compile is not jit:
            raise RuntimeError("Keras refused XLA for this model (op determinism on?)")
        step_time(model, x, y, batch_size)  # trace and warm up
        models.append(model)
    times = {0: [], 1: []}
    for r in range(rounds):
        order = (0, 1) if r % 2 == 0 else (1, 0)  # alternate who goes first
        for i in order:
            times[i].append(step_time(models[i], x, y, batch_size))
    ratios = [a / b for a, b in zip(times[0], times[1])]
    return statistics.median(times[0]), statistics.median(times[1]), statistics.median(ratios)


def label(name, kwargs):
    return name + (f"({', '.join(f'{k}={v}' for k, v in kwargs.items())})" if kwargs else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--samples", type=int, default=8192)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--jit", action="store_true", help="compile both with XLA")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="time only these optimizers or layers (e.g. Adam LeakyReLU)")
    args = parser.parse_args()
    x, y = data(args.samples)
    print(f"{device.describe()} · Keras {keras.__version__} · MLP 40-{args.width}-{args.width}-10, "
          f"batch {args.batch_size}, {args.samples // args.batch_size} steps per epoch, "
          f"{args.rounds} rounds, XLA {'on' if args.jit else 'off'}")
    print(f"\n| {'algorithm':<48} | lab ms/step | Keras ms/step | ratio lab/Keras |")
    print(f"|{'-' * 50}|-----------:|--------------:|----------------:|")
    results = []

    def report(name, timing):
        ours, theirs, ratio = timing
        results.append(ratio)
        print(f"| {name:<48} | {1e3 * ours:10.3f} | {1e3 * theirs:13.3f} | {ratio:15.3f} |",
              flush=True)

    def chosen(name):
        return args.only is None or name in args.only

    for name, kwargs in OPTIMIZERS:
        if not chosen(name):
            continue
        report(label(f"optimizers.{name}", kwargs), compare(
            lambda: (mlp(args.width), getattr(optimizers, name)(**kwargs)),
            lambda: (mlp(args.width), getattr(keras.optimizers, name)(**kwargs)),
            x, y, args.batch_size, args.rounds, args.jit))
    for ours, theirs, kwargs in LAYERS:
        if not chosen(ours):
            continue
        report(f"layers.{ours}", compare(
            lambda: (mlp(args.width, lambda: getattr(layers, ours)(**kwargs)),
                     keras.optimizers.SGD(0.01)),
            lambda: (mlp(args.width, lambda: getattr(keras.layers, theirs)(**kwargs)),
                     keras.optimizers.SGD(0.01)),
            x, y, args.batch_size, args.rounds, args.jit))
    print(f"\nworst ratio {max(results):.3f}; median ratio {statistics.median(results):.3f} "
          f"(target: every ratio <= 1.05)")


if __name__ == "__main__":
    main()
