"""The open document: the one truth of what the window shows and the engine runs.

It holds the engine `Network`, its setup (the dataset, the learning rule with its parameters and
stop conditions, the plots on view and whether values are shown: see nnsim/engine/setup.py), its
file path and its undo history.  Panels, plots, the canvas and the engine render from it; a
panel's change comes here first and goes out from here (`changed` for the network,
`setup_changed(field)` for the rest).

Every edit is an undo command on the stack: a `NetworkEdit` for the network, a `SetupEdit` for
the dataset, the rule, its parameters, the stop conditions and Show Values.  The plots on view
are not undone, but changing them marks the document modified.  Opening a lesson or a file makes
a new, clean document; training writes the learned weights back as one undo step that leaves a
clean document clean (running is not an edit).

Every network edit is a `NetworkEdit` on the undo stack.  An edit runs on a copy of the network, so an
invalid edit (the engine raises ValueError) changes nothing and pushes nothing; the command keeps
the network before and after (copies are cheap: records are immutable and shared), so undo and
redo restore exactly.  After every change `doc.network` is a fresh object: re-read it on
`changed()` rather than holding on to it.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from nnsim.app.data_spec import fit_targets, same_spec
from nnsim.engine.datasets import Dataset
from nnsim.engine.network import Network
from nnsim.engine.setup import DEFAULT_STOP, Setup, make_dataset

UNDO_LIMIT = 500  # steps kept; each holds one copy of the network (records are shared)
_MERGE_ID = 4242  # any fixed id: QUndoStack only merges commands that report the same one
_SETUP_MERGE_ID = 4243
SETUP_FIELDS = ("dataset", "rule", "stop", "show_values", "plots")


class NetworkEdit(QUndoCommand):
    """One undoable edit: the network before and after.  Consecutive edits with the same
    merge key (e.g. wheel nudges of one synapse) collapse into one undo step."""

    def __init__(self, doc: Document, before: Network, after: Network, text: str,
                 merge_key: Any = None) -> None:
        super().__init__(text)
        self._doc = doc
        self.before = before
        self.after = after
        self.merge_key = merge_key

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, NetworkEdit) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.setObsolete(self.after == self.before)  # nudged back to where it started
        return True

    def redo(self) -> None:
        self._doc._install(self.after)

    def undo(self) -> None:
        self._doc._install(self.before)


class SetupEdit(QUndoCommand):
    """One undoable change of a setup field: its value before and after.  Consecutive changes
    with the same merge key (a parameter's spin box being stepped) are one undo step."""

    def __init__(self, doc: Document, field: str, before: Any, after: Any, text: str,
                 merge_key: Any = None) -> None:
        super().__init__(text)
        self._doc = doc
        self.field = field
        self.before = before
        self.after = after
        self.merge_key = merge_key

    def id(self) -> int:  # noqa: A003 - Qt's name
        return _SETUP_MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetupEdit) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.setObsolete(self.after == self.before)
        return True

    def redo(self) -> None:
        self._doc._set_field(self.field, self.after)

    def undo(self) -> None:
        self._doc._set_field(self.field, self.before)


