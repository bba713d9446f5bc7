import os
import random
import socket
import time

import numpy as np
import pytest

from lab import data

SMALL = 500  # samples: enough to check the logic, quick to generate


def test_mnist1d_default_splits(tmp_path):
    dataset = data.load_mnist1d()
    assert dataset.x_train.shape == (3200, 40)
    assert dataset.x_val.shape == (800, 40)
    assert dataset.x_test.shape == (1000, 40)
    assert [len(y) for y in (dataset.y_train, dataset.y_val, dataset.y_test)] == [3200, 800, 1000]
    for x in (dataset.x_train, dataset.x_val, dataset.x_test):
        assert x.dtype == np.float32
    for y in (dataset.y_train, dataset.y_val, dataset.y_test):
        assert y.dtype == np.int64
        assert set(np.unique(y)) == set(range(10))
    assert dataset.class_names == tuple("0123456789")
    assert "train=(3200, 40)" in repr(dataset)


def test_train_split_is_mnist1ds():
    from mnist1d.data import get_dataset_args

    assert data.MNIST1D_TRAIN_SPLIT == get_dataset_args().train_split


def test_mnist1d_validation_is_a_seeded_split_of_the_training_part():
    dataset = data.load_mnist1d(SMALL, validation_fraction=0.25, seed=3)
    x_train_full, y_train_full, x_test, _ = data._mnist1d_arrays(SMALL, 3)
    assert len(dataset.y_val) == 100 and len(dataset.y_train) == 300
    rejoined = np.concatenate([dataset.x_train, dataset.x_val])
    np.testing.assert_array_equal(np.unique(rejoined, axis=0), np.unique(x_train_full, axis=0))
    np.testing.assert_array_equal(dataset.x_test, x_test)
    order = np.random.default_rng(3).permutation(len(y_train_full))
    np.testing.assert_array_equal(dataset.x_val, x_train_full[order[:100]])


def test_mnist1d_is_deterministic_and_depends_on_the_seed():
    first = data.load_mnist1d(SMALL, seed=1)
    data._split_mnist1d.cache_clear()
    fresh = data._generate_mnist1d(SMALL, 1)  # no cache of any kind
    again = data.load_mnist1d(SMALL, seed=1)  # from the disk cache
    assert again is not first
    for ours, theirs in zip(fresh, data._mnist1d_arrays(SMALL, 1)):
        np.testing.assert_array_equal(ours, theirs)
    for name in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
    other = data.load_mnist1d(SMALL, seed=2)
    assert not np.array_equal(first.x_train, other.x_train)
    assert data.load_mnist1d(SMALL, seed=1) is again  # in-process cache


def test_mnist1d_leaves_the_global_random_state_alone():
    random.seed(123)
    np.random.seed(123)
    data._generate_mnist1d(20, 5)
    assert random.random() == random.Random(123).random()
    assert np.random.rand() == np.random.RandomState(123).rand()


@pytest.mark.parametrize("damage", [lambda good: b"not an npz file", lambda good: good[:len(good) // 2]])
def test_mnist1d_disk_cache_is_written_atomically_and_survives_damage(lab_cache_dir, damage):
    data._mnist1d_arrays(SMALL, 11)
    [path] = [p for p in lab_cache_dir.iterdir() if "n500-seed11" in p.name]
    assert not [p for p in lab_cache_dir.iterdir() if p.name.endswith(".part")]
    path.write_bytes(damage(path.read_bytes()))
    x_train, *_ = data._mnist1d_arrays(SMALL, 11)  # regenerates and rewrites
    assert x_train.shape == (400, 40)
    with np.load(path) as cached:
        np.testing.assert_array_equal(cached["x_train"], x_train)


def test_mnist1d_without_a_writable_cache(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("LAB_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    x_train, *_ = data._mnist1d_arrays(20, 12)
    assert x_train.shape == (16, 40)


def test_mnist1d_arrays_are_read_only():
    dataset = data.load_mnist1d(SMALL)
    with pytest.raises(ValueError, match="read-only"):
        dataset.x_train -= 1.0


def test_mnist1d_more_samples():
    dataset = data.load_mnist1d(num_samples=20000)
    assert (len(dataset.y_train), len(dataset.y_val), len(dataset.y_test)) == (12800, 3200, 4000)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"num_samples": 55}, ValueError, "multiple of 10"),
    ({"num_samples": 0}, ValueError, "num_samples"),
    ({"num_samples": 100.0}, TypeError, "num_samples"),
    ({"num_samples": True}, TypeError, "num_samples"),
    ({"validation_fraction": 0}, ValueError, r"validation_fraction must be in \(0, 1\)"),
    ({"validation_fraction": 1.0}, ValueError, "validation_fraction"),
    ({"validation_fraction": "0.2"}, TypeError, "validation_fraction"),
    ({"num_samples": 10, "validation_fraction": 0.01}, ValueError, "empty split"),
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": 1.5}, TypeError, "seed"),
])
def test_mnist1d_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.load_mnist1d(**kwargs)


# ---------------------------------------------------------------- Fashion-MNIST

def synthetic_images(n, seed):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, size=n, dtype=np.uint8))


