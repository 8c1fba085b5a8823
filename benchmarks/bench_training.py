"""Training throughput on the lecture's Keras task (issue 3), side by side with peers.

2 -> 16 relu -> 1 sigmoid, Adam (lr 0.001), binary cross-entropy, batch 32, 1,000 points, shuffled
every epoch.  Peers in the same run: scikit-learn's MLPClassifier (same architecture, solver, batch
and epochs) and, when installed, PyTorch on one thread.  Targets: >= 3x scikit-learn and >= 8x
PyTorch.  Also the single-sample rules' steps per second, which bound how fast the app can animate.
"""
from __future__ import annotations

import time
import warnings

import numpy as np

from nnsim.engine import Network, rules

N, EPOCHS, BATCH, REPEATS = 1000, 20, 32, 5


def moons(n: int = N, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    t = rng.uniform(0.0, np.pi, n)
    x = np.where(label == 0, np.cos(t), 1.0 - np.cos(t))
    y = np.where(label == 0, np.sin(t), 0.5 - np.sin(t))
    return np.stack([x, y], axis=1) + rng.normal(0.0, 0.1, (n, 2)), label.astype(float)


def median_time(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def nnsim_fit(X, y) -> float:
    net = Network.layered([2, 16, 1], ["relu", "sigmoid"], seed=0)
    rule = rules.Backprop(optimizer="adam", loss="binary_crossentropy", batch_size=BATCH)

    def fit():
        rule.trainer(net, (X, y), seed=0).run(EPOCHS)

    return median_time(fit)


def sklearn_fit(X, y) -> float | None:
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        print("scikit-learn is not installed: skipping it")
        return None

    def fit():
        clf = MLPClassifier(hidden_layer_sizes=(16,), activation="relu", solver="adam",
                            batch_size=BATCH, max_iter=EPOCHS, tol=0.0, n_iter_no_change=10**9,
                            alpha=0.0, shuffle=True, random_state=0, epsilon=1e-7)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
        assert clf.n_iter_ == EPOCHS

    return median_time(fit)


def torch_fit(X, y) -> float | None:
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: skipping it (pip install torch to compare)")
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    Xt = torch.tensor(X, dtype=torch.float32)
    yt = torch.tensor(y[:, None], dtype=torch.float32)

    def fit():
        model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        for _ in range(EPOCHS):
            order = torch.randperm(N)
            for start in range(0, N, BATCH):
                idx = order[start:start + BATCH]
                opt.zero_grad()
                loss = loss_fn(model(Xt[idx]), yt[idx])
                loss.backward()
                opt.step()

    return median_time(fit)


def single_sample_rules() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 2))
    cases = [
        ("Hebb (2 -> 1 linear)", rules.Hebb(1e-6), Network.layered([2, 1], "linear"), X),
        ("Oja (2 -> 1 linear)", rules.Oja(1e-3), Network.layered([2, 1], "linear"), X),
        ("Perceptron (2 -> 1 step, XOR clouds)", rules.Perceptron(0.1),
         Network.layered([2, 1], "step"), (X, (X[:, 0] * X[:, 1] > 0).astype(float))),
        ("Delta (2 -> 1 sigmoid)", rules.Delta(0.5), Network.layered([2, 1], "sigmoid"),
         (X, (X[:, 0] > 0).astype(float))),
    ]
    for label, rule, net, data in cases:
        trainer = rule.trainer(net, data, seed=0)
        start = time.perf_counter()
        trainer.run(5)
        elapsed = time.perf_counter() - start
        print(f"{label:40s} {trainer.history.steps / elapsed:12,.0f} steps/s")


def run() -> None:
    X, y = moons()
    samples = N * EPOCHS
    print(f"Keras task: 2-16(relu)-1(sigmoid), adam, binary cross-entropy, batch {BATCH}, "
          f"{N} points, {EPOCHS} epochs, median of {REPEATS}")
    ours = nnsim_fit(X, y)
    print(f"{'nnsim':14s} {samples / ours:12,.0f} samples/s ({ours * 1e3:.1f} ms per fit)")
    for name, fit, target in (("scikit-learn", sklearn_fit, 3.0), ("PyTorch (1 thread)", torch_fit,
                                                                    8.0)):
        theirs = fit(X, y)
        if theirs is None:
            continue
        ratio = theirs / ours
        print(f"{name:14s} {samples / theirs:12,.0f} samples/s ({theirs * 1e3:.1f} ms per fit)"
              f" -> nnsim is {ratio:.1f}x (target >= {target:g}x: "
              f"{'met' if ratio >= target else 'MISSED'})")
    single_sample_rules()
