"""Feed-forward networks as large as a file may hold (issue 12), and small ones as fast as before.

Small networks: CompiledNetwork forward passes and decision maps per second on the default
layout (matrices) and on synapse arrays (dense=False) side by side, with the nanoseconds per
unit of CompiledNetwork.work_per_point, which is what regions.MAP_WORK is calibrated in.

Large networks: the four files of tests/engine/test_large_feedforward.py (50,000 neurons, up to
150,000 synapses: 500 -> 49,490 units; a 24,990 -> 24,990 chain; two-input variants drawn as a
decision map), each loaded in a capped child, built into a Simulation, stepped 10 times and
snapshotted: CPU seconds and memory peak of each phase, and the decision map's side.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np


def _rate(fn, seconds: float = 0.4) -> float:
    """Calls per CPU second of fn, the best of 3 runs of ~seconds/3 each."""
    best = 0.0
    for _ in range(3):
        count, start = 0, time.process_time()
        while time.process_time() - start < seconds / 3 or count == 0:
            fn()
            count += 1
        best = max(best, count / max(time.process_time() - start, 1e-9))
    return best


def small_networks() -> None:
    from nnsim.engine import Network
    from nnsim.engine.compiled import CompiledNetwork
    from nnsim.engine.regions import decision_map

    print("  small networks: calls per CPU second, matrices (default) vs synapse arrays")
    cases = {"2-16-1": Network.layered([2, 16, 1], ["relu", "sigmoid"], seed=0),
             "2-4-2-1": Network.layered([2, 4, 2, 1], ["tanh", "tanh", "sigmoid"], seed=1),
             "8-128-1 step": Network.layered([8, 128, 1], ["step", "step"], seed=0),
             "2-200-200-1": Network.layered([2, 200, 200, 1], ["tanh", "tanh", "sigmoid"], seed=0)}
    rng = np.random.default_rng(0)
    for label, net in cases.items():
        x1 = np.zeros((1, len(net.inputs)))
        xb = rng.normal(size=(1000, len(net.inputs)))
        line = f"    {label:14s}"
        for dense in (True, False):
            c = CompiledNetwork(net, dense=dense)
            one = _rate(lambda c=c, x1=x1: c.forward_full(x1))
            batch = _rate(lambda c=c, xb=xb: c.forward(xb))
            ns = 1e9 / batch / 1000 / c.work_per_point
            line += (f"  {'matrices' if dense else 'synapses'}: forward_full(1) {one:>8,.0f}/s "
                     f"forward(1000) {batch:>7,.0f}/s ({ns:.2f} ns/unit)")
        if len(net.inputs) == 2:
            line += f"  decision_map(200) {_rate(lambda net=net: decision_map(net)):6.1f}/s"
        print(line, flush=True)


def large_networks() -> None:
    from tests.bounded import run_each
    from tests.engine.test_large_feedforward import files_at_the_caps

    print("  large feed-forward files (a capped child each, +500 MB): CPU s and peak MB")
    with tempfile.TemporaryDirectory() as folder:
        files = files_at_the_caps(Path(folder))
        for name, path in files.items():
            args = [[path, "load"], [path, "simulate"], [path, "map"]]
            results = run_each("benchmarks.bench_large_feedforward:_phase", args, memory_mb=500)
            load, simulate, side = results
            if simulate["error"]:
                print(f"    {name:7s}: {simulate['error']}: {simulate['message']}")
                continue
            print(f"    {name:7s}: load {load['cpu']:.2f} s (+{load['peak_mb']:.0f} MB); Simulation + "
                  f"10 steps + snapshot {simulate['cpu']:.2f} s (+{simulate['peak_mb']:.0f} MB)"
                  f"{side['message'] or ''}", flush=True)


_LOADED: dict = {}


def _phase(path: str, phase: str) -> None:
    """Run in the child (tests/bounded.run_each): "load", "simulate", then "map", which reports
    the decision map's side as its message."""
    from nnsim.engine.fileformat import load_network
    from nnsim.engine.simulation import Simulation

    if phase == "load":
        _LOADED[path] = load_network(path)
    elif phase == "simulate":
        sim = Simulation(_LOADED[path], seed=0)
        sim.step(10)
        _LOADED[path] = sim.snapshot()
    else:
        snap = _LOADED.pop(path)
        if snap.decision is not None:
            raise RuntimeError(f"; decision map {snap.decision.grid.shape[0]} x "
                               f"{snap.decision.grid.shape[1]}")


def run() -> None:
    small_networks()
    large_networks()


if __name__ == "__main__":
    run()
