"""Code export, shared part: a drawn feed-forward network split into groups of units, and the
pieces every generated script has (header, embedded weights, a self-check against nnsim).

`plan` turns the network into a `Plan`: a plain stack of fully connected layers is marked
`sequential`; any other feed-forward graph (skip connections, missing synapses, mixed units in a
layer) becomes one `Group` per set of units in a layer that share an activation, each reading
chosen columns of everything computed so far.  codegen_keras.py and codegen_torch.py write the
framework-specific code from a Plan.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np

from .network import Network
from .units import UNITS


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
    if not compiled.dense:
        raise ValueError(f"cannot export {label} as code: {compiled.too_large('export as code')}")
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


def literal(a, indent: int = 0) -> str:
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


def safe_names(names: list[str]) -> str:
    """Names for a comment or docstring: no line breaks, quotes or escapes; long lists shortened."""
    safe = {'"': "'", "\\": "/"}
    clean = ["".join(safe.get(c, c) if c.isprintable() else "?" for c in n) for n in names]
    if len(clean) > 6:
        return f"{clean[0]} .. {clean[-1]} ({len(clean)} units)"
    return ", ".join(clean)


def check_data(net: Network, n_inputs: int) -> tuple[np.ndarray, np.ndarray]:
    """A few inputs (every binary pattern for up to 3 inputs) and nnsim's outputs for them."""
    rng = np.random.default_rng(0)
    x = np.round(rng.uniform(-2, 2, (3, n_inputs)), 2)
    if n_inputs <= 3:
        grid = np.array(np.meshgrid(*[[0.0, 1.0]] * n_inputs, indexing="ij")).reshape(n_inputs, -1)
        x = np.vstack([grid.T, x])
    return x, np.asarray(net.evaluate(x))


def header(net: Network, framework: str, p: Plan) -> str:
    title = safe_names([net.name]) if net.name else "A network"
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


def check_block(net: Network, p: Plan, predict: str) -> str:
    x, y = check_data(net, len(p.inputs))
    return ("\n# A few inputs and the outputs nnsim computed for them, to check the export:\n"
            f"x_check = {literal(x, 0)}\ny_nnsim = {literal(y, 0)}\n\n"
            'if __name__ == "__main__":\n'
            f"    y = {predict}\n"
            '    print("outputs:\\n", y)\n'
            '    print("largest difference from nnsim:", float(np.max(np.abs(y - y_nnsim))))\n')


def weights_block(p: Plan, layout: str) -> str:
    lines = ["\n", f"# The drawn weights: W[i, j] joins source i to unit j ({layout})."]
    if not p.sequential:
        lines.append("# M is 1 where a synapse is drawn, 0 where none is.")
    for k, g in enumerate(p.groups, start=1):
        lines.append(f"# {k}: {safe_names(g.units)} ({g.activation})")
        lines.append(f"W{k} = {literal(g.weights, 0)}")
        if not p.sequential:
            lines.append(f"M{k} = {literal(g.mask, 0)}")
        if g.beta is None:
            lines.append(f"b{k} = {literal(g.biases, 0)}")
    return "\n".join(lines) + "\n"


def untrainable_note(acts: set[str]) -> str:
    if not acts & {"step", "sign"}:
        return "\n"
    return ("\n# Note: step and sign units have no gradient, so training cannot pass through them;\n"
            "# swap them for sigmoid or tanh units to train this network.\n")


def suggested_loss(p: Plan) -> tuple[str, str]:
    """(Keras loss name, metrics) fitting the output units, as the lecture's snippet does."""
    acts = {g.activation for g in p.groups if set(g.units) & set(p.output_names)}
    if acts == {"softmax"}:
        return "categorical_crossentropy", '["accuracy"]'
    if acts <= {"sigmoid", "step"}:
        return "binary_crossentropy", '["accuracy"]'
    return "mse", '["mae"]'
