"""The chapter's data sets, split into train / validation / test.

`load_mnist1d` makes MNIST-1D (Greydanus & Kobak, 2024) on this machine: 40-point 1-D
signals of the ten digits, small enough to train deep MLPs on a CPU in seconds, yet hard
enough that initialization, activations and normalization visibly matter.
`load_fashion_mnist` wraps `keras.datasets.fashion_mnist`, which needs one download.

Feature standardisation is deliberately left to the notebooks, which show it: the mean and
standard deviation must come from the training split only.
"""
import functools
import importlib.metadata
import numbers
import os
import random
import socket
import tempfile
import threading
import zipfile
from dataclasses import dataclass, fields

import keras
import numpy as np

MNIST1D_CLASS_NAMES = tuple(str(digit) for digit in range(10))
FASHION_MNIST_CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

_FASHION_MNIST_HOST = ("storage.googleapis.com", 443)  # keras.datasets.fashion_mnist's origin
_FASHION_MNIST_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                        "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
MNIST1D_TRAIN_SPLIT = 0.8  # mnist1d's own train/test split (get_dataset_args().train_split)
_CACHE_FORMAT = 1  # bump when the cached arrays change meaning


class DatasetUnavailableError(RuntimeError):
    """A data set is neither cached on this machine nor downloadable right now."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train / validation / test arrays (read-only) and the names of the classes.

    The arrays are shared between callers (loaders cache them), so they are read-only:
    write `x = (x - mean) / std`, not `x -= mean`.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    def __repr__(self):
        return (f"Dataset(train={self.x_train.shape}, val={self.x_val.shape}, "
                f"test={self.x_test.shape}, {self.x_train.dtype}, "
                f"{len(self.class_names)} classes)")


def _check_int(name, value, low, high=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < low or (high is not None and value > high):
        allowed = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {allowed}, got {value}")


# ---------------------------------------------------------------- MNIST-1D

def load_mnist1d(num_samples=5000, validation_fraction=0.2, seed=42):
    """MNIST-1D generated locally: x float32 of shape (n, 40), y int64 in 0..9.

    mnist1d makes `num_samples` signals (a multiple of 10: the same number per digit) and
    keeps 80 % for training and 20 % for testing. A seeded permutation then moves
    `validation_fraction` of the training part into the validation split. With the
    defaults: 3200 train, 800 validation, 1000 test.

    mnist1d already scales the whole set (test included) to mean 0 and standard deviation 1,
    one scalar for all 40 positions; no per-feature standardisation is done here.

    The same arguments always give the same arrays. Results are cached in this process and
    on disk (`$LAB_CACHE_DIR`, default `~/.cache/lab`), since generation takes seconds.
    """
    _check_int("num_samples", num_samples, 10)
    if num_samples % 10:
        raise ValueError(f"num_samples must be a multiple of 10 (one tenth per digit), "
                         f"got {num_samples}")
    if isinstance(validation_fraction, bool) or not isinstance(validation_fraction, numbers.Real):
        raise TypeError(f"validation_fraction must be a float, "
                        f"got {type(validation_fraction).__name__}")
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must be in (0, 1), got {validation_fraction}")
    _check_int("seed", seed, 0, 2**32 - 1)
    num_train = int(num_samples * MNIST1D_TRAIN_SPLIT)
    num_val = round(validation_fraction * num_train)
    if not 0 < num_val < num_train:
        raise ValueError(f"validation_fraction={validation_fraction} leaves an empty split "
                         f"of the {num_train} training samples; use more samples")
    return _split_mnist1d(num_samples, float(validation_fraction), seed)


@functools.lru_cache(maxsize=8)
def _split_mnist1d(num_samples, validation_fraction, seed):
    x_train_full, y_train_full, x_test, y_test = _mnist1d_arrays(num_samples, seed)
    order = np.random.default_rng(seed).permutation(len(y_train_full))
    num_val = round(validation_fraction * len(y_train_full))
    val, train = order[:num_val], order[num_val:]
    return Dataset(x_train_full[train], y_train_full[train],
                   x_train_full[val], y_train_full[val],
                   x_test, y_test, MNIST1D_CLASS_NAMES)


def _mnist1d_arrays(num_samples, seed):
    """(x_train, y_train, x_test, y_test) from the disk cache, else freshly generated."""
    version = importlib.metadata.version("mnist1d")
    path = os.path.join(_cache_dir(),
                        f"mnist1d-{version}-n{num_samples}-seed{seed}-v{_CACHE_FORMAT}.npz")
    try:
        with np.load(path) as cached:
            return tuple(cached[key] for key in ("x_train", "y_train", "x_test", "y_test"))
    except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile):  # missing or damaged
        pass
    arrays = _generate_mnist1d(num_samples, seed)
    _save_atomically(path, dict(zip(("x_train", "y_train", "x_test", "y_test"), arrays)))
    return arrays


def _generate_mnist1d(num_samples, seed):
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.num_samples = num_samples
    args.seed = seed
    # make_dataset reseeds Python's and NumPy's global generators; give the caller
    # (who may have called lab.setup(seed=...)) their random streams back untouched.
    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        made = make_dataset(args)
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
    return (made["x"].astype(np.float32), made["y"].astype(np.int64),
            made["x_test"].astype(np.float32), made["y_test"].astype(np.int64))


def _cache_dir():
    return os.environ.get("LAB_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "lab")


def _save_atomically(path, arrays):
    """Write to a temporary file in the same folder, then rename: a reader never sees a
    half-written file, even with two notebooks running at once. A cache that cannot be
    written (read-only home, full disk) is skipped, not fatal."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".npz.part")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
        os.replace(temporary, path)
    except OSError:
        if os.path.exists(temporary):
            os.remove(temporary)


