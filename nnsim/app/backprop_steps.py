"""Backprop, one step at a time: a dock with the controls and the chain rule written out, and the
controller that shows the engine's BackpropSteps (nnsim/engine/backprop_steps.py) on the canvas.

    Simulation > Backprop Step by Step (or a lesson scene's "backprop_steps" field)
    Next layer, Next phase, Run sample, Back, Next sample; a click on a data point of the
    decision plot chooses the sample.

The model holds every number (the trace, the phase and layer cursor, the optimiser's state);
this module only writes them: the canvas's output labels (Overlay.value_text), a note beside
each neuron and a label and glow on each synapse (canvas/step_labels.py), and the side panel.
An update is applied to the document as one undo step ("Backprop step"), its weights sliding
from old to new over ANIMATION_S (a recording steps the slide with its frames: record_frame).
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.numbers import format_value
from nnsim.engine.backprop_steps import BackpropSteps

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
UNDO_TEXT = "Backprop step"
ANIMATION_S = 0.5  # the update's slide from old to new weights
ANIMATION_FRAMES = 15  # the same slide in a recording's frames (0.5 s at 30 frames/s)
DEFAULT_PACE = 45  # recorded frames per stop (1.5 s at 30 frames/s)
PHASE_TITLES = {"ready": "Ready: the sample is chosen", "forward": "1. Forward pass",
                "loss": "2. Loss", "backward": "3. Backward pass", "update": "4. Update"}
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def fv(x: float) -> str:
    return format_value(x)


def par(x: float) -> str:
    """A number as a factor: negative ones in parentheses."""
    text = fv(x)
    return f"({text})" if text.startswith("-") else text


# ---------------------------------------------------------------------- texts (no Qt)
def neuron_note(steps: BackpropSteps, name: str) -> tuple[str, str] | None:
    """(style, text) of neuron `name`'s second label: δ once the backward pass reached it,
    else z once the forward pass did; None for inputs and neurons not reached."""
    t = steps.trace
    if name in t.inputs:
        return None
    if steps.delta_shown(name):
        return "delta", "δ=" + fv(t.delta[name])
    if steps.forward_shown(name):
        return "z", "z=" + fv(t.z[name])
    return None


def loss_note(steps: BackpropSteps, name: str) -> str | None:
    t = steps.trace
    if name not in t.error or not steps.loss_shown:
        return None
    return f"y−t={fv(t.error[name])}\nL={fv(t.loss)}"


def synapse_note(steps: BackpropSteps, key: tuple[str, str]) -> str | None:
    """'∂L/∂w=…' once the backward pass reached the synapse's target; 'Δw=…' at the update."""
    if not steps.grad_shown(key):
        return None
    if steps.update_shown and steps.update is not None:
        return "Δw=" + fv(steps.update[key])
    return "∂L/∂w=" + fv(steps.trace.grad[key])


def _sum_text(steps: BackpropSteps, name: str) -> str:
    net = steps._net
    t = steps.trace
    parts = [fv(net.neuron(name).bias)]
    for s in net.incoming(name):
        src = net.neuron(s.source).name
        parts.append(f"{par(s.weight)}·{par(t.output[src])}")
    return " + ".join(parts)


