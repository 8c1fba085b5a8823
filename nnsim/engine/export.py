"""Export: weights to a NumPy .npz file and back, and a drawn network as Keras or PyTorch code.

The .npz holds plain numeric and string arrays only (no pickle), so anyone can read it with
`np.load`.  Per-layer matrices ("layer1/weights" of shape (sources, targets), "layer1/biases")
follow `CompiledNetwork`'s layers for feed-forward networks; the graph arrays ("neuron_names",
"neuron_biases", "synapse_sources", "synapse_targets", "synapse_weights") describe any network,
loops included, and are what `apply_weights` reads back.

Code export writes a runnable script with the weights embedded.  A plain stack of fully
connected layers becomes `tf.keras.Sequential` / `nn.Sequential`; any other feed-forward graph
(skip connections, missing synapses, mixed units in a layer) becomes one masked layer per group
of units that share an activation, each reading chosen columns of everything computed so far.
"""
from __future__ import annotations

import os
import textwrap
import zipfile
from dataclasses import dataclass

import numpy as np

from .fileformat import atomic_file
from .network import Network
from .units import UNITS

FORMAT = "nnsim-weights"
VERSION = 1
GRAPH_KEYS = ("neuron_names", "neuron_biases", "synapse_sources", "synapse_targets",
              "synapse_weights")


# ====================================================================== weights as .npz
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


# ====================================================================== network as code
@dataclass
class Group:
    """Units of one layer that share an activation (one Keras/PyTorch layer)."""
    units: list[str]
    activation: str
    sources: list[int]  # columns of [inputs, earlier groups' units] that feed this group
    weights: np.ndarray  # (len(sources), len(units))
    mask: np.ndarray  # 1 where a synapse is drawn
    biases: np.ndarray
    beta: list[float] | None  # gaussian bandwidths


@dataclass
class Plan:
    inputs: list[str]
    groups: list[Group]
    outputs: list[int]  # columns of the outputs
    output_names: list[str]
    sequential: bool  # a plain stack of fully connected layers, one activation each


def plan(net: Network) -> Plan:
    """Split a feed-forward network into groups, or refuse with the reason."""
    label = f"network {net.name!r}" if net.name else "this network"
    if not net.is_feedforward:
        raise ValueError(f"cannot export {label} as Keras or PyTorch code: it has loops (recurrent "
                         "synapses), and these models compute one feed-forward pass")
    for s in net.synapses:
        if s.kind == "inhibitory":
            raise ValueError(
                f"cannot export {label}: synapse {net.neuron(s.source).name!r} -> "
                f"{net.neuron(s.target).name!r} is inhibitory, a McCulloch-Pitts veto (the output "
                "is forced to 0 when the source fires) that Dense/Linear layers cannot express; "
                "use an excitatory synapse with a negative weight instead")
    if not net.inputs or not net.outputs:
        raise ValueError(f"cannot export {label}: it needs at least one input and one output")
    compiled = net.compile()
    names = {n.id: n.name for n in net.neurons}
    column = {net.neuron(name).id: c for c, name in enumerate(net.inputs)}
    groups: list[Group] = []
    sequential, previous = True, [net.neuron(n).id for n in net.inputs]
    for layer in compiled.layers:
        n_targets = len(layer.target_ids)
        sequential &= (layer.source_ids == previous and bool(layer.mask.all())
                       and len(layer.groups) == 1)
        previous = layer.target_ids
        for g in layer.groups:
            cols = np.arange(n_targets)[g.cols]
            mask = layer.mask[:, cols]
            rows = np.flatnonzero(mask.any(axis=1))  # only the sources these units read
            sources = [column[layer.source_ids[r]] for r in rows]
            act, biases, beta = g.activation, layer.biases[cols], g.beta
            if not sources:  # units with a bias only: read input 0 through a zero mask
                sources, mask = [0], np.zeros((1, len(cols)))
                if act == "gaussian":  # no synapse: d2 is an empty sum, so y = exp(0) = 1
                    act, beta = "linear", None
                    biases = UNITS["gaussian"].function(np.zeros(len(cols)), g.beta)
            else:
                mask = mask[rows]
            units = [names[layer.target_ids[c]] for c in cols]
            weights = layer.weights[rows][:, cols] if len(rows) else np.zeros_like(mask)
            groups.append(Group(units, act, sources, weights, mask, biases,
                                None if beta is None else beta.tolist()))
            for c in cols:
                column[layer.target_ids[c]] = len(column)
    out_ids = [net.neuron(n).id for n in net.outputs]
    sequential &= bool(compiled.layers) and out_ids == compiled.layers[-1].target_ids
    return Plan(list(net.inputs), groups, [column[i] for i in out_ids], list(net.outputs),
                sequential)


