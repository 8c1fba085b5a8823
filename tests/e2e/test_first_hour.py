"""A new user's first hour, in the real app in a real window, by mouse and keys only (xdotool
under Xvfb).  What the window shows is read from its probe file (nnsim.app.probe): the texts as
painted on the canvas, the controls and where they are, the plots on view, the last frame.

File > New; draw the lecture's perceptron and read its output 0.00247 on the canvas; the
perceptron rule converges on AND and keeps hunting on XOR; lesson 7 learns XOR by backprop;
switching lessons leaves no stale data; save, close, reopen: data, rule and display are back.
"""
from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from desktop import Desktop, Screen, wait_title

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


class App:
    """One run of the app: its process, its window, what it shows.  No fixed sleeps: see
    desktop.py."""

    def __init__(self, env: dict, artifacts: Path, tmp_path: Path, name: str, *args: str) -> None:
        self.probe = tmp_path / f"{name}.probe.json"
        self.desk = Desktop({**env, "NNSIM_PROBE_FILE": str(self.probe)})
        self.log_path = artifacts / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args],
                                        env=self.desk.env, cwd=tmp_path, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.screen = Screen(self.probe)
        self.artifacts = artifacts
        self.window = self.desk.wait_window("nnsim", timeout=60)
        self.screen.wait(lambda s: s["canvas"]["rect"][2] > 200, "the window to be laid out", 60)

    # ------------------------------------------------------------------ gestures
    def click(self, control: dict) -> None:
        self.desk.click(*Screen.centre(control))

    def choose(self, combo: dict, item: str) -> None:
        """Open a combo box and pick an item by typing its text, as a keyboard user does: the
        list is on screen before the keys go, and gone before the next gesture."""
        popup = self.desk.popup(*Screen.centre(combo))
        self.desk.xdotool("type", "--delay", "40", item)
        self.desk.key("Return")
        self.desk.wait_gone(popup)

    def type_into(self, field: dict, text: str) -> None:
        self.click(field)
        self.desk.key("ctrl+a")
        self.desk.xdotool("type", "--delay", "30", "--", text)
        self.desk.key("Return")

    def neuron(self, name: str, timeout: float = 15.0) -> tuple[int, int]:
        state = self.screen.wait(lambda s: name in s["canvas"]["neurons"], f"neuron {name}", timeout)
        x, y = state["canvas"]["neurons"][name]
        return x, y

    def tab(self, text: str) -> None:
        self.click(self.screen.control(f"the {text} tab", kind="tab", text=text))

    def label(self, kind: str, near: tuple[float, float], what: str) -> dict:
        """The painted label of this kind nearest to a point."""
        state = self.screen.wait(lambda s: Screen.labels(s, kind), what)
        return min(Screen.labels(state, kind),
                   key=lambda lab: math.dist(lab["at"], near))

    def shot(self, name: str) -> None:
        self.desk.screenshot(self.artifacts / f"{name}.png")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def printed_no_traceback(self) -> None:
        text = self.log_path.read_text()
        assert "Traceback" not in text and "Error calling Python" not in text, text[-3000:]


def metric(state: dict, key: str) -> float:
    return state["frame"]["metrics"][key]


def weight_labels(state: dict) -> list[str]:
    return sorted(label["text"] for label in Screen.labels(state, "weights"))


