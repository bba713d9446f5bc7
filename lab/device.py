"""Which device runs the chapter, and how to make a run repeatable."""
import logging
import os
import sys
import tempfile

# TensorFlow's C++ side logs through absl before absl is initialised, and such early
# messages ignore TF_CPP_MIN_LOG_LEVEL. These lines are harmless noise on a CPU-only machine
# (in Jupyter they would even show up under the first cell); any other line is kept.
_IMPORT_NOISE = (
    "All log messages before absl::InitializeLog() is called are written to STDERR",
    "Could not find cuda drivers on your machine, GPU will not be used.",
)


def _import_tensorflow_quietly():
    """Import TensorFlow with its file-descriptor-level stderr captured, then pass on every
    captured line except the known noise above. Python-level errors still propagate."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow
        finally:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            captured.seek(0)
            lines = captured.read().decode(errors="replace").splitlines(keepends=True)
            kept = [line for line in lines if not any(noise in line for noise in _IMPORT_NOISE)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()
    return tensorflow


tf = _import_tensorflow_quietly()
import keras  # noqa: E402  (must come after the quiet TensorFlow import)


class _RetracingNotice(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warning. A notebook that trains
    a fresh model per seed or per optimizer traces a fresh function for each, by design."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


tf.get_logger().addFilter(_RetracingNotice())


def describe():
    """`"GPU: <name>"` for the first visible GPU, else `"CPU"`."""
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)
    return f"GPU: {name}"


def set_seed(seed):
    """Make a run repeatable: seed every random generator and ask TensorFlow for
    deterministic kernels.

    `keras.utils.set_random_seed` seeds Python's `random`, NumPy, TensorFlow and Keras'
    global `SeedGenerator` in one call. Unseeded Keras initializers draw their seed from
    Python's `random` when they are built, so they become repeatable too.
    `enable_op_determinism` makes TensorFlow pick deterministic kernels (slower on GPU,
    same speed on CPU); it may be called any number of times.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
