"""The lecture's Keras example, in nnsim.

    model = tf.keras.Sequential([Input(shape=(2,)), Dense(16, activation='relu'),
                                 Dense(1, activation='sigmoid')])
    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=10, batch_size=32, validation_data=(x_test, y_test))

`load_data()` here makes two noisy Gaussian blobs with numpy (seeded): 1000 training and 500 test
points.  `load_data(shape="moons")` gives two interleaved half moons instead, which this small
model needs about 100 epochs at Adam's default rate to separate (0.86 after 10, 0.99 after 100).
Run:  python examples/keras_snippet.py
"""
from __future__ import annotations

import numpy as np

from nnsim.engine import rules
from nnsim.engine.network import Network


def load_data(n_train: int = 1000, n_test: int = 500, shape: str = "blobs", seed: int = 0):
    """((x_train, y_train), (x_test, y_test)) of a two-class problem in the plane."""
    rng = np.random.default_rng(seed)
    n = n_train + n_test
    label = rng.integers(0, 2, n)
    if shape == "blobs":  # centres (-1, -1) and (1, 1), standard deviation 0.6
        X = np.where(label[:, None] == 0, -1.0, 1.0) + rng.normal(0.0, 0.6, (n, 2))
    elif shape == "moons":
        t = rng.uniform(0.0, np.pi, n)
        x = np.where(label == 0, np.cos(t), 1.0 - np.cos(t))
        y = np.where(label == 0, np.sin(t), 0.5 - np.sin(t))
        X = np.stack([x, y], axis=1) + rng.normal(0.0, 0.1, (n, 2))
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    else:
        raise ValueError(f"shape must be 'blobs' or 'moons', not {shape!r}")
    y = label.astype(float)
    return (X[:n_train], y[:n_train]), (X[n_train:], y[n_train:])


def main(epochs: int = 10, shape: str = "blobs", seed: int = 0, verbose: bool = True):
    """Train as model.fit does, printing Keras' per-epoch line; returns the trainer."""
    (x_train, y_train), (x_test, y_test) = load_data(shape=shape, seed=seed)
    model = Network.layered([2, 16, 1], ["relu", "sigmoid"], seed=seed)
    rule = rules.Backprop(optimizer="adam", loss="binary_crossentropy", batch_size=32)
    trainer = rule.trainer(model, (x_train, y_train), seed=seed, validation=(x_test, y_test))
    h = trainer.history
    for epoch in range(epochs):
        trainer.run_epoch()
        if verbose:
            print(f"Epoch {epoch + 1}/{epochs}")
            print(f"{trainer.steps_per_epoch}/{trainer.steps_per_epoch} - loss: {h.loss[-1]:.4f} "
                  f"- accuracy: {h.accuracy[-1]:.4f} - val_loss: {h.val_loss[-1]:.4f} "
                  f"- val_accuracy: {h.val_accuracy[-1]:.4f}")
    return trainer


if __name__ == "__main__":
    main()