def chain_rule(steps: BackpropSteps, key: tuple[str, str]) -> list[str]:
    """The lines the side panel writes for synapse `key` at the cursor, numbers in."""
    t = steps.trace
    a, b = key
    lines = []
    if steps.forward_shown(b) and b not in t.inputs:
        act = steps._net.neuron(b).activation
        lines.append(f"z_{b} = b + Σ w·y = {_sum_text(steps, b)} = {fv(t.z[b])}")
        lines.append(f"y_{b} = {act}(z_{b}) = {fv(t.output[b])}")
    if not steps.grad_shown(key):
        if not lines:
            lines.append(f"w({a}→{b}) = {fv(steps._net.synapse(a, b).weight)}: its gradient "
                         "comes with the backward pass")
        return lines
    lines = []
    g = t.grad[key]
    lines.append(f"∂L/∂w({a}→{b}) = δ_{b} · y_{a} = {par(t.delta[b])}·{par(t.output[a])} = {fv(g)}")
    d = steps.delta_terms(b)
    if d["output"]:
        gp = d["g_prime"]
        if d["dL_dy"] is not None and gp is not None:
            k = d["outputs"]
            scale = "2" if k == 1 else f"2/{k}"
            lines.append(f"δ_{b} = ∂L/∂y · g′(z_{b}) = {scale}·{par(d['error'])} · {fv(gp)} = "
                         f"{fv(d['delta'])}")
        else:
            lines.append(f"δ_{b} = (y − t)/{d['outputs']} = {fv(d['delta'])}")
    else:
        terms = " + ".join(f"{par(w)}·{par(dl)}" for _, w, dl in d["terms"]) or "0"
        gp = "g′" if d["g_prime"] is None else fv(d["g_prime"])
        lines.append(f"δ_{b} = g′(z_{b}) · Σ w δ = {gp} · ({terms}) = {fv(d['delta'])}")
    if steps.update_shown and steps.update is not None:
        u = steps.update_terms(key)
        w0, w1 = steps.before[key], steps.after[key]
        eta = fv(u["learning_rate"])
        if "velocity" in u:
            lines.append(f"v = μ·v − η·∂L/∂w (μ={fv(u['momentum'])}, η={eta}) = {fv(u['velocity'])}")
            lines.append(f"Δw = v = {fv(u['step'])}")
        elif "m" in u:
            lines.append(f"m = {fv(u['m'])}, v = {fv(u['v'])}, t = {int(u['t'])}")
            lines.append(f"Δw = −η·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v+ε) = {fv(u['step'])}")
        else:
            lines.append(f"Δw = −η·∂L/∂w = −{eta}·{par(g)} = {fv(u['step'])}")
        lines.append(f"w: {fv(w0)} → {fv(w1)}")
    return lines


def loss_lines(steps: BackpropSteps) -> list[str]:
    t = steps.trace
    if not steps.loss_shown:
        return []
    out = [f"error y − t = {fv(t.output[o])} − {fv(t.target[o])} = {fv(e)}" for o, e in t.error.items()]
    name = {"mse": "mean (y − t)²", "binary_crossentropy": "−t·log y − (1−t)·log(1−y)",
            "categorical_crossentropy": "−Σ t·log y"}.get(steps.loss, steps.loss)
    out.append(f"loss L = {name} = {fv(t.loss)}")
    return out