def test_split_and_scale():
    x_full, y_full = synthetic_images(50, 0)
    x_full[0, 0, 0], x_full[0, 0, 1] = 0, 255
    x_test, y_test = synthetic_images(8, 1)
    dataset = data._split_and_scale(x_full, y_full, x_test, y_test, 10, ("a",) * 10)
    assert dataset.x_train.shape == (40, 28, 28) and dataset.x_val.shape == (10, 28, 28)
    assert dataset.x_test.shape == (8, 28, 28)
    for x in (dataset.x_train, dataset.x_val, dataset.x_test):
        assert x.dtype == np.float32 and 0.0 <= x.min() and x.max() <= 1.0
    assert dataset.x_train[0, 0, 0] == 0.0 and dataset.x_train[0, 0, 1] == 1.0
    np.testing.assert_allclose(dataset.x_val, x_full[-10:] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(dataset.y_val, y_full[-10:])
    np.testing.assert_array_equal(dataset.y_train, y_full[:-10])
    assert dataset.y_train.dtype == np.int64
    with pytest.raises(ValueError, match="validation_size"):
        data._split_and_scale(x_full, y_full, x_test, y_test, 50, ("a",) * 10)


def test_fashion_mnist_when_keras_provides_the_files(monkeypatch):
    train, test = synthetic_images(100, 2), synthetic_images(20, 3)
    monkeypatch.setattr(data, "_fashion_mnist_cached", lambda: True)
    monkeypatch.setattr(data.keras.datasets.fashion_mnist, "load_data", lambda: (train, test))
    dataset = data.load_fashion_mnist(validation_size=30)
    assert (len(dataset.y_train), len(dataset.y_val), len(dataset.y_test)) == (70, 30, 20)
    assert dataset.class_names == data.FASHION_MNIST_CLASS_NAMES
    assert dataset.class_names[9] == "Ankle boot"


def never_download():
    raise AssertionError("must not try to download")


def assert_helpful(error):
    message = str(error)
    assert "downloaded once with internet access" in message
    assert os.path.join("datasets", "fashion-mnist") in message
    assert "~/.keras/datasets" in message
    assert "load_mnist1d()" in message


def test_fashion_mnist_offline_fails_fast(monkeypatch):
    def no_network(*args, **kwargs):
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(data, "_fashion_mnist_cached", lambda: False)
    monkeypatch.setattr(data.socket, "create_connection", no_network)
    monkeypatch.setattr(data.keras.datasets.fashion_mnist, "load_data", never_download)
    start = time.perf_counter()
    with pytest.raises(data.DatasetUnavailableError) as caught:
        data.load_fashion_mnist()
    assert time.perf_counter() - start < 5
    assert isinstance(caught.value, RuntimeError)
    assert "cannot be reached" in str(caught.value)
    assert_helpful(caught.value)


def test_fashion_mnist_download_errors_become_dataset_unavailable(monkeypatch):
    def failing_download():
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None")

    monkeypatch.setattr(data, "_fashion_mnist_cached", lambda: False)
    monkeypatch.setattr(data, "_can_reach", lambda host, port: True)
    monkeypatch.setattr(data.keras.datasets.fashion_mnist, "load_data", failing_download)
    with pytest.raises(data.DatasetUnavailableError, match="URL fetch failure") as caught:
        data.load_fashion_mnist()
    assert caught.value.__cause__ is not None
    assert_helpful(caught.value)


def test_can_reach_gives_up_on_a_hanging_lookup(monkeypatch):
    def slow_lookup(*args, **kwargs):
        time.sleep(3)
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(data.socket, "create_connection", slow_lookup)
    start = time.perf_counter()
    assert data._can_reach("example.invalid", 443, timeout=0.3) is False
    assert time.perf_counter() - start < 2


def test_can_reach_a_local_server():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert data._can_reach("127.0.0.1", port, timeout=2)
    assert not data._can_reach("127.0.0.1", port, timeout=2)  # closed now: refused at once


def test_fashion_mnist_cache_detection(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(data.tempfile, "tempdir", str(tmp_path / "tmp"))
    assert not data._fashion_mnist_cached()
    folder = tmp_path / "keras" / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for name in data._FASHION_MNIST_FILES[:-1]:
        (folder / name).write_bytes(b"")
    assert not data._fashion_mnist_cached()
    (folder / data._FASHION_MNIST_FILES[-1]).write_bytes(b"")
    assert data._fashion_mnist_cached()


@pytest.mark.parametrize("size, error", [(0, ValueError), (60000, ValueError), (5.0, TypeError)])
def test_fashion_mnist_rejects_bad_validation_size(size, error):
    with pytest.raises(error, match="validation_size"):
        data.load_fashion_mnist(validation_size=size)