def test_the_first_hour(app_env, artifacts, tmp_path):
    app = App(app_env, artifacts, tmp_path, "first")
    screen = app.screen
    saved = tmp_path / "perceptron.json"
    try:
        # ---------------------------------------------------------- File > New
        x, y, w, h = screen.read()["canvas"]["rect"]
        app.desk.click(x + 10, y + h - 10)  # the canvas has the keyboard
        app.desk.key("ctrl+n")
        wait_title(app.desk, app.window, "Untitled")
        state = screen.wait(lambda s: not s["canvas"]["neurons"], "an empty canvas")
        x, y, w, h = state["canvas"]["rect"]

        # ---------------------------------------------------------- draw the perceptron
        app.desk.key("n")
        app.choose(screen.control("role box", kind="combo", tooltip="Role of"), "Input")
        app.desk.click(x + w // 4, y + h // 3)
        app.desk.click(x + w // 4, y + 2 * h // 3)
        app.choose(screen.control("role box", kind="combo", tooltip="Role of"), "Output")
        app.choose(screen.control("unit box", kind="combo", tooltip="Unit (activation)"), "sigmoid")
        app.desk.click(x + 3 * w // 4, y + h // 2)
        x1, x2, out = app.neuron("x1"), app.neuron("x2"), app.neuron("y")
        app.desk.key("c")
        app.desk.drag(x1, out)
        app.desk.drag(x2, out)
        screen.wait(lambda s: len(Screen.labels(s, "weights")) == 2, "two weight labels")
        app.desk.key("s")
        for source, weight in ((x1, "3"), (x2, "-2")):
            middle = ((source[0] + out[0]) / 2, (source[1] + out[1]) / 2)
            label = app.label("weights", middle, "the weight labels")
            app.desk.double_click(*label["at"])  # the inline editor takes the keys that follow
            app.desk.key("ctrl+a")
            app.desk.xdotool("type", "--delay", "30", "--", weight)
            app.desk.key("Return")
            screen.wait(lambda s, w=weight: w in weight_labels(s), f"the weight {weight}")
        screen.wait(lambda s: weight_labels(s) == ["-2", "3"], "the weights 3 and -2")
        # the bias and the inputs, in the inspector
        app.tab("Inspector")
        for neuron, field, value in (("y", "inspectorBias", "1"), ("x1", "inspectorValue", "-1"),
                                     ("x2", "inspectorValue", "2")):
            app.desk.click(*app.neuron(neuron))
            app.type_into(screen.control(f"{neuron}'s {field}", name=field), value)
        app.shot("perceptron")
        state = screen.wait(lambda s: any(lab["text"] == "0.00247"
                                          for lab in Screen.labels(s, "values")),
                            "the output 0.00247 on the canvas")
        output = app.label("values", (out[0], out[1] + 30), "the output's value")
        assert output["text"] == "0.00247"
        assert {lab["text"] for lab in Screen.labels(state, "biases")} == {"b=1"}

        # ---------------------------------------------------------- the perceptron rule
        app.tab("Learning rule")
        app.choose(screen.control("rule chooser", kind="combo", text="No learning"), "Perceptron")
        # a sigmoid unit: the panel says what is missing, and Train waits with the reason
        train = screen.control("Train, waiting", kind="button", text="Train", timeout=15)
        assert not train["enabled"] and "step" in train["tooltip"], train
        app.desk.click(*app.neuron("y"))
        app.choose(screen.control("unit box", kind="combo", tooltip="Unit (activation)"), "threshold")
        state = screen.wait(lambda s: Screen.find(s, kind="button", text="Train")["enabled"],
                            "Train enabled for a threshold unit")
        train = Screen.find(state, kind="button", text="Train")
        app.click(train)
        state = screen.wait(lambda s: s["frame"]["done"] and metric(s, "accuracy") == 1.0,
                            "the perceptron to converge on AND", 60)
        app.shot("and")
        assert "decision" in state["plots"] and state["plots"]["decision"]["markers"] == 4

        # XOR: never converges, keeps hunting
        app.tab("Data")
        app.choose(screen.control("the gate box", kind="combo", text="AND"), "XOR")
        app.tab("Learning rule")
        app.click(screen.control("Train", kind="button", text="Train"))
        first = screen.wait(lambda s: s["running"] and s["frame"]["epoch"] >= 20,
                            "20 epochs of XOR", 60)
        later = screen.wait(lambda s: s["frame"]["epoch"] >= first["frame"]["epoch"] + 20,
                            "20 more epochs of XOR", 60)
        app.shot("xor")
        assert not later["frame"]["done"] and metric(later, "accuracy") < 1.0
        assert weight_labels(later) != weight_labels(first) or \
            [lab["text"] for lab in Screen.labels(later, "biases")] != \
            [lab["text"] for lab in Screen.labels(first, "biases")], "the line stopped hunting"
        app.desk.key("space")  # pause
        screen.wait(lambda s: not s["running"], "the run to pause")

        # ---------------------------------------------------------- save, then lesson 7
        app.desk.key("ctrl+s")
        app.desk.wait_window("Save", focused=True)
        app.desk.key("ctrl+a")
        app.desk.xdotool("type", "--delay", "15", str(saved))
        app.desk.key("Return")
        wait_title(app.desk, app.window, saved.name)

        app.choose(screen.control("lesson box", kind="combo", tooltip="Choose a lesson"), "7.")
        app.click(screen.control("scene 2", kind="button", text="2. Learned by backprop"))
        wait_title(app.desk, app.window, "Learned by backprop")
        app.click(screen.control("Train", kind="button", text="Train"))
        state = screen.wait(lambda s: metric(s, "accuracy") == 1.0,
                            "lesson 7 to learn XOR by backprop", 90)
        app.shot("lesson7")
        assert state["plots"]["decision"]["markers"] == 4  # XOR's four points
        app.desk.key("space")
        screen.wait(lambda s: not s["running"], "the run to pause")

        # a lesson with other data: nothing of XOR remains on any plot
        app.choose(screen.control("lesson box", kind="combo", tooltip="Choose a lesson"), "16.")
        state = screen.wait(lambda s: "curve" in s["plots"] and s["frame"]["step"] == 0,
                            "lesson 16's function fit")
        app.shot("lesson16")
        assert set(state["plots"]) == {"curve"}, state["plots"]
        assert state["plots"]["curve"]["markers"] != 4
        app.desk.key("ctrl+q")
        app.process.wait(30)
        app.printed_no_traceback()
    finally:
        app.shot("last-first")
        app.close()

    # ---------------------------------------------------------- reopen
    again = App(app_env, artifacts, tmp_path, "again", str(saved))
    try:
        state = again.screen.wait(lambda s: set(s["canvas"]["neurons"]) == {"x1", "x2", "y"},
                                  "the saved perceptron")
        again.shot("reopened")
        assert state["canvas"]["show_values"]
        assert weight_labels(state) and {lab["text"] for lab in Screen.labels(state, "biases")}
        again.tab("Learning rule")
        state = again.screen.wait(lambda s: Screen.find(s, kind="combo", text="Perceptron rule"),
                                  "the perceptron rule back")
        again.tab("Data")
        state = again.screen.wait(lambda s: Screen.find(s, kind="combo", text="XOR"),
                                  "the XOR data back")
        assert state["plots"]["decision"]["markers"] == 4
        again.desk.key("ctrl+q")
        again.process.wait(30)
        again.printed_no_traceback()
    finally:
        again.shot("last-again")
        again.close()