def _lit(a, indent: int = 0) -> str:
    """An exact np.array literal (repr of a float round-trips), wrapped to ~100 columns."""
    a = np.asarray(a, dtype=float)

    def fill(values, first: str, pad: str) -> str:
        text = ", ".join(repr(float(v)) for v in values)
        return textwrap.fill(text, 100, initial_indent=first, subsequent_indent=pad,
                             break_long_words=False, break_on_hyphens=False)

    if a.ndim == 1:
        return fill(a, " " * (indent + 10), " " * (indent + 10)).lstrip().join(["np.array([", "])"])
    pad = " " * (indent + 4)
    rows = [fill(row, pad + "[", pad + " ") + "]" for row in a]
    return "np.array([\n" + ",\n".join(rows) + f",\n{' ' * indent}])"


def _names(names: list[str]) -> str:
    """Names for a comment or docstring: no line breaks, quotes or escapes; long lists shortened."""
    safe = {'"': "'", "\\": "/"}
    clean = ["".join(safe.get(c, c) if c.isprintable() else "?" for c in n) for n in names]
    if len(clean) > 6:
        return f"{clean[0]} .. {clean[-1]} ({len(clean)} units)"
    return ", ".join(clean)


def _check_data(net: Network, n_inputs: int) -> tuple[np.ndarray, np.ndarray]:
    """A few inputs (every binary pattern for up to 3 inputs) and nnsim's outputs for them."""
    rng = np.random.default_rng(0)
    x = np.round(rng.uniform(-2, 2, (3, n_inputs)), 2)
    if n_inputs <= 3:
        grid = np.array(np.meshgrid(*[[0.0, 1.0]] * n_inputs, indexing="ij")).reshape(n_inputs, -1)
        x = np.vstack([grid.T, x])
    return x, np.asarray(net.evaluate(x))


def _header(net: Network, framework: str, p: Plan) -> str:
    title = _names([net.name]) if net.name else "A network"
    if p.sequential:
        shape = " -> ".join([f"{len(p.inputs)} inputs"]
                            + [f"{len(g.units)} {g.activation}" for g in p.groups])
        kind = f"a stack of fully connected layers:\n{shape}"
    else:
        kind = (f"a feed-forward graph: {len(p.inputs)} inputs, {len(p.groups)} groups of units "
                f"(a layer split by\nactivation), {len(p.outputs)} outputs")
    return (f'"""{title} drawn in nnsim, as a {framework} model with the drawn weights.\n\n'
            f"Generated by nnsim from {kind}.\n"
            "Computes in float64, as nnsim does, so the outputs match nnsim's.\n"
            '"""\nimport numpy as np\n')


def _check_block(net: Network, p: Plan, predict: str) -> str:
    x, y = _check_data(net, len(p.inputs))
    return ("\n# A few inputs and the outputs nnsim computed for them, to check the export:\n"
            f"x_check = {_lit(x, 0)}\ny_nnsim = {_lit(y, 0)}\n\n"
            'if __name__ == "__main__":\n'
            f"    y = {predict}\n"
            '    print("outputs:\\n", y)\n'
            '    print("largest difference from nnsim:", float(np.max(np.abs(y - y_nnsim))))\n')


def _weights_block(p: Plan, layout: str) -> str:
    lines = ["\n", f"# The drawn weights: W[i, j] joins source i to unit j ({layout})."]
    if not p.sequential:
        lines.append("# M is 1 where a synapse is drawn, 0 where none is.")
    for k, g in enumerate(p.groups, start=1):
        lines.append(f"# {k}: {_names(g.units)} ({g.activation})")
        lines.append(f"W{k} = {_lit(g.weights, 0)}")
        if not p.sequential:
            lines.append(f"M{k} = {_lit(g.mask, 0)}")
        if g.beta is None:
            lines.append(f"b{k} = {_lit(g.biases, 0)}")
    return "\n".join(lines) + "\n"


def _untrainable(acts: set[str]) -> str:
    if not acts & {"step", "sign"}:
        return "\n"
    return ("\n# Note: step and sign units have no gradient, so training cannot pass through them;\n"
            "# swap them for sigmoid or tanh units to train this network.\n")


