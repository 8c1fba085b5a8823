"""Autosave cost (app/recovery.py): the snapshot the GUI thread takes (a copy of the network)
against what the worker thread does with it: serializing (json with an indent, in Python) and
writing (atomic_write: temporary file, fsync, rename, folder fsync; an fsync waits for the disk,
unboundedly on a busy one).  Medians of 7 runs, in a temporary folder on the machine's disk.
"""
from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from nnsim.engine import Network
from nnsim.engine.atomic_write import write_text_atomic
from nnsim.engine.fileformat import document_to_dict
from nnsim.engine.setup import Setup

NETWORKS = {
    "perceptron 2-1": lambda: Network.layered([2, 1]),
    "MLP 2-8-8-1": lambda: Network.layered([2, 8, 8, 1], seed=0),
    "Hopfield 64 (4,032 synapses)": lambda: Network.hopfield(64),
    "MLP 64-128-64-10 (17,024 synapses)": lambda: Network.layered([64, 128, 64, 10], seed=0),
}


def _median(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run() -> None:
    folder = Path(tempfile.mkdtemp(prefix="nnsim-bench-autosave-", dir=Path.home()))
    target = folder / "recovery.json"
    print(f"{'network':36} {'copy (GUI)':>11} {'serialize (worker)':>19} {'write (worker)':>15} "
          f"{'size':>8}")
    for name, make in NETWORKS.items():
        net, setup = make(), Setup()

        def serialize(net=net, setup=setup) -> str:
            data = {"saved_at": time.time(), "path": None, "network": document_to_dict(net, setup)}
            return json.dumps(data, indent=1, allow_nan=False) + "\n"

        text = serialize()
        c = _median(net.copy)
        s = _median(serialize)
        w = _median(lambda text=text: write_text_atomic(text, target))
        print(f"{name:36} {c * 1000:8.2f} ms {s * 1000:16.2f} ms {w * 1000:12.2f} ms "
              f"{len(text) / 1024:5.0f} KB")
    target.unlink()
    folder.rmdir()


if __name__ == "__main__":
    run()
