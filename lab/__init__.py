"""lab: the algorithms of "Training Deep Neural Networks", written from scratch.

Modules mirror Keras' namespaces, so `keras.initializers.HeNormal()` becomes
`lab.initializers.HeNormal()`. Every notebook starts with

    import lab
    lab.setup(language="en")   # or "fa"
"""
import importlib
import os

# Set before TensorFlow is first imported: level 3 hides TensorFlow's C++ info and warning
# lines, and oneDNN off silences its start-up notice (and its float round-off differences).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from . import device  # noqa: E402  (imports TensorFlow quietly; keep it first)
# The algorithms, which import only Keras and NumPy:
from . import (  # noqa: E402
    activations, callbacks, clipping, constraints, initializers, layers, optimizers, regularizers,
)

# The notebooks' helpers (matplotlib, IPython, the data download...) load when first used,
# so that `import lab.optimizers` stays light.
HELPERS = ("data", "diagnostics", "exercises", "experiments", "plots", "report", "trajectories", "widgets")
LANGUAGES = ("en", "fa")


def __getattr__(name):
    if name in HELPERS:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'lab' has no attribute {name!r}")


def setup(language="en", seed=42):
    """Start a notebook: pick the figure language, seed everything, say what runs where."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    from . import plots
    plots.use_language(language)
    device.set_seed(seed)
    versions = f"TensorFlow {device.tf.__version__} · Keras {device.keras.__version__}"
    if language == "fa":
        print(f"دستگاه: {device.describe()} · {versions} · seed {seed} (عملگرهای قطعی)")
    else:
        print(f"Device: {device.describe()} · {versions} · seed {seed} (deterministic ops)")