def _loss(p: Plan) -> tuple[str, str]:
    """(Keras loss name, metrics) fitting the output units, as the lecture's snippet does."""
    acts = {g.activation for g in p.groups if set(g.units) & set(p.output_names)}
    if acts == {"softmax"}:
        return "categorical_crossentropy", '["accuracy"]'
    if acts <= {"sigmoid", "step"}:
        return "binary_crossentropy", '["accuracy"]'
    return "mse", '["mae"]'


# ---------------------------------------------------------------------- Keras
KERAS_ACT = {"linear": '"linear"', "sigmoid": '"sigmoid"', "tanh": '"tanh"', "relu": '"relu"',
             "softmax": '"softmax"', "step": "step", "sign": "sign"}
KERAS_UNITS = '''
def step(z):
    """nnsim's threshold unit: 1 when z > 0, else 0.  Its gradient is zero: it cannot be trained."""
    return tf.cast(z > 0, z.dtype)


def sign(z):
    """nnsim's sign unit: +1 when z >= 0, else -1 (tf.sign(0) is 0).  Not trainable either."""
    return tf.where(z >= 0, tf.ones_like(z), -tf.ones_like(z))
'''
KERAS_RBF = '''

class RBF(tf.keras.layers.Layer):
    """Gaussian radial-basis units: y_j = exp(-beta_j * ||x - c_j||^2).  The centres c_j are the
    incoming weights (columns of the kernel); the bandwidths beta_j stay fixed."""

    def __init__(self, units, beta, **kwargs):
        super().__init__(**kwargs)
        self.units, self.beta = units, np.asarray(beta, "float64")

    def build(self, input_shape):
        self.centres = self.add_weight(name="centres", shape=(input_shape[-1], self.units))

    def call(self, x):
        c = self.centres
        d2 = tf.reduce_sum(x * x, axis=1, keepdims=True) - 2.0 * tf.matmul(x, c) + tf.reduce_sum(
            c * c, axis=0)
        return tf.exp(-tf.constant(self.beta, dtype=x.dtype) * tf.maximum(d2, 0.0))
'''
KERAS_MASKED = '''

class Masked(tf.keras.layers.Layer):
    """Units that share an activation.  They read the columns `sources` of every output computed
    so far (inputs first, then earlier groups: skip connections are just columns), and a fixed 0/1
    mask keeps the synapses that were not drawn at zero, also while training.  With `beta` the
    units are gaussian RBF units: exp(-beta * ||x - c||^2), the centres c being the weights."""

    def __init__(self, sources, mask, activation="linear", beta=None, **kwargs):
        super().__init__(**kwargs)
        # numpy arrays: Keras leaves them alone (it wraps plain lists in trackers)
        self.sources, self.mask_value = np.asarray(sources, "int32"), np.asarray(mask, "float64")
        self.unit_activation = activation
        self.beta = None if beta is None else np.asarray(beta, "float64")

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=self.mask_value.shape)
        if self.beta is None:
            self.bias = self.add_weight(name="bias", shape=(self.mask_value.shape[1],))

    def call(self, a):
        x = tf.gather(a, self.sources, axis=1)
        m = tf.constant(self.mask_value, dtype=a.dtype)
        w = self.kernel * m
        if self.beta is None:
            return tf.keras.activations.get(self.unit_activation)(tf.matmul(x, w) + self.bias)
        d2 = tf.matmul(x * x, m) - 2.0 * tf.matmul(x, w) + tf.reduce_sum(w * w, axis=0)
        return tf.exp(-tf.constant(self.beta, dtype=a.dtype) * tf.maximum(d2, 0.0))


class Columns(tf.keras.layers.Layer):
    """Picks the output units' columns."""

    def __init__(self, columns, **kwargs):
        super().__init__(**kwargs)
        self.columns = np.asarray(columns, "int32")

    def call(self, a):
        return tf.gather(a, self.columns, axis=1)
'''


