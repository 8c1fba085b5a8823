"""Weights to a NumPy .npz file and back.

The .npz holds plain numeric and string arrays only (no pickle), so anyone can read it with
`np.load`.  Per-layer matrices ("layer1/weights" of shape (sources, targets), "layer1/biases")
follow `CompiledNetwork`'s layers for feed-forward networks whose layers fit as matrices
(compiled.DENSE_MAX_WEIGHTS); the graph arrays ("neuron_names",
"neuron_biases", "synapse_sources", "synapse_targets", "synapse_weights") describe any network,
loops included, and are what `apply_weights` reads back.  Writes are atomic.

Loading reads a regular file of at most MAX_FILE_BYTES (safe_read), checks every array's header
against the bytes stored before NumPy allocates it, and raises WeightsFileError (a ValueError)
naming the file for anything else: see docs/file-format.md, "Limits".
"""
from __future__ import annotations

import io
import math
import os
import zipfile
import zlib

import numpy as np

from .atomic_write import atomic_file
from .network import Network
from .safe_read import MIB, read_limited

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
        compiled = net.compile()  # layers too large for matrices: the graph arrays only
        for k, layer in enumerate(compiled.layers if compiled.dense else (), start=1):
            out[f"layer{k}/weights"] = layer.weights.copy()
            out[f"layer{k}/biases"] = layer.biases.copy()
            out[f"layer{k}/sources"] = np.array([names[i] for i in layer.source_ids], dtype=str)
            out[f"layer{k}/targets"] = np.array([names[i] for i in layer.target_ids], dtype=str)
    return out


def save_weights_npz(net: Network, path: str | os.PathLike) -> None:
    """Write the weights atomically: a failed write never leaves half a file or loses the old one."""
    with atomic_file(path, "wb") as fh:
        np.savez(fh, **weights_arrays(net))  # a file object: numpy adds no ".npz" suffix


class WeightsFileError(ValueError):
    """A file that is not a readable nnsim weights file; the message starts with the file's path
    and says what is wrong.  A ValueError, as this loader always raised."""


MAX_FILE_BYTES = 64 * MIB  # read whole: np.savez stores arrays uncompressed, about this much
MAX_ARRAYS = 10_000  # entries in the archive (4 a layer, 5 for the graph)


def load_weights_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read and check a weights file; raises WeightsFileError (a ValueError) naming the file and
    what is wrong.  The file is read whole (a regular file of at most MAX_FILE_BYTES, never a
    device or a pipe), and each array's header is checked against the bytes the archive holds
    before NumPy allocates it, so no file makes it allocate more than MAX_FILE_BYTES."""
    where = str(path)
    raw = read_limited(path, MAX_FILE_BYTES, WeightsFileError)
    if raw[:6] == b"\x93NUMPY":
        raise WeightsFileError(f"{where}: a single NumPy array (.npy), not an nnsim weights file")
    if not raw.startswith(b"PK"):  # np.load would try to unpickle anything else
        raise WeightsFileError(f"{where}: not an .npz file (NumPy's zip archive of arrays)")
    try:
        _check_archive(io.BytesIO(raw), where)
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except WeightsFileError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError, TypeError,
            NotImplementedError, RuntimeError, zlib.error) as exc:
        raise WeightsFileError(f"{where}: not a readable nnsim weights file ({exc})") from None
    _check_arrays(arrays, where)
    return arrays


def _check_archive(fh: io.BytesIO, where: str) -> None:
    """Refuse an archive whose entries would unpack to more than MAX_FILE_BYTES, hold more than
    MAX_ARRAYS arrays, or whose array headers claim more data than the entry holds (NumPy
    allocates the claimed size before reading)."""
    with zipfile.ZipFile(fh) as archive:
        entries = archive.infolist()
        if len(entries) > MAX_ARRAYS:
            raise WeightsFileError(f"{where}: {len(entries):,} arrays; a weights file holds at "
                                   f"most {MAX_ARRAYS:,}")
        total = sum(e.file_size for e in entries)
        if total > MAX_FILE_BYTES:
            raise WeightsFileError(f"{where}: its arrays unpack to {total:,} bytes, over the limit "
                                   f"of {MAX_FILE_BYTES // MIB} MB")
        for entry in entries:
            with archive.open(entry) as member:
                version = np.lib.format.read_magic(member)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(member)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(member)
                else:
                    raise WeightsFileError(f"{where}: {entry.filename}: NumPy format version "
                                           f"{version} is not read")
            if dtype.hasobject:
                raise WeightsFileError(f"{where}: {entry.filename}: an array of Python objects "
                                       "(pickled), which nnsim never reads")
            count = math.prod(shape)
            if dtype.itemsize == 0 or count * dtype.itemsize > entry.file_size:
                raise WeightsFileError(f"{where}: {entry.filename}: its header claims {count:,} "
                                       f"values of {dtype.itemsize} bytes, more than the "
                                       f"{entry.file_size:,} bytes stored")


def _check_arrays(arrays: dict[str, np.ndarray], where: str) -> None:
    def bad(msg: str) -> WeightsFileError:
        return WeightsFileError(f"{where}: {msg}")

    fmt = arrays.get("format")
    if fmt is None or fmt.dtype.kind != "U" or fmt.ndim != 0 or str(fmt) != FORMAT:
        raise bad(f"not an nnsim weights file (no format={FORMAT!r} entry)")
    version = arrays.get("version", np.array(VERSION))
    if version.ndim != 0 or version.dtype.kind not in "iu":
        raise bad("version must be one integer")
    if int(version) > VERSION:
        raise bad(f"written by a newer nnsim (version {int(version)}); update nnsim")
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
