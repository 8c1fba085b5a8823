"""Simulating networks as large as a file may hold (issue 12), and small ones as fast as before.

Small networks: Simulation steps per second on the default path (dense matrices up to
dynamics.DENSE_MAX_NEURONS neurons), and one RecurrentStepper step / one Hopfield sweep on the
dense and on the sparse layout side by side, which is where the limit comes from.

Large networks: recurrent (every unit kind, vetoes), feed-forward and symmetric sign Hopfield
networks of 20,000 and 50,000 neurons with 150,000 synapses, each loaded from a file in a child
process, built into a Simulation, stepped 10 times and snapshotted: CPU seconds and memory peak
(VmHWM growth) of each phase.  Dense n x n matrices would need 3 x 8 n^2 bytes (60 GB at 50,000).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
KINDS = ["step", "sign", "linear", "sigmoid", "tanh", "relu", "gaussian", "softmax"]


# ---------------------------------------------------------------------- small networks
def _random_recurrent(n: int, per_unit: int, seed: int = 0):
    from nnsim.engine import Network

    rng = np.random.default_rng(seed)
    net = Network()
    n_in = max(1, n // 20)
    for i in range(n):
        role = "input" if i < n_in else "hidden"
        net.add_neuron(f"n{i}", role=role, activation="linear" if role == "input" else KINDS[i % 8],
                       value=float(rng.normal()), bias=float(rng.normal()))
    for b in range(n_in, n):
        for a in rng.choice(n, min(per_unit, n), replace=False).tolist():
            net.connect(a, b, float(rng.normal()), "inhibitory" if rng.random() < 0.02 else "excitatory")
    return net


def _hopfield(n: int, density: float, seed: int = 0):
    from nnsim.engine import Network

    rng = np.random.default_rng(seed)
    net = Network()
    for i in range(n):
        net.add_neuron(f"u{i}", activation="sign")
    for a in range(n):
        for b in range(a + 1, n):
            if rng.random() < density:
                w = float(rng.normal())
                net.connect(a, b, w)
                net.connect(b, a, w)
    return net


def _latch():
    from nnsim.engine import Network

    net = Network()
    net.add_neuron("set", role="input", value=1.0)
    net.add_neuron("reset", role="input")
    net.add_neuron("m", activation="step", bias=-0.5)
    net.connect("set", "m", 1.0)
    net.connect("m", "m", 1.0)
    net.connect("reset", "m", 1.0, kind="inhibitory")
    return net


def _rate(fn, seconds: float = 0.4) -> float:
    """Calls per second of fn, the best of 3 runs of ~seconds/3 each."""
    best = 0.0
    for _ in range(3):
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            fn()
            count += 1
        best = max(best, count / (time.perf_counter() - start))
    return best


def small_networks() -> None:
    from nnsim.engine import dynamics
    from nnsim.engine.simulation import Simulation

    cases = [("latch, 3 neurons", _latch()),
             ("recurrent, 100 neurons x 10 synapses", _random_recurrent(100, 10)),
             ("recurrent, 1,000 neurons x 10 synapses", _random_recurrent(1000, 10)),
             ("Hopfield, 100 sign units, all joined", _hopfield(100, 1.0)),
             ("Hopfield, 400 sign units, 10% joined", _hopfield(400, 0.1))]
    sparse_ok = hasattr(dynamics, "SynapseRows")
    print("  small networks: Simulation steps/s (default path)"
          + ("; one step or sweep, dense vs sparse layout" if sparse_ok else ""))
    for label, net in cases:
        sim = Simulation(net, seed=0)
        rate = _rate(lambda sim=sim: sim.step(1) or sim.reset())  # a run that stops starts over
        line = f"    {label:40s} {rate:>9,.0f} steps/s"
        if sparse_ok:
            layouts = {}
            for dense in (True, False):
                stepper = dynamics.RecurrentStepper(net, dense=dense)
                if sim._hopfield:
                    rows = stepper.rows if dense else dynamics.SynapseRows.of(net)
                    b = stepper.biases
                    s0 = np.where(np.random.default_rng(0).random(len(net)) < 0.5, 1.0, -1.0)
                    order = np.random.default_rng(1).permutation(len(net))

                    def sweep(rows=rows, b=b, s0=s0, order=order, dense=dense):
                        s = s0.copy()
                        field = (s @ rows if dense else rows.left(s)) + b
                        dynamics.async_sweep(rows, b, s, order, field)
                    layouts[dense] = _rate(sweep)
                else:
                    state = np.where(stepper.clamped, stepper.initial_inputs, 0.1)
                    layouts[dense] = _rate(lambda stepper=stepper, state=state: stepper.step(state))
            line += (f"   dense {layouts[True]:>9,.0f}/s  sparse {layouts[False]:>9,.0f}/s "
                     f"(default: {'dense' if sim._stepper.dense else 'sparse'})")
        print(line, flush=True)


# ---------------------------------------------------------------------- large networks
def _write(path: Path, neurons, src, tgt, weights, kinds=None) -> str:
    kinds = kinds or ["excitatory"] * len(src)
    synapses = [{"source": a, "target": b, "weight": w, "kind": k}
                for a, b, w, k in zip(src.tolist(), tgt.tolist(), weights.tolist(), kinds)]
    path.write_text(json.dumps({"format": "nnsim-network", "version": 2, "neurons": neurons,
                                "synapses": synapses}, separators=(",", ":")))
    return str(path)


def _pairs(rng, n_sources, n_from, n, count):
    keys = np.unique(rng.integers(0, n_sources, 2 * count) * n + rng.integers(n_from, n, 2 * count))
    keys = rng.permutation(keys)[:count]
    return keys // n, keys % n


def large_files(folder: Path, n: int, m: int = 150_000) -> dict[str, str]:
    rng = np.random.default_rng(0)
    n_in = 500
    neurons = [{"id": i, "name": f"n{i}", "role": "input" if i < n_in else "hidden",
                "activation": "linear" if i < n_in else KINDS[i % 8],
                "value": float(rng.normal()) if i < n_in else 0.0, "bias": float(rng.normal())}
               for i in range(n)]
    src, tgt = _pairs(rng, n, n_in, n, m)
    veto = ["inhibitory" if v else "excitatory" for v in rng.random(m) < 0.02]
    files = {"recurrent": _write(folder / f"recurrent{n}.json", neurons, src, tgt,
                                 rng.normal(size=m) * 0.5, veto)}
    neurons = [{"id": i, "name": f"n{i}", "role": "input" if i < n_in else "hidden",
                "value": 1.0 if i < n_in else 0.0} for i in range(n)]
    k = np.arange(m)
    files["feed-forward"] = _write(folder / f"ff{n}.json", neurons, k % n_in, n_in + k // n_in,
                                   rng.normal(size=m))
    neurons = [{"id": i, "name": f"u{i}", "activation": "sign"} for i in range(n)]
    a, b = _pairs(rng, n, 0, n, 2 * m)
    keep = a < b
    a, b = a[keep][: m // 2], b[keep][: m // 2]
    w = rng.normal(size=m // 2)
    files["Hopfield"] = _write(folder / f"hopfield{n}.json", neurons, np.r_[a, b], np.r_[b, a],
                               np.r_[w, w])
    return files


_CHILD = """
import json, resource, sys
from nnsim.engine.fileformat import load_network
from nnsim.engine.simulation import Simulation

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

