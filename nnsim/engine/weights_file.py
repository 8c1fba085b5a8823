"""Weights to a NumPy .npz file and back.

The .npz holds plain numeric and string arrays only (no pickle), so anyone can read it with
`np.load`.  Per-layer matrices ("layer1/weights" of shape (sources, targets), "layer1/biases")
follow `CompiledNetwork`'s layers for feed-forward networks; the graph arrays ("neuron_names",
"neuron_biases", "synapse_sources", "synapse_targets", "synapse_weights") describe any network,
loops included, and are what `apply_weights` reads back.  Writes are atomic.
"""
from __future__ import annotations

import os
import zipfile

import numpy as np

from .fileformat import atomic_file
from .network import Network

FORMAT = "nnsim-weights"
VERSION = 1
GRAPH_KEYS = ("neuron_names", "neuron_biases", "synapse_sources", "synapse_targets",
              "synapse_weights")


def weights_arrays(net: Network) -> dict[str, np.ndarray]:
    """The arrays `save_weights_npz` writes."""
    names = {n.id: n.name for n in net.neurons}
    syn = net.synapses
    out = {
        "format": np.array(FORMAT),
        "version": np.array(VERSION),
        "neuron_names": np.array([n.name for n in net.neurons], dtype=str),
        "neuron_biases": net.bias_vector(),
        "synapse_sources": np.array([names[s.source] for s in syn], dtype=str),
        "synapse_targets": np.array([names[s.target] for s in syn], dtype=str),
        "synapse_weights": np.array([s.weight for s in syn], dtype=float),
    }
    if net.is_feedforward:
        compiled = net.compile()
        for k, layer in enumerate(compiled.layers, start=1):
            out[f"layer{k}/weights"] = layer.weights.copy()
            out[f"layer{k}/biases"] = layer.biases.copy()
            out[f"layer{k}/sources"] = np.array([names[i] for i in layer.source_ids], dtype=str)
            out[f"layer{k}/targets"] = np.array([names[i] for i in layer.target_ids], dtype=str)
    return out


def save_weights_npz(net: Network, path: str | os.PathLike) -> None:
    """Write the weights atomically: a failed write never leaves half a file or loses the old one."""
    with atomic_file(path, "wb") as fh:
        np.savez(fh, **weights_arrays(net))  # a file object: numpy adds no ".npz" suffix


def load_weights_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read and check a weights file; raises ValueError naming the file and what is wrong."""
    where = str(path)
    try:
        with open(path, "rb") as fh:
            magic = fh.read(6)
        if magic == b"\x93NUMPY":
            raise ValueError(f"{where}: a single NumPy array (.npy), not an nnsim weights file")
        if not magic.startswith(b"PK"):  # np.load would try to unpickle anything else
            raise ValueError(f"{where}: not an .npz file (NumPy's zip archive of arrays)")
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except FileNotFoundError:
        raise ValueError(f"{where}: no such file") from None
    except ValueError as exc:
        if str(exc).startswith(where):
            raise
        raise ValueError(f"{where}: not a readable nnsim weights file ({exc})") from None
    except (OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(f"{where}: not a readable nnsim weights file ({exc})") from None
    _check_arrays(arrays, where)
    return arrays


def _check_arrays(arrays: dict[str, np.ndarray], where: str) -> None:
    def bad(msg: str) -> ValueError:
        return ValueError(f"{where}: {msg}")

    if "format" not in arrays or str(arrays["format"]) != FORMAT:
        raise bad(f"not an nnsim weights file (no format={FORMAT!r} entry)")
    if int(arrays.get("version", -1)) > VERSION:
        raise bad(f"written by a newer nnsim (version {int(arrays['version'])}); update nnsim")
    missing = [k for k in GRAPH_KEYS if k not in arrays]
    if missing:
        raise bad(f"missing {', '.join(missing)}")
    for key in ("neuron_names", "synapse_sources", "synapse_targets"):
        if arrays[key].dtype.kind != "U" or arrays[key].ndim != 1:
            raise bad(f"{key} must be a 1-D array of strings")
    for key in ("neuron_biases", "synapse_weights"):
        a = arrays[key]
        if a.dtype.kind not in "fiu" or a.ndim != 1 or not np.all(np.isfinite(a)):
            raise bad(f"{key} must be a 1-D array of finite numbers")
    if len(arrays["neuron_biases"]) != len(arrays["neuron_names"]):
        raise bad("neuron_biases and neuron_names differ in length")
    n_syn = {len(arrays[k]) for k in ("synapse_sources", "synapse_targets", "synapse_weights")}
    if len(n_syn) != 1:
        raise bad("synapse_sources, synapse_targets and synapse_weights differ in length")


def apply_weights(net: Network, arrays: dict[str, np.ndarray]) -> None:
    """Store loaded weights and biases into `net`, which must have the same neurons and synapses
    (matched by name).  Nothing changes unless everything matches."""
    names = arrays["neuron_names"].tolist()
    if sorted(names) != sorted(net.names):
        extra, lacking = sorted(set(names) - set(net.names)), sorted(set(net.names) - set(names))
        raise ValueError(f"the weights are for other neurons (file only: {extra[:5]}, "
                         f"network only: {lacking[:5]})")
    index = {name: net.index_of(name) for name in net.names}
    w = net.weight_matrix()
    drawn = {(net.neuron(s.source).name, net.neuron(s.target).name) for s in net.synapses}
    stored = set(zip(arrays["synapse_sources"].tolist(), arrays["synapse_targets"].tolist()))
    if drawn != stored:
        diff = sorted(drawn ^ stored)[:3]
        raise ValueError(f"the weights are for other synapses ({len(drawn ^ stored)} differ, "
                         f"e.g. {', '.join(f'{a} -> {b}' for a, b in diff)})")
    for a, b, weight in zip(arrays["synapse_sources"].tolist(), arrays["synapse_targets"].tolist(),
                            arrays["synapse_weights"].tolist()):
        w[index[a], index[b]] = weight
    biases = np.empty(len(names))
    for name, bias in zip(names, arrays["neuron_biases"].tolist()):
        biases[index[name]] = bias
    net.set_weight_matrix(w, biases)