class Document(QObject):
    changed = Signal()  # the network
    setup_changed = Signal(str)  # "dataset", "rule", "stop", "show_values" or "plots"
    dirty_changed = Signal(bool)
    path_changed = Signal(str)

    def __init__(self, network: Network | None = None, path: str | None = None,
                 parent: QObject | None = None, setup: Setup | None = None) -> None:
        super().__init__(parent)
        self.network = network.copy() if network is not None else Network()
        self.path = str(path) if path is not None else None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        self._state = self.network.copy()  # the pristine state the live network was made from
        self._state_revision = self.network.revision
        self._modified = False  # changed outside the undo stack (the plots on view)
        self._dirty = False
        setup = setup if setup is not None else Setup()
        self.dataset_spec: dict | None = setup.dataset
        self.dataset: Dataset | None = make_dataset(setup.dataset)
        self.rule: dict | None = _rule(setup.rule)
        self.stop: dict = {**DEFAULT_STOP, **(setup.stop or {})}
        self.show_values: bool = bool(setup.show_values)
        self.plots: tuple[str, ...] | None = None if setup.plots is None else tuple(setup.plots)
        self.undo_stack.cleanChanged.connect(self._clean_changed)  # a method: Qt disconnects it

    # ------------------------------------------------------------------ files
    @classmethod
    def open(cls, path: str | os.PathLike) -> Document:
        """Load a file with its setup; raises NetworkFileError (and makes no document) when it
        is bad."""
        from nnsim.engine.fileformat import load_document

        network, setup = load_document(path)
        return cls(network, os.fspath(path), setup=setup)

    def save(self, path: str | os.PathLike | None = None) -> None:
        from nnsim.engine.fileformat import save_document

        target = os.fspath(path) if path is not None else self.path
        if target is None:
            raise ValueError("this document has no file yet: give a path to save it to")
        # Atomic: a failed save leaves the old file and state.
        save_document(self.network, self.setup(), target)
        self._modified = False
        self.undo_stack.setClean()
        self._update_dirty()
        if target != self.path:
            self.path = target
            self.path_changed.emit(target)

    def setup(self) -> Setup:
        """Everything besides the network, as a file stores it."""
        return Setup(dataset=self.dataset_spec, rule=self.rule, stop=dict(self.stop),
                     plots=self.plots, show_values=self.show_values)

    @property
    def is_dirty(self) -> bool:
        return self._modified or not self.undo_stack.isClean()

    def display_name(self) -> str:
        return os.path.basename(self.path) if self.path else "Untitled"

    # ------------------------------------------------------------------ the setup
    @property
    def rule_name(self) -> str | None:
        return None if self.rule is None else self.rule["name"]

    def training_data(self) -> Dataset | None:
        """The dataset as the engine trains on it: class labels one-hot when the network has
        one output per class."""
        outputs = len(self.network.outputs)
        cached = getattr(self, "_training", None)
        if cached is None or cached[0] is not self.dataset or cached[1] != outputs:
            cached = self._training = (self.dataset, outputs, fit_targets(self.dataset, outputs))
        return cached[2]

    def set_dataset(self, spec: Mapping | None, dataset: Dataset | None = None,
                    text: str = "Change the data") -> None:
        """A new dataset: a generator with its parameters, or points (see engine/setup.py).
        `dataset` is what the spec makes, when the caller has it already."""
        spec = None if spec is None else dict(spec)
        if same_spec(spec, self.dataset_spec):
            return
        if dataset is None:
            dataset = make_dataset(spec)
        self._push_setup("dataset", (self.dataset_spec, self.dataset), (spec, dataset), text)

    def set_rule(self, name: str | None, params: Mapping[str, Any] | None = None,
                 stop: Mapping[str, Any] | None = None) -> None:
        """Choose a learning rule (None: no learning) with its parameters (and stop conditions)."""
        rule = None if name is None else {"name": name, "params": dict(params or {})}
        before = (self.rule, self.stop)
        after = (_rule(rule), {**DEFAULT_STOP, **(stop if stop is not None else self.stop)})
        if after != before:
            self._push_setup("rule", before, after,
                             f"Choose {_rule_title(name)}" if name else "No learning rule")

    def set_rule_params(self, params: Mapping[str, Any]) -> None:
        """New parameter values for the rule chosen; a burst of them is one undo step."""
        if self.rule is None:
            return
        rule = {"name": self.rule["name"], "params": {**self.rule["params"], **params}}
        if rule != self.rule:
            self._push_setup("rule", (self.rule, self.stop), (rule, self.stop),
                             "Change rule parameters", merge_key=("params", rule["name"]))

    def set_stop(self, stop: Mapping[str, Any]) -> None:
        stop = {**self.stop, **stop}
        if stop != self.stop:
            self._push_setup("rule", (self.rule, self.stop), (self.rule, stop),
                             "Change stop conditions", merge_key=("stop",))

    def set_show_values(self, on: bool) -> None:
        if bool(on) != self.show_values:
            self._push_setup("show_values", self.show_values, bool(on),
                             "Show values" if on else "Hide values")

    def set_plots(self, keys: Iterable[str] | None, by_user: bool = True) -> None:
        """The plots on view.  Not undoable; by_user marks the document modified (a lesson's or
        the window's own layout does not)."""
        keys = None if keys is None else tuple(keys)
        if keys == self.plots:
            return
        self.plots = keys
        if by_user:
            self._modified = True
            self._update_dirty()
        self.setup_changed.emit("plots")

    def _push_setup(self, field: str, before: Any, after: Any, text: str,
                    merge_key: Any = None) -> None:
        self.undo_stack.push(SetupEdit(self, field, before, after, text, merge_key))

    def _set_field(self, field: str, value: Any) -> None:
        if field == "dataset":
            self.dataset_spec, self.dataset = value
        elif field == "rule":
            self.rule, self.stop = value
        elif field == "show_values":
            self.show_values = value
        self.setup_changed.emit(field)

    # ------------------------------------------------------------------ machinery
    def _clean_changed(self, _clean: bool) -> None:
        self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = self.is_dirty
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def _install(self, state: Network) -> None:
        net = state.copy()  # the stored states stay pristine whatever happens to the live one
        net.revision = max(net.revision, self.network.revision) + 1  # caches keyed on it refresh
        self.network = net
        self._state, self._state_revision = state, net.revision
        self.changed.emit()

    def _edit(self, text: str, change: Callable[[Network], Any], merge_key: Any = None) -> Any:
        """Run `change` on a copy; push the result as one command.  Returns change's result."""
        # Consecutive commands share a state (one's after is the next one's before), so the
        # history holds one copy per edit; unless someone changed the live network directly.
        untouched = self.network.revision == self._state_revision
        before = self._state if untouched else self.network.copy()
        after = self.network.copy()
        result = change(after)
        self._push(before, after, text, merge_key)
        return result

    def _push(self, before: Network, after: Network, text: str, merge_key: Any = None) -> None:
        if after == before:
            return  # nothing changed: no empty undo step
        self.undo_stack.push(NetworkEdit(self, before, after, text, merge_key))

    # ------------------------------------------------------------------ neurons
    def add_neuron(self, name: str | None = None, role: str = "hidden",
                   activation: str | None = None, x: float = 0.0, y: float = 0.0,
                   **fields: Any) -> str:
        def change(net: Network) -> str:
            return net.add_neuron(name, role=role, activation=activation, x=x, y=y,
                                  **fields).name
        return self._edit(f"Add {role} neuron", change)

    def remove_items(self, neuron_names: Iterable[str] = (),
                     synapse_keys: Iterable[tuple[str, str]] = ()) -> None:
        neuron_names, synapse_keys = list(neuron_names), list(synapse_keys)

        def change(net: Network) -> None:
            for src, tgt in synapse_keys:
                if net.has_synapse(src, tgt):  # may already be gone with a deleted neuron
                    net.disconnect(src, tgt)
            for name in neuron_names:
                net.remove_neuron(name)
        n = len(neuron_names) + len(synapse_keys)
        self._edit("Delete" if n == 1 else f"Delete {n} items", change)

    def rename_neuron(self, name: str, new_name: str) -> None:
        self._edit(f"Rename {name}", lambda net: net.rename_neuron(name, new_name))

    def set_neuron(self, name: str, **fields: Any) -> None:
        """Change role, activation, bias, threshold, value and/or params (a full mapping)."""
        unknown = set(fields) - {"role", "activation", "bias", "threshold", "value", "params"}
        if unknown:
            raise ValueError(f"set_neuron: unknown field(s) {', '.join(sorted(unknown))}")

        def change(net: Network) -> None:
            if "role" in fields:
                net.set_role(name, fields["role"])
            if "activation" in fields:
                net.set_activation(name, fields["activation"])
            if "bias" in fields:
                net.set_bias(name, fields["bias"])
            if "threshold" in fields:
                net.set_threshold(name, fields["threshold"])
            if "value" in fields:
                net.set_value(name, fields["value"])
            if "params" in fields:
                params: Mapping[str, float] = fields["params"]
                for key in set(net.neuron(name).params) - set(params):
                    net.set_param(name, key, None)
                for key, val in params.items():
                    net.set_param(name, key, val)
        what = ", ".join(sorted(fields))
        # Consecutive changes of the same fields (a spin box being stepped) are one undo step.
        self._edit(f"Set {what} of {name}", change, merge_key=("set", name, tuple(sorted(fields))))

    def move_neurons(self, positions: Mapping[str, tuple[float, float]],
                     merge_key: Any = None) -> None:
        """Move neurons; consecutive moves with the same merge_key (a burst of arrow keys) are
        one undo step."""
        positions = dict(positions)

        def change(net: Network) -> None:
            for name, (x, y) in positions.items():
                net.set_position(name, x, y)
        self._edit("Move" if len(positions) == 1 else f"Move {len(positions)} neurons", change,
                   merge_key)

    def toggle_input(self, name: str) -> None:
        value = self.network.neuron(name).value
        self._edit(f"Toggle {name}", lambda net: net.set_value(name, 0.0 if value else 1.0))

    # ------------------------------------------------------------------ synapses
    def connect(self, source: str, target: str, weight: float = 1.0,
                kind: str = "excitatory") -> None:
        self._edit(f"Connect {source} \u2192 {target}",
                   lambda net: net.connect(source, target, weight, kind))

    def disconnect(self, source: str, target: str) -> None:
        self._edit(f"Disconnect {source} \u2192 {target}",
                   lambda net: net.disconnect(source, target))

    def set_weight(self, source: str, target: str, weight: float) -> None:
        self._edit(f"Set weight {source} \u2192 {target}",
                   lambda net: net.set_weight(source, target, weight))

    def nudge_weight(self, source: str, target: str, delta: float) -> None:
        """Add delta to a weight; consecutive nudges of one synapse are one undo step."""
        w = round(self.network.synapse(source, target).weight + delta, 10)
        self._edit(f"Nudge weight {source} \u2192 {target}",
                   lambda net: net.set_weight(source, target, w),
                   merge_key=("nudge", source, target))

    def set_kind(self, source: str, target: str, kind: str) -> None:
        self._edit(f"Make {source} \u2192 {target} {kind}",
                   lambda net: net.set_kind(source, target, kind))

    def toggle_kind(self, keys: Iterable[tuple[str, str]]) -> None:
        """Switch each synapse between excitatory and inhibitory, as one step."""
        keys = list(keys)

        def change(net: Network) -> None:
            for src, tgt in keys:
                kind = net.synapse(src, tgt).kind
                net.set_kind(src, tgt, "excitatory" if kind == "inhibitory" else "inhibitory")
        self._edit("Toggle excitatory/inhibitory", change)

    # ------------------------------------------------------------------ whole network
    def paste(self, data: Mapping[str, Any], offset: tuple[float, float] = (40.0, 40.0)) -> list[str]:
        """Add a clipboard fragment (see `fragment`), renaming clashing names; returns new names."""
        dx, dy = offset

        def change(net: Network) -> list[str]:
            rename: dict[str, str] = {}
            for nd in data.get("neurons", []):
                name = _free_name(net, str(nd["name"]))
                net.add_neuron(name, role=nd.get("role", "hidden"),
                               activation=nd.get("activation"), bias=nd.get("bias", 0.0),
                               x=nd.get("x", 0.0) + dx, y=nd.get("y", 0.0) + dy,
                               value=nd.get("value", 0.0), params=nd.get("params") or {})
                rename[str(nd["name"])] = name
            for sd in data.get("synapses", []):
                src, tgt = rename.get(sd["source"]), rename.get(sd["target"])
                if src is not None and tgt is not None:
                    net.connect(src, tgt, sd.get("weight", 1.0), sd.get("kind", "excitatory"))
            return list(rename.values())
        return self._edit("Paste", change)

    def replace_network(self, net: Network, text: str = "Replace network") -> None:
        """Install a whole network (e.g. learned weights after training) as one undo step."""
        before = self._state if self.network.revision == self._state_revision else self.network.copy()
        self._push(before, net.copy(), text)

    def write_back_training(self, net: Network) -> None:
        """The learned weights, as one undo step "Training".  Running is not an edit: a document
        that was clean stays clean (nothing to save unless the user edits it)."""
        was_clean = not self.is_dirty
        self.replace_network(net, "Training")
        if was_clean and not self.undo_stack.isClean():
            self.undo_stack.setClean()

    def auto_layout(self) -> None:
        from nnsim.app.canvas.layout import layered_positions

        positions = layered_positions(self.network)

        def change(net: Network) -> None:
            for name, (x, y) in positions.items():
                net.set_position(name, x, y)
        self._edit("Auto layout", change)