def keras_code(net: Network, p: Plan) -> str:
    acts = {g.activation for g in p.groups}
    out = [_header(net, "Keras", p), "import tensorflow as tf\n\n",
           'tf.keras.backend.set_floatx("float64")  # before any layer is made\n']
    if acts & {"step", "sign"}:
        out.append("\n" + KERAS_UNITS)
    if not p.sequential:
        out.append(KERAS_MASKED)
    elif "gaussian" in acts:
        out.append(KERAS_RBF)
    out.append(_weights_block(p, "Keras' kernel layout"))
    sets = []
    if p.sequential:
        out.append(f"\nmodel = tf.keras.Sequential([\n    tf.keras.layers.Input(shape=({len(p.inputs)},)),"
                   f"  # {_names(p.inputs)}\n")
        for k, g in enumerate(p.groups, start=1):
            if g.beta is None:
                layer = f"tf.keras.layers.Dense({len(g.units)}, activation={KERAS_ACT[g.activation]})"
                sets.append(f"model.layers[{k - 1}].set_weights([W{k}, b{k}])")
            else:
                layer = f"RBF({len(g.units)}, beta={g.beta!r})"
                sets.append(f"model.layers[{k - 1}].set_weights([W{k}])")
            out.append(f"    {layer},  # {_names(g.units)}\n")
        out.append("])\n")
    else:
        out.append(f"\ninputs = tf.keras.Input(shape=({len(p.inputs)},))  # {_names(p.inputs)}\n"
                   "a = inputs  # every output so far, one column each: inputs, then each group\n")
        for k, g in enumerate(p.groups, start=1):
            kind = f"beta={g.beta!r}" if g.beta else KERAS_ACT[g.activation]
            out.append(f"a = tf.keras.layers.Concatenate()([a, Masked({g.sources}, M{k}, {kind}, "
                       f'name="g{k}")(a)])  # {_names(g.units)}\n')
            sets.append(f'model.get_layer("g{k}").set_weights([W{k}' + ("])" if g.beta else f", b{k}])"))
        out.append(f"model = tf.keras.Model(inputs, Columns({p.outputs})(a))"
                   f"  # outputs: {_names(p.output_names)}\n")
    out.append("\n" + "\n".join(sets) + "\n")
    loss, metrics = _loss(p)
    out.append(_untrainable(acts))
    out.append("# Train it further with your own data, as in the lecture:\n"
               f'# model.compile(optimizer="adam", loss="{loss}", metrics={metrics})\n'
               "# model.fit(x_train, y_train, epochs=10, batch_size=32, "
               "validation_data=(x_test, y_test))\n")
    out.append(_check_block(net, p, "model.predict(x_check, verbose=0)"))
    return "".join(out)


# ---------------------------------------------------------------------- PyTorch
TORCH_ACT = {"linear": None, "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()",
             "softmax": "nn.Softmax(dim=1)", "step": "Step()", "sign": "Sign()"}
TORCH_UNITS = '''

class Step(nn.Module):
    """nnsim's threshold unit: 1 when z > 0, else 0.  Its gradient is zero: it cannot be trained."""

    def forward(self, z):
        return (z > 0).to(z.dtype)


class Sign(nn.Module):
    """nnsim's sign unit: +1 when z >= 0, else -1 (torch.sign(0) is 0).  Not trainable either."""

    def forward(self, z):
        return torch.where(z >= 0, torch.ones_like(z), -torch.ones_like(z))
'''
TORCH_RBF = '''

class RBF(nn.Module):
    """Gaussian radial-basis units: y_j = exp(-beta_j * ||x - c_j||^2).  The centres c_j are the
    incoming weights (columns of `centres`); the bandwidths beta_j stay fixed."""

    def __init__(self, n_in, units, beta):
        super().__init__()
        self.centres = nn.Parameter(torch.zeros(n_in, units))
        self.register_buffer("beta", torch.tensor(beta, dtype=torch.float64))

    def forward(self, x):
        c = self.centres
        d2 = (x * x).sum(1, keepdim=True) - 2.0 * x @ c + (c * c).sum(0)
        return torch.exp(-self.beta * d2.clamp(min=0.0))
'''
TORCH_MASKED = '''

class Masked(nn.Module):
    """Units that share an activation.  They read the columns `sources` of every output computed
    so far (inputs first, then earlier groups: skip connections are just columns), and a fixed 0/1
    mask keeps the synapses that were not drawn at zero, also while training.  With `beta` the
    units are gaussian RBF units: exp(-beta * ||x - c||^2), the centres c being the weights."""

    def __init__(self, sources, mask, activation=None, beta=None):
        super().__init__()
        mask = torch.tensor(np.asarray(mask).T)  # (units, sources), like nn.Linear's weight
        self.register_buffer("sources", torch.tensor(sources, dtype=torch.long))
        self.register_buffer("mask", mask)
        self.weight = nn.Parameter(torch.zeros_like(mask))
        self.bias = nn.Parameter(torch.zeros(mask.shape[0])) if beta is None else None
        self.register_buffer("beta", None if beta is None else torch.tensor(beta, dtype=torch.float64))
        self.activation = activation or nn.Identity()

    def forward(self, a):
        x = a[:, self.sources]
        w = self.weight * self.mask
        if self.beta is None:
            return self.activation(x @ w.T + self.bias)
        d2 = (x * x) @ self.mask.T - 2.0 * x @ w.T + (w * w).sum(1)
        return torch.exp(-self.beta * d2.clamp(min=0.0))


class DrawnNetwork(nn.Module):
    """The groups in order, each appending its units' columns; the outputs are chosen columns."""

    def __init__(self, groups, outputs):
        super().__init__()
        self.groups = nn.ModuleList(groups)
        self.register_buffer("outputs", torch.tensor(outputs, dtype=torch.long))

    def forward(self, x):
        a = x
        for group in self.groups:
            a = torch.cat([a, group(a)], dim=1)
        return a[:, self.outputs]
'''
TORCH_LOSS = {"binary_crossentropy": "nn.BCELoss()", "mse": "nn.MSELoss()",
              "categorical_crossentropy": "lambda p, y: -(y * torch.log(p)).sum(1).mean()"
                                          "  # one-hot y; the model ends in softmax"}