# ---------------------------------------------------------------- Fashion-MNIST

def load_fashion_mnist(validation_size=5000):
    """Fashion-MNIST (Xiao et al., 2017): x float32 in [0, 1] of shape (n, 28, 28), y in 0..9.

    The last `validation_size` of Keras' 60 000 training images become the validation set
    (the training set is already shuffled); the 10 000 test images are the test set.

    Keras downloads the files once into `~/.keras/datasets/fashion-mnist` (or
    `$KERAS_HOME/datasets`). Without them and without internet this raises
    `DatasetUnavailableError` at once instead of retrying.
    """
    _check_int("validation_size", validation_size, 1, 59_999)
    if not _fashion_mnist_cached() and not _can_reach(*_FASHION_MNIST_HOST):
        raise DatasetUnavailableError(_unavailable_message(
            f"it is not cached and {_FASHION_MNIST_HOST[0]} cannot be reached"))
    try:
        (x_train_full, y_train_full), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    except Exception as error:  # download or cache failures of any kind
        raise DatasetUnavailableError(_unavailable_message(f"{type(error).__name__}: {error}")) from error
    return _split_and_scale(x_train_full, y_train_full, x_test, y_test,
                            validation_size, FASHION_MNIST_CLASS_NAMES)


def _split_and_scale(x_train_full, y_train_full, x_test, y_test, validation_size, class_names):
    """Hold out the last `validation_size` training images; scale uint8 pixels to [0, 1]."""
    if not 0 < validation_size < len(x_train_full):
        raise ValueError(f"validation_size must be in [1, {len(x_train_full) - 1}], "
                         f"got {validation_size}")

    def scale(images):
        return np.asarray(images, np.float32) / np.float32(255)

    def labels(y):
        return np.array(y, np.int64)  # a copy: Dataset makes its arrays read-only

    return Dataset(scale(x_train_full[:-validation_size]), labels(y_train_full[:-validation_size]),
                   scale(x_train_full[-validation_size:]), labels(y_train_full[-validation_size:]),
                   scale(x_test), labels(y_test), tuple(class_names))


def _keras_dataset_dirs():
    """Where Keras may keep its downloads: $KERAS_HOME or ~/.keras, and /tmp/.keras, its
    fallback when the home folder is read-only."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return [os.path.join(base, "datasets", "fashion-mnist")
            for base in (home, os.path.join(tempfile.gettempdir(), ".keras"))]


def _fashion_mnist_cached():
    return any(all(os.path.exists(os.path.join(folder, name)) for name in _FASHION_MNIST_FILES)
               for folder in _keras_dataset_dirs())


def _can_reach(host, port, timeout=3.0):
    """True if a TCP connection to host:port opens within `timeout` seconds.

    A DNS lookup ignores socket timeouts (it can hang for ~20 s on a machine with a
    resolver but no route), so the attempt runs in a daemon thread that we stop waiting for.
    """
    reached = threading.Event()

    def attempt():
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            reached.set()
        except OSError:
            pass

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout)
    return reached.is_set()


def _unavailable_message(reason):
    return (f"Fashion-MNIST is unavailable ({reason}). It must be downloaded once with "
            f"internet access: run lab.data.load_fashion_mnist() online and Keras caches the "
            f"files in {_keras_dataset_dirs()[0]} (~/.keras/datasets by default). "
            f"Or use lab.data.load_mnist1d(), which is generated locally and needs no download.")