base, t0 = hwm(), cpu()
net = load_network(sys.argv[1])
t1, m1 = cpu(), hwm()
sim = Simulation(net)
sim.step(10)
sim.snapshot(decision=False)
print(json.dumps({"load": t1 - t0, "load_mb": m1 - base, "simulate": cpu() - t1,
                  "peak_mb": hwm() - base}))
"""


def large_networks() -> None:
    print("  large networks (a child each): load, then Simulation + 10 steps + a snapshot")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as folder:
        for n in (20_000, 50_000):
            dense_gb = 3 * 8 * n * n / 1e9
            for kind, path in large_files(Path(folder), n).items():
                proc = subprocess.run([sys.executable, "-c", _CHILD, path], capture_output=True,
                                      text=True, env=env, timeout=600)
                if proc.returncode:
                    print(f"    {kind} {n:,}: failed: {proc.stderr.strip().splitlines()[-1:]}")
                    continue
                r = json.loads(proc.stdout)
                print(f"    {kind:12s} {n:>6,} neurons: load {r['load']:.2f} CPU s (+{r['load_mb']:.0f} MB); "
                      f"simulate {r['simulate']:.2f} CPU s; peak +{r['peak_mb']:.0f} MB "
                      f"(dense matrices: {dense_gb:.0f} GB)", flush=True)


def run() -> None:
    small_networks()
    large_networks()


if __name__ == "__main__":
    run()