def pytorch_code(net: Network, p: Plan) -> str:
    acts = {g.activation for g in p.groups}
    out = [_header(net, "PyTorch", p), "import torch\nfrom torch import nn\n"]
    if acts & {"step", "sign"}:
        out.append(TORCH_UNITS)
    if not p.sequential:
        out.append(TORCH_MASKED)
    elif "gaussian" in acts:
        out.append(TORCH_RBF)
    out.append(_weights_block(p, "transposed into nn.Linear's weight below"))
    copies = []
    if p.sequential:
        out.append(f"\nmodel = nn.Sequential(  # inputs: {_names(p.inputs)}\n")
        index, n_in = 0, len(p.inputs)
        for k, g in enumerate(p.groups, start=1):
            if g.beta is None:
                out.append(f"    nn.Linear({n_in}, {len(g.units)}),  # {_names(g.units)}\n")
                copies += [f"model[{index}].weight.copy_(torch.from_numpy(W{k}).T)",
                           f"model[{index}].bias.copy_(torch.from_numpy(b{k}))"]
                if TORCH_ACT[g.activation]:
                    out.append(f"    {TORCH_ACT[g.activation]},\n")
                    index += 1
            else:
                out.append(f"    RBF({n_in}, {len(g.units)}, beta={g.beta!r}),  # {_names(g.units)}\n")
                copies.append(f"model[{index}].centres.copy_(torch.from_numpy(W{k}))")
            index, n_in = index + 1, len(g.units)
        out.append(").to(torch.float64)\n")
    else:
        out.append("\nmodel = DrawnNetwork([  # inputs first, then each group's units\n")
        for k, g in enumerate(p.groups, start=1):
            kind = f"beta={g.beta!r}" if g.beta else (TORCH_ACT[g.activation] or "None")
            out.append(f"    Masked({g.sources}, M{k}, {kind}),  # {_names(g.units)}\n")
            copies.append(f"model.groups[{k - 1}].weight.copy_(torch.from_numpy(W{k}).T)")
            if not g.beta:
                copies.append(f"model.groups[{k - 1}].bias.copy_(torch.from_numpy(b{k}))")
        out.append(f"], outputs={p.outputs}).to(torch.float64)  # outputs: {_names(p.output_names)}\n")
    out.append("\nwith torch.no_grad():  # nn.Linear keeps its weight as (out, in): W transposed\n"
               + "".join(f"    {c}\n" for c in copies))
    loss, _ = _loss(p)
    out.append(_untrainable(acts))
    out.append("# Train it further with your own data (float64 tensors x_train, y_train):\n"
               "# optimizer = torch.optim.Adam(model.parameters())\n"
               f"# loss_fn = {TORCH_LOSS[loss]}\n"
               "# for epoch in range(10):\n"
               "#     for i in range(0, len(x_train), 32):\n"
               "#         xb, yb = x_train[i:i + 32], y_train[i:i + 32]\n"
               "#         optimizer.zero_grad()\n"
               "#         loss = loss_fn(model(xb), yb)\n"
               "#         loss.backward()\n"
               "#         optimizer.step()\n")
    out.append(_check_block(net, p, "model(torch.from_numpy(x_check)).detach().numpy()"))
    return "".join(out)


def to_keras_code(net: Network) -> str:
    """Runnable TensorFlow/Keras source for a feed-forward network, with its weights."""
    return keras_code(net, plan(net))


def to_pytorch_code(net: Network) -> str:
    """Runnable PyTorch source for a feed-forward network, with its weights."""
    return pytorch_code(net, plan(net))