# ---------------------------------------------------------------------- the dock
class StepsPanel(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("backpropStepsPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.sample_label = QLabel()
        self.phase_label = QLabel()
        font = self.phase_label.font()
        font.setBold(True)
        self.phase_label.setFont(font)
        buttons = QGridLayout()
        self.back_button = QPushButton("◀ Back")
        self.layer_button = QPushButton("Next layer")
        self.phase_button = QPushButton("Next phase")
        self.run_button = QPushButton("Run sample")
        self.sample_button = QPushButton("Next sample")
        for k, b in enumerate((self.layer_button, self.phase_button, self.run_button,
                               self.back_button, self.sample_button)):
            buttons.addWidget(b, k // 3, k % 3)
        self.back_button.setToolTip("Undo the last step: the weights as they were, exactly")
        self.run_button.setToolTip("All phases of this sample, up to the update")
        self.loss_label = QLabel()
        self.chain_label = QLabel()
        self.key = QLabel('Glow: <b style="color:#009e73">green</b> ∂L/∂w &lt; 0 (w grows), '
                          '<b style="color:#cc79a7">purple</b> &gt; 0 (w shrinks); wider: larger')
        self.key.setWordWrap(True)
        self.hint = QLabel("Click a data point (decision plot) to choose the sample; select a "
                           "synapse for its chain rule.")
        for label in (self.sample_label, self.loss_label, self.chain_label, self.hint):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setStyleSheet("color: #607080")
        layout.addWidget(self.sample_label)
        layout.addWidget(self.phase_label)
        layout.addLayout(buttons)
        layout.addWidget(self.loss_label)
        layout.addWidget(self.chain_label)
        layout.addWidget(self.key)
        layout.addWidget(self.hint)
        layout.addStretch(1)


class BackpropStepsView(QObject):
    """The controller: the model, the dock, the canvas items and the decision plot's picking."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.steps: BackpropSteps | None = None
        self.wanted = False  # the dock belongs in the right column's tabs (learning.raise_plots)
        self.recording = False  # frames step the animation (record_frame), not a timer
        self.pace = DEFAULT_PACE
        self._moves = 0  # moves made since opened (a recording's script)
        self._doc = None
        self._revision = None  # the document's revision after our own last edit
        self._anim: tuple | None = None  # (scene rows, before, after, bias rows, before, after)
        self._anim_start = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self._tick)
        self._items = None
        self._applying = False
        self._chosen = None  # the synapse whose chain rule the panel writes
        self.panel = StepsPanel()
        from nnsim.app.learning import scrollable

        # scrollable: at 1280x720 the tab under the decision plot is shorter than the panel
        self.dock = window.add_dock("Backprop step by step", scrollable(self.panel),
                                    "backpropStepsDock", RIGHT, tabbed=False)
        # a scroll bar that came and went with the text's length moved the text for a frame
        self.dock.widget().setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.dock.hide()
        self.dock.visibilityChanged.connect(self._dock_shown)
        p = self.panel
        p.layer_button.clicked.connect(lambda: self.move("next_layer"))
        p.phase_button.clicked.connect(lambda: self.move("next_phase"))
        p.run_button.clicked.connect(lambda: self.move("run_sample"))
        p.back_button.clicked.connect(self.back)
        p.sample_button.clicked.connect(self.next_sample)
        self.action = QAction("Backprop &Step by Step", window)
        self.action.setStatusTip("Show backpropagation of one sample phase by phase on the canvas")
        self.action.triggered.connect(lambda: self.open())
        window.simulation_menu.addSeparator()
        window.simulation_menu.addAction(self.action)
        window.view.network_shown.connect(self._network_shown)
        window.view.selection_changed.connect(lambda _names: self._refresh_panel())

    # ------------------------------------------------------------------ open and close
    @property
    def active(self) -> bool:
        return self.steps is not None

    def open(self, sample: int = 0, pace: int | None = None) -> bool:
        """Start on the window's document at `sample`; False (the reason in the panel) when
        backprop cannot run on it."""
        w = self.window
        self.pace = int(pace or DEFAULT_PACE)
        w.engine.pause()
        cue = getattr(w, "run_cue", None)
        if cue is not None:  # "Press Play": not here, the buttons step through backprop
            cue.withdraw()
        if self.dock.isHidden():  # from the menu: in front of the rule panel's tabs
            if not self.wanted:
                w.tabifyDockWidget(w.learning.rules_dock, self.dock)
            self.dock.show()
        self.dock.raise_()
        self._start(sample)
        return self.steps is not None

    def _start(self, sample: int) -> None:
        w = self.window
        doc = w.document
        self._stop_animation()
        self._doc, self._moves = doc, 0
        problem = None
        try:
            self.steps = self._model(doc, sample)
        except ValueError as exc:
            self.steps, problem = None, str(exc)
        self._revision = doc.network.revision
        self._attach()
        self._refresh(problem)

    @staticmethod
    def _model(doc, sample: int) -> BackpropSteps:
        from nnsim.engine.rules import RULES
        from nnsim.engine.rules import losses as loss_fns

        if doc.rule_name != "backprop":
            raise ValueError("choose the Backpropagation rule (Learning rule panel) to step "
                             "through it")
        rule = RULES["backprop"](**doc.rule["params"])
        ok = rule.applies_to(doc.network)
        if not ok:
            raise ValueError(ok.reason)
        data = doc.training_data()
        if data is None or data.y is None or not len(data.X):
            raise ValueError("choose data with targets (Data panel) to step through backprop")
        p = rule.params
        D = data.targets
        if p["loss"] == "categorical_crossentropy" and data.y.ndim == 1:
            D = loss_fns.categorical_targets(data.y, len(doc.network.outputs))
        sample = min(max(int(sample), 0), len(data.X) - 1)
        return BackpropSteps(doc.network, data.X, D, loss=p["loss"], optimizer=p["optimizer"],
                             params=p, sample=sample)

    def close(self) -> None:
        self.steps = None
        self._stop_animation()
        self._detach()
        self.dock.hide()

    def _dock_shown(self, visible: bool) -> None:
        if not visible and not self.dock.isVisible() and self.steps is not None \
                and self.dock.isHidden():  # closed by its button: the canvas is plain again
            self.steps = None
            self._stop_animation()
            self._detach()

    def _attach(self) -> None:
        from nnsim.app.canvas.step_labels import GradientGlow, StepLabels

        scene = self.window.view.canvas
        if self._items is None or self._items[0].scene() is not scene:
            self._items = (StepLabels(scene), GradientGlow(scene))
            for item in self._items:
                scene.addItem(item)
        for item in self._items:
            item.source = self
            item.update()
        scene.overlay.value_text = self.value_text
        scene.overlay.update()
        plot = self._decision()
        if plot is not None:
            plot.set_picking(True)
            plot.mark_sample(self.steps.sample if self.steps else None)

    def _detach(self) -> None:
        scene = self.window.view.canvas
        if self._items is not None:
            for item in self._items:
                item.source = None
                item.update()
        if scene.overlay.value_text == self.value_text:
            scene.overlay.value_text = None
        scene.overlay.update()
        learning = self.window.learning
        if learning.filled and learning.plots.is_built("decision"):
            plot = learning.plots["decision"]
            plot.set_picking(False)
            plot.mark_sample(None)

    def _decision(self):
        learning = self.window.learning
        if not learning.filled or "decision" not in learning.shown_plots and \
                not learning.plots.is_built("decision"):
            return None
        plot = learning.plots["decision"]
        if not getattr(plot, "_steps_wired", False):
            plot.sample_picked.connect(self.select)
            plot._steps_wired = True
        return plot

    def _network_shown(self) -> None:
        """The canvas shows the document anew: another document closes the view; a change not
        ours (an edit, a training run, an undo) starts the sample again at the new weights."""
        if self.steps is None or self._applying:
            return
        doc = self.window.document
        if doc is not self._doc:
            self.close()
            return
        if doc.network.revision != self._revision:
            self._start(self.steps.sample)
        elif self._anim is not None:
            self._show_fraction(self._fraction())  # the canvas was refreshed to the end state

    # ------------------------------------------------------------------ moves
    def move(self, how: str) -> None:
        if self.steps is None:
            return
        getattr(self.steps, how)()
        self._moves += 1
        self._after_move(animate=True)

    def back(self) -> None:
        if self.steps is None or not self.steps.back():
            return
        self._moves = max(self._moves - 1, 0)
        self._after_move(animate=False)

    def next_sample(self) -> None:
        if self.steps is not None:
            self.select((self.steps.sample + 1) % len(self.steps.X))

    def select(self, index: int) -> None:
        if self.steps is None:
            return
        self._stop_animation()
        self.steps.select(index)
        self._moves += 1
        self._after_move(animate=False)

    def _after_move(self, animate: bool) -> None:
        self._stop_animation()
        before = self._scene_params()
        self._apply_weights()
        if animate and self.steps.update_shown and self.steps.update is not None and \
                self.steps.phase == "update":
            self._start_animation(before)
        self._refresh()

    def _apply_weights(self) -> None:
        """The model's weights into the document: one undo step for an update; Back undoes it
        (the stored state comes back bitwise)."""
        doc = self.window.document
        target = self.steps.network
        if _params(doc.network) == _params(target):
            return
        stack = doc.undo_stack
        top = stack.command(stack.index() - 1) if stack.index() > 0 else None
        self._applying = True  # the canvas shows our own edit: not a change to start over on
        try:
            if top is not None and top.text() == UNDO_TEXT and \
                    _params(getattr(top, "before", doc.network)) == _params(target):
                stack.undo()
            else:
                doc.replace_network(target, UNDO_TEXT)
        finally:
            self._applying = False
        self._revision = doc.network.revision

    # ------------------------------------------------------------------ the update's slide
    def _scene_params(self):
        s = self.window.view.canvas
        return s.shown_weights.copy(), s.biases.copy()

    def _start_animation(self, before) -> None:
        s = self.window.view.canvas
        w0, b0 = before
        if len(w0) != len(s.shown_weights) or len(b0) != len(s.biases):
            return
        self._anim = (w0, s.weights.copy(), b0, s.biases.copy())
        self._anim_start = time.monotonic()
        self._show_fraction(0.0)
        if not self.recording:
            self._timer.start()

    def _fraction(self) -> float:
        return min((time.monotonic() - self._anim_start) / ANIMATION_S, 1.0)

    def _tick(self) -> None:
        f = self._fraction()
        self._show_fraction(f)
        if f >= 1.0:
            self._stop_animation()

    def _show_fraction(self, f: float) -> None:
        if self._anim is None:
            return
        s = self.window.view.canvas
        w0, w1, b0, b1 = self._anim
        if len(w1) != len(s.shown_weights) or len(b1) != len(s.biases):
            self._anim = None
            return
        e = f * f * (3 - 2 * f)  # smooth start and end
        if f >= 1.0:
            s.shown_weights[:] = w1  # exactly the new weights at the end
            s.biases[:] = b1
        else:
            s.shown_weights[:] = w0 + (w1 - w0) * e
            s.biases[:] = b0 + (b1 - b0) * e
        s.synapse_layer.set_weights(s.shown_weights)
        s.overlay.update()
        self.window.view.viewport().update()

    def _stop_animation(self) -> None:
        self._timer.stop()
        if self._anim is not None:
            self._show_fraction(1.0)
        self._anim = None

    # ------------------------------------------------------------------ recordings
    def record_frame(self, i: int) -> None:
        """Frame i of a recording: one move every `pace` frames (frame 0 shows the sample
        chosen), the update's slide over ANIMATION_FRAMES frames."""
        if self.steps is None:
            return
        self.recording = True
        target = i // max(self.pace, 1)
        if self._moves > target:
            return
        while self._moves < target and self.steps.phase != "update":  # one pass, then held
            self.move("next_layer")
        if self._anim is not None:
            f = min((i - target * self.pace) / ANIMATION_FRAMES, 1.0)
            self._show_fraction(f)
            if f >= 1.0:
                self._anim = None

    @staticmethod
    def recording_frames(net, pace: int) -> int:
        """Frames of a recorded pass over one sample: the chosen sample, then each stop for
        `pace` frames."""
        from nnsim.engine.backprop_steps import recording_frames

        return recording_frames(net, pace)

    # ------------------------------------------------------------------ what is drawn
    def _names(self) -> list[str]:
        return self.window.view.canvas.names

    def value_text(self, i: int) -> str | None:
        """The overlay's output label of neuron i: y of this sample once the forward pass
        reached it (an input's: its value), else nothing."""
        if self.steps is None:
            return None
        names = self._names()
        if i >= len(names):
            return None
        name = names[i]
        t = self.steps.trace
        if name not in t.output or not self.steps.forward_shown(name):
            return None
        return fv(t.output[name])

    def notes(self) -> list[tuple[int, str, str]]:
        if self.steps is None:
            return []
        out = []
        for i, name in enumerate(self._names()):
            if name not in self.steps.trace.output:
                continue
            note = neuron_note(self.steps, name)
            if note is not None:
                out.append((i, note[1], note[0]))
            loss = loss_note(self.steps, name)
            if loss is not None:
                out.append((i, loss, "loss"))
        return out

    def grads(self) -> list[tuple[int, str, float]]:
        if self.steps is None:
            return []
        s = self.window.view.canvas
        out = []
        for key in self.steps.trace.grad:
            text = synapse_note(self.steps, key)
            if text is None:
                continue
            k = _synapse_index(s, key)
            if k is not None:
                out.append((k, text, self.steps.trace.grad[key]))
        return out

    def chosen_synapse(self) -> tuple[str, str] | None:
        """The synapse whose chain rule the panel writes: the one selected on the canvas, else
        the largest |∂L/∂w| into an output (into the first output before the backward pass)."""
        if self.steps is None:
            return None
        grads = self.steps.trace.grad
        for key in self.window.view.selected_synapses():
            if tuple(key) in grads:
                return tuple(key)
        outs = [k for k in grads if k[1] in self.steps.trace.error]
        if not outs:
            return next(iter(grads), None)
        return max(outs, key=lambda k: abs(grads[k]))

    def _refresh(self, problem: str | None = None) -> None:
        if self._items is not None:
            for item in self._items:
                item.update()
        s = self.window.view.canvas
        s.overlay.update()
        self.window.view.viewport().update()
        plot = self._decision() if self.steps is not None else None
        if plot is not None:
            plot.mark_sample(self.steps.sample)
        self._refresh_panel(problem)

    def painted(self) -> None:
        """The canvas paints: a synapse selected (or unselected) since the panel was written
        (the view signals neuron selections only) gets its chain rule now."""
        if self.steps is not None and self.chosen_synapse() != self._chosen:
            self._refresh_panel()

    def _refresh_panel(self, problem: str | None = None) -> None:
        p, steps = self.panel, self.steps
        self._chosen = self.chosen_synapse() if steps is not None else None
        for b in (p.layer_button, p.phase_button, p.run_button, p.sample_button):
            b.setEnabled(steps is not None)
        p.back_button.setEnabled(steps is not None and steps.can_go_back)
        if steps is None:
            p.sample_label.setText(problem or "")
            p.phase_label.setText("")
            p.loss_label.setText("")
            p.chain_label.setText("")
            return
        t = steps.trace
        x = ", ".join(fv(v) for v in steps.x)
        target = ", ".join(fv(v) for v in t.target.values())
        p.sample_label.setText(f"Sample {steps.sample + 1} of {len(steps.X)}: x = ({x}), "
                               f"target t = {target}")
        phase, stop = steps.phase, steps.stop
        title = PHASE_TITLES[phase]
        layers = len(t.layers)
        if phase == "forward":
            title += f": layer {stop.layer + 1} of {layers}"
        elif phase == "backward":
            # counted from the output: the output's layer is the backward pass's first
            title += f": layer {layers - stop.layer} of {layers} (from the output back)"
        elif phase == "update":
            title += f" ({steps.optimizer_name}, η = {fv(steps.params['learning_rate'])})"
        p.phase_label.setText(title)
        p.loss_label.setText("\n".join(loss_lines(steps)))
        key = self.chosen_synapse()
        p.chain_label.setText("\n".join(chain_rule(steps, key)) if key else "")
        p.layout().activate()  # laid out now: a recorded frame shows every line at once
        p.adjustSize()

    def chain_text(self) -> str:
        """The chain rule as the panel writes it now (tests, e2e)."""
        return self.panel.chain_label.text()


def _params(net) -> dict:
    return {**{(s.source, s.target): s.weight for s in net.synapses},
            **{n.id: n.bias for n in net.neurons}}


def _synapse_index(s, key: tuple[str, str]) -> int | None:
    a, b = s.name_index.get(key[0]), s.name_index.get(key[1])
    if a is None or b is None:
        return None
    return s.key_index.get((s.ids[a], s.ids[b]))


def install(window) -> BackpropStepsView:
    return BackpropStepsView(window)