def _rule_title(name: str) -> str:
    from nnsim.engine.rules import RULES

    rule = RULES.get(name)
    return (rule.title or name) if rule is not None else name


def _rule(rule: Mapping | None) -> dict | None:
    if rule is None:
        return None
    return {"name": str(rule["name"]), "params": dict(rule.get("params", {}))}


def fragment(net: Network, names: Iterable[str]) -> dict:
    """A clipboard dict: the named neurons and the synapses among them (by name)."""
    wanted = {net.neuron(n).id for n in names}
    neurons = [n for n in net.neurons if n.id in wanted]
    by_id = {n.id: n.name for n in neurons}
    return {
        "format": "nnsim-fragment",
        "neurons": [{"name": n.name, "role": n.role, "activation": n.activation, "bias": n.bias,
                     "x": n.x, "y": n.y, "value": n.value, "params": dict(n.params)}
                    for n in neurons],
        "synapses": [{"source": by_id[s.source], "target": by_id[s.target], "weight": s.weight,
                      "kind": s.kind}
                     for s in net.synapses if s.source in wanted and s.target in wanted],
    }


def _free_name(net: Network, name: str) -> str:
    if not net.has_neuron(name):
        return name
    k = 2
    while net.has_neuron(f"{name}_{k}"):
        k += 1
    return f"{name}_{k}"
