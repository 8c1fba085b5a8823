"""Rebuild resources/lessons/*.json: the lecture's scenes, networks placed for a clear picture.

The lesson files are data and are committed; this script is how they were made, kept so a
maintainer can change a scene and regenerate it (`python tools/build_lessons.py`).
"""
from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnsim.engine import Network  # noqa: E402
from nnsim.engine.datasets import UNION_POLYGONS, bitmap_patterns, regular_polygon  # noqa: E402
from nnsim.engine.lessons import lessons_dir, save_lesson, scene_to_dict  # noqa: E402

OUT = lessons_dir()
DX, DY = 170.0, 80.0  # layer and neuron spacing on the canvas


def column(k: int, j: int, n: int) -> tuple[float, float]:
    return DX * k, DY * (j - (n - 1) / 2)


def lesson(number: int, slug: str, title: str, summary: str, explanation: str, formula: str,
           try_this: list[str], scenes: list[dict]) -> None:
    meta = {"number": number, "title": title, "summary": summary, "explanation": explanation,
            "formula": formula, "try": try_this}
    save_lesson(OUT / f"{number:02d}-{slug}.json", meta, scenes)


def inputs(net: Network, names: list[str], values: list[float] | None = None) -> None:
    for j, name in enumerate(names):
        x, y = column(0, j, len(names))
        net.add_neuron(name, role="input", x=x, y=y, value=(values or [0.0] * len(names))[j])


def one_unit(title: str, activation: str, weights: tuple[float, float], bias: float = 0.0,
             values: list[float] | None = None) -> Network:
    """Two inputs feeding one output unit: the perceptron of lessons 1, 4, 5 and 8."""
    net = Network(title)
    inputs(net, ["x1", "x2"], values)
    net.add_neuron("y", role="output", activation=activation, bias=bias, x=DX, y=0.0)
    net.connect("x1", "y", weights[0])
    net.connect("x2", "y", weights[1])
    return net


def half_plane_units(net: Network, prefix: str, vertices: np.ndarray, k: int, scale: float = 1.0,
                     y_offset: float = 0.0) -> list[str]:
    """One threshold unit per edge of a convex polygon (counter-clockwise vertices): it fires on
    the inner side of that edge, w . p + b > 0."""
    names = []
    n = len(vertices)
    for i in range(n):
        (x1, y1), (x2, y2) = vertices[i], vertices[(i + 1) % n]
        normal = np.array([-(y2 - y1), x2 - x1])
        normal = scale * normal / np.linalg.norm(normal)
        name = f"{prefix}{i + 1}"
        x, y = column(k, i, n)
        net.add_neuron(name, activation="step", bias=float(-normal @ [x1, y1]), x=x, y=y + y_offset)
        net.connect("x1", name, float(normal[0]))
        net.connect("x2", name, float(normal[1]))
        names.append(name)
    return names


def and_unit(net: Network, name: str, sources: list[str], x: float, y: float,
             role: str = "hidden") -> None:
    """Fires only when every source fires: threshold len(sources) - 1/2."""
    net.add_neuron(name, role=role, activation="step", x=x, y=y)
    net.set_threshold(name, len(sources) - 0.5)
    for s in sources:
        net.connect(s, name, 1.0)


def polygon_network(vertices: np.ndarray, title: str) -> Network:
    net = Network(title)
    inputs(net, ["x1", "x2"])
    units = half_plane_units(net, "h", vertices, 1, scale=4.0)
    and_unit(net, "y", units, 2 * DX, 0.0, role="output")
    return net


def gate_data(gate: str) -> dict:
    return {"generator": "truth_table", "params": {"gate": gate}}


# ---------------------------------------------------------------------- 1
def l01():
    net = one_unit("The perceptron: y = g(1 + 3 x1 - 2 x2)", "sigmoid", (3.0, -2.0), bias=1.0,
                   values=[-1.0, 2.0])
    # The lecture's input as the one data point: the decision plot widens to show it, marked
    # with its z and y (class 0: y is far below 0.5).
    point = {"X": [[-1.0, 2.0]], "y": [0.0], "name": "the input (-1, 2)"}
    lesson(1, "perceptron-forward", "The perceptron's forward pass",
           "One unit: a weighted sum, a bias and a non-linearity.",
           "A perceptron adds its weighted inputs to a bias w0 and squashes the sum with an "
           "activation g. With w0 = 1 and W = [3, -2] the unit computes g(1 + 3 x1 - 2 x2). For the "
           "input (-1, 2): z = 1 - 3 - 4 = -6 and g(-6) = 0.00247, about 0.002. The set of inputs "
           "where 1 + 3 x1 - 2 x2 = 0 is a straight line: the unit's decision boundary; (-1, 2) "
           "lies far on its low side (ringed on the decision plot).",
           "y = g(w0 + X^T W) = g(1 + 3 x1 - 2 x2)",
           ["Click x1 and x2 (or edit their values in the inspector) and watch y change.",
            "Double-click the weight 3.0 and make it -3: the line on the decision plot turns.",
            "Change the unit from sigmoid to threshold: the soft edge becomes a hard one."],
           [scene_to_dict("y = g(1 + 3 x1 - 2 x2)", net, point, plots=["decision", "activation"],
                          steps=150, steps_per_frame=1,
                          claim="With w0 = 1 and weights 3 and -2, the input (-1, 2) gives "
                                "z = 1 - 3 - 4 = -6 and y = g(-6) = 0.00247, about 0.002: far on "
                                "the low side of the line 1 + 3 x1 - 2 x2 = 0.",
                          figures=["output:y"], readout="y")])


# ---------------------------------------------------------------------- 2
HOLD = 24  # steps each input pattern of a walk-through is held (0.8 s at 30 fps)


def walk(names: list[str], patterns: list[tuple[int, ...]]) -> list[dict]:
    """An input schedule: each pattern of values for `names` held HOLD steps."""
    return [dict(zip(names, map(float, p))) for p in patterns for _ in range(HOLD)]


def l02():
    net = Network("McCulloch-Pitts gates")
    inputs(net, ["a", "b", "veto"])
    gates = [("AND", (1, 1), 1.5), ("OR", (1, 1), 0.5), ("NAND", (-1, -1), -1.5),
             ("NOT a", (-1, None), -0.5), ("a OR b unless veto", (1, 1), 0.5)]
    for j, (name, (wa, wb), threshold) in enumerate(gates):
        x, y = column(1, j, len(gates))
        net.add_neuron(name, role="output", activation="step", x=x + 40, y=y)
        net.set_threshold(name, threshold)
        net.connect("a", name, float(wa))
        if wb is not None:
            net.connect("b", name, float(wb))
    net.connect("veto", "a OR b unless veto", 1.0, kind="inhibitory")
    # The truth table walked through in time (the raster is the table, one column per step):
    # a and b through 00, 01, 10, 11 with the veto silent; then the veto fires under 11, 01 and
    # 10, and the last unit stays silent whatever a and b do; then it stops and 11 fires again.
    schedule = walk(["a", "b", "veto"], [(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 0),
                                         (1, 1, 1), (0, 1, 1), (1, 0, 1), (1, 1, 0)])
    lesson(2, "mcculloch-pitts", "McCulloch-Pitts threshold units",
           "All-or-none units compute Boolean logic; an inhibitory synapse is an absolute veto.",
           "A McCulloch-Pitts unit fires (outputs 1) when the weighted sum of its inputs exceeds its "
           "threshold T. With the right weights and thresholds single units compute AND, OR, NAND and "
           "NOT, so networks of them compute any Boolean proposition. An inhibitory synapse is "
           "different: any activity on it absolutely prevents the unit from firing at that time, "
           "regardless of the other inputs. The raster below is the truth table in time: one row "
           "per neuron, one column per step, a mark where the neuron fires. The inputs walk "
           "through 00, 01, 10 and 11; then 'veto' fires, and 'a OR b unless veto' stays silent "
           "under 11, 01 and 10 until the veto stops.",
           "y = 1 if sum_i w_i x_i > T (and no inhibitory input fires), else 0",
           ["Click the inputs a and b to walk through the truth tables yourself.",
            "Switch 'veto' on: the last unit stays silent whatever a and b do.",
            "Select the AND unit and lower its threshold to 0.5: it becomes an OR."],
           [scene_to_dict("AND, OR, NAND, NOT and a veto", net, plots=["raster"],
                          steps=len(schedule), steps_per_frame=1, inputs=schedule,
                          claim="Each unit fires exactly on its rows of the truth table (AND only "
                                "for 11, NAND except for 11); while veto fires, 'a OR b unless "
                                "veto' stays silent even for 11: an inhibitory synapse is an "
                                "absolute veto.",
                          figures=["step", "output:veto", "output:a OR b unless veto"])])


# ---------------------------------------------------------------------- 3
def l03():
    net = Network("A McCulloch-Pitts latch")
    inputs(net, ["set", "reset"])
    net.add_neuron("memory", role="output", activation="step", x=DX, y=0.0)
    net.set_threshold("memory", 0.5)
    net.connect("set", "memory", 1.0)
    net.connect("memory", "memory", 1.0)
    net.connect("reset", "memory", 1.0, kind="inhibitory")
    quiet, pulse_set, pulse_reset = {"set": 0, "reset": 0}, {"set": 1, "reset": 0}, \
        {"set": 0, "reset": 1}
    # Slow enough to watch (4.5 s at 30 fps): quiet, a 3-step set pulse, 70 steps of memory
    # after set has gone, a 3-step reset pulse, quiet again.
    schedule = [quiet] * 20 + [pulse_set] * 3 + [quiet] * 70 + [pulse_reset] * 3 + [quiet] * 40
    on, off = 21, 20 + 3 + 70 + 1  # the steps at which memory turns on and off (snapshot steps)
    lesson(3, "loops-remember", "Loops remember",
           "A unit that excites itself keeps firing after its input has gone: a memory.",
           "Networks with loops can remember (Kubie, 1930: closed loops in the nervous system explain "
           "memory). Here one threshold unit excites itself. A short pulse on 'set' makes it fire; "
           "from then on its own output keeps it above threshold, step after step, until a pulse on "
           "the inhibitory 'reset' synapse vetoes it. The raster shows it over time: one row per "
           "neuron, time running left to right.",
           "memory(t) = 1 if set(t) + memory(t-1) > 0.5 and reset(t) = 0",
           ["Press Step repeatedly: the memory turns on with the set pulse and stays on.",
            "Click 'set' on and off yourself while the simulation runs.",
            "Delete the self-loop: the memory forgets as soon as 'set' goes back to 0."],
           [scene_to_dict("Set and reset pulses", net, plots=["raster"], steps=len(schedule),
                          steps_per_frame=1, inputs=schedule,
                          claim=f"A 3-step pulse on set turns memory on at step {on}; its loop "
                                f"keeps it on after set has gone, {off - on} steps in all, until "
                                f"reset fires at step {off} and turns it off.",
                          figures=["step", "output:memory"])])


# ---------------------------------------------------------------------- 4
def hebb_net(title: str) -> Network:
    return one_unit(title, "linear", (0.3, -0.1))


def l04():
    data = {"generator": "linear_clouds", "params": {"n": 200, "noise": 0.4, "seed": 0}}
    lesson(4, "hebbian-learning", "Hebbian learning and its instability",
           "Cells that fire together wire together, and without competition they never stop.",
           "Hebb's rule strengthens a synapse whenever its input x_i and the unit's output y are "
           "active together: w_i <- w_i + eta x_i y. Stronger connections enforce themselves: there is "
           "no competition and no reduction, so the weights grow without bound, by the same factor "
           "every few steps: exponential growth, a straight climb once the weights plot turns to a "
           "log axis. Oja's rule adds a decay term, w <- w + eta y (x - y w), which keeps the "
           "weight vector at unit length: it settles on the data's first principal component.",
           "Hebb: w_i <- w_i + eta x_i y      Oja: w <- w + eta y (x - y w)",
           ["Play the Hebb scene: once ||w|| has grown a thousand-fold the weights plot turns to a "
            "log axis, where exponential growth is a straight line.",
            "Play the Oja scene: the weights settle at about (0.71, 0.71), unit length.",
            "Lower the learning rate: Hebb's blow-up is delayed, not prevented."],
           [scene_to_dict("Hebb: the weights grow without bound", hebb_net("Hebb"), data,
                          {"name": "hebb", "params": {"learning_rate": 0.01}},
                          ["weights"], steps=2000, steps_per_frame=10,
                          claim="Hebb's rule feeds on itself: ||w|| doubles about every 33 steps, "
                                "a straight climb on the log axis, from 0.316 to about 4e+17 in "
                                "2,000 steps, and it never stops.",
                          figures=["step", "weight_norm"]),
            scene_to_dict("Oja: bounded, the first principal component", hebb_net("Oja"), data,
                          {"name": "oja", "params": {"learning_rate": 0.01}},
                          ["weights"], steps=2000, steps_per_frame=10,
                          claim="Oja's decay term holds ||w|| at 1: both weights settle near 0.7 "
                                "(1/sqrt(2) = 0.707 each), the data's first principal direction.",
                          figures=["step", "weight_norm"])])


# ---------------------------------------------------------------------- 5
# Starting lines chosen so that the process is seen (AND and OR take 30 and 35 epochs, 4 and
# 4.7 s at 30 fps, their accuracy only ever rising) and no corner ends on the final line (the
# nearest is 0.23 and 0.35 from it); XOR from a line that gets 3 of its 4 corners right.
# tests/app/test_lesson_claims_b.py checks these figures.
PERCEPTRON_STARTS = {"and": (-1.75, 1.25, 2.0), "or": (-2.0, -1.0, 1.25), "xor": (-2.0, 2.0, -1.75)}


def perceptron_net(title: str, start: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> Network:
    w1, w2, bias = start
    return one_unit(title, "step", (w1, w2), bias=bias)


def l05():
    rule = {"name": "perceptron", "params": {"learning_rate": 0.1}}
    claims = {
        "and": "From a wrong line (2 of 4 corners right) the rule moves it, one wrong answer at a "
               "time, until all 4 are right (100%) after 30 epochs: AND is linearly separable, so "
               "the perceptron converges, and stops.",
        "or": "OR is linearly separable too: from 1 of 4 corners right the line moves until all 4 "
              "are right (100%) after 35 epochs, and the run stops as converged.",
        "xor": "No line separates XOR: the line never stops moving, and at each epoch's end it "
               "gets 2 or 3 of the 4 corners right (50% or 75%), never all 4, never none."}
    lesson(5, "perceptron-learning", "Rosenblatt's perceptron learns, except XOR",
           "The perceptron rule converges on linearly separable data and never on XOR.",
           "Rosenblatt's learning rule nudges the weights whenever the unit answers wrongly: "
           "W <- W + eta (d - y) x. For linearly separable classes it provably converges: AND and OR "
           "are learned from a wrong start in a few dozen epochs of four samples each. XOR "
           "has no separating line, so the perceptron's line keeps hunting for a solution that "
           "does not exist (Minsky and Papert, 1969). The accuracy plotted is that of the line at "
           "the end of each epoch, on all four corners.",
           "W <- W + eta (d(x) - y(x)) x",
           ["Play AND and OR: the errors drop to 0 and the run stops as converged.",
            "Play XOR: the line never stops moving and the errors never reach 0.",
            "Add a hidden layer (lesson 7) to solve XOR."],
           [scene_to_dict(f"{g.upper()}", perceptron_net(f"Perceptron learning {g.upper()}",
                                                         PERCEPTRON_STARTS[g]),
                          gate_data(g), rule, ["decision", "weights", "loss"], steps=4 * 60,
                          claim=claims[g], figures=["epoch", "accuracy", "errors"])
            for g in ("and", "or", "xor")])


# ---------------------------------------------------------------------- 6
def l06():
    few = ["A", "C", "X"]
    many = ["A", "B", "C", "D", "E", "F", "G", "H", "K", "X"]

    def scene(title, letters, noise, sweeps, claim):
        # One unit updated per step (recall_units = 1): recall is seen update by update, the
        # energy plotted after each; `sweeps` sweeps of the 64 units after the storage steps.
        patterns = bitmap_patterns(letters, size=8)
        return scene_to_dict(title, Network.hopfield(64),
                             {"X": patterns.tolist(), "name": "letters " + " ".join(letters)},
                             {"name": "hopfield", "params": {"method": "hebbian", "recall_units": 1}},
                             ["hopfield", "energy"], steps=len(letters) + 64 * sweeps,
                             steps_per_frame=1, start={"pattern": 0, "noise": noise, "seed": 3},
                             claim=claim, figures=["step", "energy"])

    # Builder networks keep the file small: the weights come from storing the patterns.
    # The figures are measured here (tests/app/test_lesson_claims_b.py checks them).
    scenes = [scene("Recall A from 20% noise", few, 0.2, 2,
                    "From A with 13 of its 64 pixels flipped (20% noise), each unit update lowers "
                    "the energy or leaves it: E falls from -11.6 to -33.6 within one sweep, and "
                    "the state is A again, 0 of 64 pixels off."),
              scene("Too many letters: spurious states", many, 0.2, 3,
                    "With 10 letters stored in 64 units, the same slide downhill (E from -30.2 to "
                    "-132) ends in a spurious minimum: 18 pixels from A, and 4 from K, the "
                    "nearest letter, matching none.")]
    for s in scenes:
        s["network"] = {"builder": "hopfield", "n": 64}
    lesson(6, "hopfield", "Hopfield networks: memories at the bottom of an energy landscape",
           "Stored letters are recalled from noisy or partial versions as the energy goes down.",
           "A Hopfield network is a loop of sign units with symmetric weights. Storing patterns with "
           "the Hebbian prescription W = 1/N sum_p p p^T makes each pattern a minimum of the energy "
           "E(s) = -1/2 s^T W s. Updating one unit at a time never increases E, so a noisy start "
           "slides downhill into the nearest stored memory: a content-addressable memory. Here each "
           "step updates one unit (the pixels outlined in orange just flipped), and the energy "
           "plot has a point after every update. Store too many patterns (more than about 0.14 N "
           "for random ones, fewer for similar letters) and spurious minima appear that match no "
           "stored pattern.",
           "E(s) = -1/2 s^T W s - b^T s;   s_i <- sign(sum_j w_ji s_j + b_i)",
           ["Press Step to update one unit at a time while the energy falls.",
            "Click pixels to flip them, or press Noise 20%, and recall again.",
            "Open the second scene: with ten letters stored, recall ends in a mixture."],
           scenes)


# ---------------------------------------------------------------------- 7
def xor_threshold_net() -> Network:
    net = Network("XOR from threshold units")
    inputs(net, ["x1", "x2"], [1.0, 0.0])
    net.add_neuron("OR", activation="step", bias=-0.5, x=DX, y=-DY / 2)
    net.add_neuron("NAND", activation="step", bias=1.5, x=DX, y=DY / 2)
    net.add_neuron("y", role="output", activation="step", bias=-1.5, x=2 * DX, y=0.0)
    for x in ("x1", "x2"):
        net.connect(x, "OR", 1.0)
        net.connect(x, "NAND", -1.0)
    net.connect("OR", "y", 1.0)
    net.connect("NAND", "y", 1.0)
    return net


def l07():
    learned = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    learned.name = "XOR learned by backprop"
    # Two hidden units: the layer view draws the plane in their own 2-D space, where the output's
    # line is exact.  Seed 6 at rate 0.01 passes a plateau at 75% (one cloud on the wrong side)
    # before the fold separates all four clouds.
    folding = Network.layered([2, 2, 1], ["tanh", "sigmoid"], seed=6)
    folding.name = "XOR clouds through two tanh units"
    lesson(7, "mlp-xor", "The multi-layer perceptron solves XOR",
           "A hidden layer makes XOR possible: first by hand, then learned by backprop.",
           "XOR is OR and not AND: two hidden threshold units (OR, NAND) feed an AND. The first "
           "layer is 'hidden'. Counting parameters as the lecture does, the number that matters is "
           "the number of connections: 6 here. Backpropagation finds such weights by itself: the "
           "error at the output is sent back through the network to every weight.",
           "y = AND(OR(x1, x2), NAND(x1, x2))",
           ["Click the inputs of the hand-built network through all four cases; the status bar "
            "counts connections = parameters.",
            "Open the learned scene and press Train: the decision plot bends into XOR's two bands.",
            "Open the third scene: the Layer view draws each point where the two hidden units "
            "carry it; train and watch the plane fold until one straight line separates XOR."],
           [scene_to_dict("Hand-set threshold weights", xor_threshold_net(), gate_data("xor"),
                          plots=["decision"], steps=150, steps_per_frame=1, figures=["output:y"],
                          readout="y",
                          claim="OR and NAND, each a line, feed an AND: y is 1 between the two "
                                "lines, so (1, 0) and (0, 1) give 1 and (0, 0) and (1, 1) give 0: "
                                "XOR from 5 units and 6 connections."),
            scene_to_dict("Learned by backprop", learned, gate_data("xor"),
                          {"name": "backprop", "params": {"optimizer": "adam", "learning_rate": 0.01,
                                                          "loss": "binary_crossentropy",
                                                          "batch_size": 4}},
                          ["decision", "loss"], steps=300, steps_per_frame=1,
                          figures=["epoch", "loss", "accuracy"],
                          claim="Backprop moves the 12 weights of a 2-4-1 network down the loss: "
                                "the boundary bends into XOR's band and all four cases come out "
                                "right."),
            scene_to_dict("How the hidden layer bends the plane", folding,
                          {"generator": "xor_clouds", "params": {"n": 200, "noise": 0.2, "seed": 0}},
                          {"name": "backprop", "params": {"optimizer": "adam", "learning_rate": 0.01,
                                                          "loss": "binary_crossentropy",
                                                          "batch_size": 16}},
                          ["layers", "loss"], steps=480, steps_per_frame=2,
                          figures=["epoch", "loss", "accuracy"],
                          claim="Each point of the plane is drawn at (h1_1, h1_2), the hidden "
                                "units' outputs: training folds the grid until one straight line "
                                "separates the two classes: accuracy 50%, 75%, then 100%.")])


# ---------------------------------------------------------------------- 8
def l08():
    net = Network("Three activation functions")
    inputs(net, ["z"], [0.5])
    for j, act in enumerate(("sigmoid", "tanh", "relu")):
        x, y = column(1, j, 3)
        net.add_neuron(act, role="output", activation=act, x=x, y=y)
        net.connect("z", act, 1.0)
    # Starts facing the wrong way: the delta rule turns the soft boundary round, step by step.
    soft = one_unit("The soft perceptron", "sigmoid", (-1.0, 1.0))
    lesson(8, "activation-functions", "Activation functions and the soft perceptron",
           "Sigmoid, tanh and ReLU, their derivatives, and a perceptron with a soft threshold.",
           "The activation g squashes the weighted sum. Sigmoid: g(z) = 1/(1 + e^-z), "
           "g' = g(1 - g). Tanh: g' = 1 - g^2. ReLU: g = max(0, z), g' = 1 for z > 0, else 0. "
           "The first scene draws the three side by side, each with its derivative (dashed) and "
           "the current z = 0.5 marked. Replacing the threshold by a sigmoid gives the 'soft' "
           "perceptron, whose output is differentiable, so it can be trained by gradient descent "
           "on the squared error (the delta rule): the second scene starts facing the wrong way "
           "and turns round.",
           "sigmoid' = g (1 - g);  tanh' = 1 - g^2;  relu' = [z > 0]",
           ["Change the input z (inspector) and watch the three dots move along their curves.",
            "Find where each derivative is largest: sigmoid 0.25 and tanh 1 at z = 0; ReLU is 1 "
            "for every z > 0.",
            "Train the soft perceptron: its boundary is a soft version of the perceptron's line."],
           [scene_to_dict("sigmoid, tanh, ReLU", net, plots=["activation"], steps=150,
                          steps_per_frame=1, figures=["output:sigmoid", "output:tanh", "output:relu"],
                          claim="At z = 0.5: sigmoid 0.622 (slope g(1 - g) = 0.235), tanh 0.462 "
                                "(slope 1 - g^2 = 0.786), ReLU 0.5 (slope 1); each drawn with its "
                                "derivative."),
            scene_to_dict("The soft perceptron (delta rule)", soft,
                          {"generator": "linear_clouds", "params": {"n": 100, "noise": 0.4,
                                                                    "seed": 0}},
                          {"name": "delta", "params": {"learning_rate": 0.02}},
                          ["decision", "loss"], steps=2000, steps_per_frame=10,
                          figures=["epoch", "loss", "accuracy"],
                          claim="The delta rule moves the sigmoid unit's weights down the squared "
                                "error: its soft boundary turns round to separate the two clouds "
                                "and the accuracy climbs to 100%.")])


# ---------------------------------------------------------------------- 9
def l09():
    data = {"generator": "xor_clouds", "params": {"n": 200, "noise": 0.2, "seed": 0}}
    # Adam at 0.001 (Keras's default), one batch a frame: 300 steps are 10 s at 30 fps.
    rule = {"name": "backprop", "params": {"optimizer": "adam", "learning_rate": 0.001,
                                           "loss": "binary_crossentropy", "batch_size": 16}}

    def deep(activation, title):
        net = Network.layered([2, 8, 8, 1], [activation, activation, "sigmoid"], seed=2)
        for s in net.synapses:  # larger starting weights: a sharp first boundary to watch
            net.set_weight(s.source, s.target, 2.5 * s.weight)
        net.name = title
        return net

    lesson(9, "why-nonlinearity", "Why non-linearity matters",
           "Linear units make a straight boundary however deep the network is.",
           "A composition of linear maps is linear: a network of linear units, however many layers "
           "deep, computes one linear function and can only separate the two classes with a "
           "straight line. Watch the first scene: it starts with a sharp straight boundary; no "
           "straight line separates XOR clouds, so training does the best a line can do and makes "
           "the network unsure everywhere: the boundary fades until the output is about 0.5 over "
           "the whole plane (the loss settles at ln 2 = 0.693, accuracy near 50%). Give the same "
           "network ReLU units and, with the same rule, the boundary bends around the clouds.",
           "W3 (W2 (W1 x)) = (W3 W2 W1) x",
           ["Train the linear network: the boundary stays a straight line and fades to 0.5.",
            "Train the ReLU network: it bends, and accuracy reaches 100%.",
            "Change one hidden unit of the linear network to tanh and train again."],
           [scene_to_dict("Deep linear network", deep("linear", "Deep but linear"), data, rule,
                          ["decision", "loss"], steps=300, steps_per_frame=1,
                          figures=["epoch", "loss", "accuracy"],
                          claim="Eight and eight linear units are one linear map: the boundary is "
                                "straight, and as training finds no line for XOR the output fades "
                                "to about 0.5 everywhere (loss ln 2 = 0.693, accuracy near 50%)."),
            scene_to_dict("The same network with ReLU", deep("relu", "The same network with ReLU"),
                          data, rule, ["decision", "loss"], steps=300, steps_per_frame=1,
                          figures=["epoch", "loss", "accuracy"],
                          claim="The same network, rule and data with ReLU units: the boundary "
                                "bends around the four clouds and the accuracy climbs to 100%.")])


# ---------------------------------------------------------------------- 10
def circles_network(counts: tuple[int, ...], radius: float) -> Network:
    """One circle-like polygon of k tangent half-planes per count, each ANDed into its own
    output named "k lines": the decision plot draws the outputs side by side."""
    net = Network("A circle from " + ", ".join(str(k) for k in counts) + " half-planes")
    inputs(net, ["x1", "x2"])
    total = sum(counts) + 2 * (len(counts) - 1)  # a gap of two places between the groups
    place = 0
    for k in counts:
        vertices = regular_polygon(k, radius / math.cos(math.pi / k))
        names = half_plane_units(net, f"c{k}.", vertices, 1, scale=4.0)
        ys = []
        for i, name in enumerate(names):  # one column, the groups one under the other
            y = 0.55 * DY * (place + i - (total - 1) / 2)  # 44 apart: 40 px neurons (maps) do not touch
            net.set_position(name, DX, y)
            ys.append(y)
        place += k + 2
        and_unit(net, f"{k} lines", names, 2 * DX, float(np.mean(ys)), role="output")
    return net


def l10():
    static = {"steps": 150, "steps_per_frame": 1}  # 5 s at 30 fps: time to look

    def shape(title, vertices, name, n, claim):
        # No data points: the region the network computes is the picture.
        return scene_to_dict(title, polygon_network(vertices, name), plots=["decision"],
                             claim=claim, figures=["output:y"], **static)

    square = np.array([[0.5, -0.5], [0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5]])
    scenes = [
        shape("A square: four half-planes ANDed", square, "Square", 4,
              "Four threshold units each fire on one side of a line; a unit with threshold 3.5 "
              "fires only when all four do: the square between the four lines."),
        shape("A pentagon", regular_polygon(5, 0.7, rotation=math.pi / 2), "Pentagon", 5,
              "Five half-planes ANDed (threshold 4.5) make a pentagon: the intersection of "
              "half-planes is always a convex region."),
        shape("A hexagon", regular_polygon(6, 0.7, rotation=math.pi / 2), "Hexagon", 6,
              "Six half-planes ANDed (threshold 5.5) make a hexagon."),
        scene_to_dict("A circle from 6, 12 and 24 half-planes", circles_network((6, 12, 24), 0.6),
                      plots=["decision"], figures=["output:6 lines", "output:12 lines",
                                                   "output:24 lines"],
                      claim="Side by side: 6, 12 and 24 tangent lines ANDed around a circle of "
                            "radius 0.6; the more lines, the closer the polygon is to the circle.",
                      **static),
    ]
    lesson(11, "decision-regions", "Composing decision regions from half-planes",
           "Each threshold unit is a half-plane; AND them and you get a convex region.",
           "A threshold unit on two inputs fires on one side of a line. A second-layer unit with "
           "threshold N - 1/2 fires only when all N first-layer units fire: the intersection of their "
           "half-planes, a convex polygon. Four lines make a square, five a pentagon, six a hexagon; "
           "with more and more lines the polygon approaches a circle, to arbitrary precision: the "
           "last scene draws 6, 12 and 24 lines side by side.",
           "y = [ sum_{i=1..N} h_i(x) > N - 1/2 ],  h_i(x) = [ w_i . x + b_i > 0 ]",
           ["Turn on 'unit lines' on the decision plot to see each hidden unit's line.",
            "Open the last scene: 6, 12 and 24 lines side by side.",
            "Drag a hidden unit's weight and watch its edge of the polygon move."],
           scenes)


# ---------------------------------------------------------------------- 11
UNION_SCALE = 0.85


def l11():
    net = Network("OR of two polygons")
    inputs(net, ["x1", "x2"])
    # The generator's two polygons, 0.85 times as large: both inside the plot's default view
    # (no data points over them).
    a, b = (UNION_SCALE * p for p in UNION_POLYGONS)
    ua = half_plane_units(net, "a", a, 1, scale=4.0, y_offset=-3.2 * DY)
    ub = half_plane_units(net, "b", b, 1, scale=4.0, y_offset=2.8 * DY)
    and_unit(net, "in A", ua, 2 * DX, -DY)
    and_unit(net, "in B", ub, 2 * DX, DY)
    net.add_neuron("y", role="output", activation="step", bias=-0.5, x=3 * DX, y=0.0)
    net.connect("in A", "y", 1.0)
    net.connect("in B", "y", 1.0)
    lesson(13, "need-for-depth", "The need for depth: the OR of two polygons",
           "Two separate regions need a third layer: half-planes, then ANDs, then an OR.",
           "One hidden layer of threshold units ANDed together gives one convex region. To fire in "
           "either of two separate polygons the network needs a third layer: the first layer draws "
           "the edges, the second ANDs them into each polygon, and the third ORs the polygons. The "
           "depth, the longest path from an input to the output, is 3.",
           "y = OR( AND(a_1..a_5), AND(b_1..b_4) )",
           ["Turn on 'unit lines' to see the nine edges.",
            "Delete the OR unit's synapse from 'in B': one polygon disappears.",
            "Check the status bar: depth 3."],
           [scene_to_dict("OR of a pentagon and a square", net, plots=["decision"], steps=150,
                          steps_per_frame=1, figures=["output:in A", "output:in B", "output:y"],
                          claim="Nine half-planes, two ANDs ('in A' of five edges, 'in B' of "
                                "four) and an OR: the output is 1 in either polygon, two separate "
                                "regions, so the network needs depth 3.")])


# ---------------------------------------------------------------------- 12
def xor_block(net: Network, a: str, b: str, name: str, k: int, y: float, role="hidden") -> None:
    net.add_neuron(f"{name}.or", activation="step", bias=-0.5, x=DX * k, y=y - 30)
    net.add_neuron(f"{name}.nand", activation="step", bias=1.5, x=DX * k, y=y + 30)
    net.add_neuron(name, role=role, activation="step", bias=-1.5, x=DX * (k + 1), y=y)
    for s in (a, b):
        net.connect(s, f"{name}.or", 1.0)
        net.connect(s, f"{name}.nand", -1.0)
    net.connect(f"{name}.or", name, 1.0)
    net.connect(f"{name}.nand", name, 1.0)


def parity_networks(n: int) -> tuple[Network, Network, dict]:
    """(a deep tree of XORs, one wide layer of odd-pattern detectors, the 2^n rows) for n bits."""
    names = [f"x{i + 1}" for i in range(n)]
    rows = np.array(list(itertools.product([0.0, 1.0], repeat=n)))
    data = {"X": rows.tolist(), "y": (rows.sum(axis=1) % 2).tolist(), "name": f"{n}-bit parity"}
    deep = Network(f"{n}-bit parity: a deep tree of XORs")
    inputs(deep, names)
    level, k, spread = names, 1, 1.5 * DY * n / 4
    while len(level) > 1:  # pair up neighbours, log2(n) levels of XOR blocks
        pairs = [level[i:i + 2] for i in range(0, len(level), 2)]
        last = len(pairs) == 1
        nxt = []
        for j, (a, b) in enumerate(pairs):
            name = "parity" if last else f"{a}^{b}" if k == 1 else f"xor{k}.{j + 1}"
            y = 0.0 if last else spread * (2 * j - (len(pairs) - 1)) / max(len(pairs) - 1, 1)
            xor_block(deep, a, b, name, k, y, role="output" if last else "hidden")
            nxt.append(name)
        level, k, spread = nxt, k + 2, spread / 2
    shallow = Network(f"{n}-bit parity: one wide hidden layer")
    inputs(shallow, names)
    odd = [r for r in rows if r.sum() % 2 == 1]
    gap = DY if len(odd) <= 8 else 14.0  # 128 detectors for n = 8: a tall, dense column
    for j, r in enumerate(odd):
        unit = "detect " + "".join(str(int(v)) for v in r)
        shallow.add_neuron(unit, activation="step", x=DX, y=gap * (j - (len(odd) - 1) / 2))
        shallow.set_threshold(unit, r.sum() - 0.5)
        for name, v in zip(names, r):
            shallow.connect(name, unit, 1.0 if v else -1.0)
    shallow.add_neuron("parity", role="output", activation="step", bias=-0.5, x=2 * DX, y=0.0)
    for r in odd:
        shallow.connect("detect " + "".join(str(int(v)) for v in r), "parity", 1.0)
    return deep, shallow, data


def l12():
    static = {"steps": 150, "steps_per_frame": 1}  # 5 s at 30 fps: time to look
    scenes = []
    for n in (4, 8):
        deep, shallow, data = parity_networks(n)
        for net, kind in ((deep, "deep tree of XORs"), (shallow, "one wide layer")):
            units = sum(nr.role != "input" for nr in net.neurons)
            title = f"n = {n}, {kind}: {units} units, {net.parameter_count:,} connections"
            other = shallow if net is deep else deep
            other_units = sum(nr.role != "input" for nr in other.neurons)
            claim = (f"{n}-bit parity, {kind}: {units} units and {net.parameter_count:,} "
                     f"connections, depth {net.depth}, against {other_units} units and "
                     f"{other.parameter_count:,} connections for the "
                     f"{'wide layer' if net is deep else 'deep tree'}.")
            scenes.append(scene_to_dict(title, net, data, figures=["output:parity"], claim=claim,
                                        **static))
    lesson(14, "depth-vs-width", "Depth versus width: parity",
           "A deep tree of XORs needs far fewer units and connections than one wide layer.",
           "The parity of n bits is a tree of XORs, log2(n) XORs deep. Each XOR costs 3 threshold "
           "units and 6 connections, so the deep network grows linearly with n: 3 (n - 1) units. A "
           "network with one hidden layer needs a detector for every odd pattern: 2^(n-1) units "
           "plus the output. For n = 4 the two happen to have 9 units each (18 connections deep "
           "against 40); for n = 8 it is 21 units and 42 connections deep against 129 units and "
           "1,152 connections wide. Deeper networks can need far fewer neurons.",
           "parity(x1..xn) = XOR(XOR(x1, x2), XOR(x3, x4)) ...",
           ["Compare 'connections' in the status bar between the scenes.",
            "Click the inputs: the networks agree on every case.",
            "Compare depth: 2 log2(n) for the tree, 2 for the wide layer."],
           scenes)


# ---------------------------------------------------------------------- 13
def pulse_network(edges: list[float], heights: list[float], title: str, scale: float = 1.0) -> Network:
    """Pulses between consecutive edges, each from two threshold units summed with +h and -h."""
    net = Network(title)
    inputs(net, ["x"])
    k = len(heights)
    net.add_neuron("y", role="output", activation="linear", x=2 * DX, y=0.0)
    for i, h in enumerate(heights):
        for side, edge, sign in (("up", edges[i], 1.0), ("down", edges[i + 1], -1.0)):
            name = f"p{i + 1}.{side}"
            x, y = column(1, 2 * i + (side == "down"), 2 * k)
            net.add_neuron(name, activation="step", x=x, y=y * scale)
            net.set_threshold(name, edge)
            net.connect("x", name, 1.0)
            net.connect(name, "y", sign * h)
    return net


def l13():
    static = {"steps": 150, "steps_per_frame": 1}  # 5 s at 30 fps: time to look
    pulse = pulse_network([-0.5, 0.5], [1.0], "A square pulse from T1 = -0.5 to T2 = 0.5")
    scenes = [scene_to_dict("The 3-unit square pulse", pulse,
                            {"generator": "pulse", "params": {"n": 200, "t1": -0.5, "t2": 0.5,
                                                              "seed": 0}}, plots=["curve"],
                            figures=["output:y"],
                            claim="A step up at T1 = -0.5 (weight +1) plus a step down at "
                                  "T2 = 0.5 (weight -1), summed by a linear unit: a square pulse, "
                                  "1 between -0.5 and 0.5 and 0 elsewhere, from 3 units.",
                            **static)]
    for k in (6, 24):
        edges = np.linspace(0.0, 2 * math.pi, k + 1)
        heights = np.sin((edges[:-1] + edges[1:]) / 2)
        net = pulse_network(edges.tolist(), heights.tolist(), f"sin(x) from {k} pulses",
                            scale=0.5 if k > 10 else 1.0)
        worst = float(np.max(np.abs(np.sin(np.linspace(0, 2 * math.pi, 4001))
                                    - net.evaluate(np.linspace(0, 2 * math.pi, 4001)[:, None])[:, 0])))
        scenes.append(scene_to_dict(f"{k} pulses follow sin(x)", net,
                                    {"generator": "sine", "params": {"n": 400, "seed": 0}},
                                    plots=["curve"], figures=["output:y"],
                                    claim=f"{k} pulses of width 2 pi / {k}, each scaled by sin at "
                                          f"its middle, summed: the staircase follows sin(x) "
                                          f"within {worst:.2f} everywhere on [0, 2 pi].",
                                    **static))
    lesson(16, "universal-approximation-1d", "Universal approximation in one dimension",
           "Two threshold units and a summing output make a square pulse; many pulses make any curve.",
           "A unit that fires for x > T1 minus a unit that fires for x > T2 is 1 only between T1 and "
           "T2: a square pulse, from 3 units (the first scene draws the two steps, dashed, and "
           "their difference). Scale each pulse by the height of a target function and sum many "
           "of them: the network follows the curve, and narrower pulses follow it more "
           "accurately, to arbitrary precision.",
           "y(x) = sum_i h_i ( [x > T_i] - [x > T_{i+1}] )",
           ["Move T1 and T2 (the thresholds of the two units) in the inspector.",
            "Compare the 6-pulse and 24-pulse scenes on the curve plot.",
            "Change one pulse's output weight and watch its step move up or down."],
           scenes)


# ---------------------------------------------------------------------- 14
def cylinder_units(net: Network, prefix: str, centre, radius: float, k: int, height: float,
                   layer: int, y_offset: float) -> None:
    """k tangent half-planes around a disc, ANDed into one unit that adds `height` to the output."""
    vertices = regular_polygon(k, radius / math.cos(math.pi / k), centre)
    units = half_plane_units(net, f"{prefix}.", vertices, layer, scale=6.0, y_offset=y_offset)
    and_unit(net, prefix, units, DX * (layer + 1), y_offset)
    net.connect(prefix, "y", height)


def l14():
    one = Network("A cylinder from 16 units")
    inputs(one, ["x1", "x2"])
    one.add_neuron("y", role="output", activation="linear", x=3 * DX, y=0.0)
    cylinder_units(one, "disc", (0.0, 0.0), 0.5, 16, 1.0, 1, 0.0)
    two = Network("Two cylinders summed")
    inputs(two, ["x1", "x2"])
    two.add_neuron("y", role="output", activation="linear", x=3 * DX, y=0.0)
    cylinder_units(two, "left", (-0.45, 0.2), 0.35, 12, 1.0, 1, -6.5 * DY)
    cylinder_units(two, "right", (0.5, -0.3), 0.3, 12, 0.6, 1, 6.5 * DY)
    lesson(17, "universal-approximation-2d", "Universal approximation in two dimensions",
           "Many half-planes make a cylinder; sums of scaled, shifted cylinders make any surface.",
           "In two dimensions a 'pulse' is a cylinder: N threshold units whose lines are tangent to a "
           "circle, ANDed together, fire inside (almost) a disc. Scale each cylinder by a height and "
           "sum them to compose arbitrary functions, more precisely as the cylinders get thinner. "
           "But each cylinder costs N + 1 units; an RBF unit (next lesson) does it with one.",
           "y(x) = sum_c h_c [ sum_{i=1..N} [ w_ci . x + b_ci > 0 ] > N - 1/2 ]",
           ["Turn on 'unit lines': the 16 tangent lines around the disc of radius 0.5.",
            "Open the second scene: two cylinders of different heights.",
            "Count the units in the status bar, then compare with lesson 19."],
           [scene_to_dict("One cylinder", one, plots=["decision"], steps=150, steps_per_frame=1,
                          figures=["output:disc", "output:y"],
                          claim="16 threshold units tangent to a circle of radius 0.5, ANDed by "
                                "one unit: the output is 1 on a 16-sided disc, a cylinder of "
                                "height 1, from 17 units."),
            scene_to_dict("Two cylinders", two, None, plots=["decision"], steps=150,
                          steps_per_frame=1, figures=["output:left", "output:right", "output:y"],
                          claim="Two cylinders of 12 lines each, scaled by heights 1 and 0.6 and "
                                "summed by a linear output: a surface with two steps.")])


# ---------------------------------------------------------------------- 15
def l15():
    # beta = 4 ln 2: the bump is 0.5 at distance 0.5, the data cylinder's radius, so its 0.5
    # contour is the cylinder's edge (the bump and the data at one scale).
    beta = 4.0 * math.log(2.0)
    one = Network.rbf(2, 1, 1, beta=beta)
    one.name = "One RBF unit, one bump"
    one.set_weight("x1", "c1", 0.0)
    one.set_weight("x2", "c1", 0.0)
    one.set_weight("c1", "y", 1.0)
    one.set_bias("y", 0.0)
    data = {"generator": "cylinder", "params": {"n": 400, "radius": 0.5, "seed": 0}}

    def fit(method, extra):
        return {"name": "rbf", "params": {"n_centers": 9, "beta": 4.0, "centers": "kmeans",
                                          "method": method, **extra}}

    def nine(title):
        net = Network.rbf(2, 9, 1, beta=4.0)
        net.name = title
        return net

    lesson(19, "rbf-networks", "RBF networks",
           "A unit whose output depends on the distance to a centre makes a bump with one unit.",
           "A radial basis unit responds to the distance of the input from its centre c (its "
           "incoming weights): y = exp(-beta ||x - c||^2), with a bandwidth beta. It is radially "
           "symmetric instead of linear, so a single unit composes a cylinder-like output: one unit "
           "per 'cylinder', where linear perceptrons needed many. With beta = 4 ln 2 = 2.77 the "
           "bump is 0.5 at distance 0.5: its 0.5 contour is the edge of the data's cylinder of "
           "radius 0.5. Fitting an RBF network is easy: place the centres (k-means, a grid, data "
           "points), then find the output weights, step by step by gradient descent or at once by "
           "least squares. The decision plot draws the 0.5 contour: the targets are 0 and 1.",
           "y = sum_j v_j exp(-beta ||x - c_j||^2) + v_0",
           ["Change beta of the single unit: the bump narrows or widens.",
            "Train the second scene: 9 units fit the cylinder by gradient descent.",
            "Compare with lesson 17's 17 threshold units for one cylinder."],
           [scene_to_dict("One unit, one bump", one, data, plots=["decision"], steps=150,
                          steps_per_frame=1, figures=["output:y"],
                          claim="One gaussian unit centred at 0 with beta = 4 ln 2 = 2.77: its "
                                "output is 1 at the centre and 0.5 at distance 0.5, so its 0.5 "
                                "contour is the edge of the data's cylinder of radius 0.5."),
            scene_to_dict("Fit a cylinder by gradient descent", nine("9 RBF units, gradient fit"),
                          data, fit("gradient", {"learning_rate": 0.2, "batch_size": 16}),
                          ["decision", "loss"], steps=300, steps_per_frame=1,
                          figures=["epoch", "loss"],
                          claim="Nine gaussian units at k-means centres; gradient descent on the "
                                "output weights brings the squared error down epoch by epoch and "
                                "the 0.5 contour closes round the cylinder."),
            scene_to_dict("The same fit by least squares, in one step",
                          nine("9 RBF units, least squares"), data,
                          fit("least_squares", {}), ["decision"], steps=150, steps_per_frame=1,
                          figures=["loss"],
                          claim="Least squares solves for the nine output weights at once: the "
                                "best squared error these centres allow, in one step.")])


# ---------------------------------------------------------------------- 16
def l16():
    def keras(title):
        net = Network.layered([2, 16, 1], ["relu", "sigmoid"], seed=0)
        net.name = title
        return net

    moons = {"generator": "moons", "params": {"n": 1000, "noise": 0.1, "seed": 0}}

    def adam(rate):
        return {"name": "backprop", "params": {"optimizer": "adam", "learning_rate": rate,
                                               "loss": "binary_crossentropy", "batch_size": 32,
                                               "validation_split": 0.2}}

    # 800 training points in batches of 32: 25 steps an epoch.
    lesson(20, "keras-example", "The Keras example",
           "The lecture's TensorFlow snippet, drawn: Dense(16, relu) -> Dense(1, sigmoid) with Adam.",
           "The lecture asks a language model to 'write code in TensorFlow to train a neural "
           "network' and gets a two-layer classifier: 16 ReLU units and one sigmoid output, compiled "
           "with the Adam optimiser and binary cross-entropy, trained for 10 epochs in batches of 32 "
           "with validation data. Keras's Adam uses the learning rate 0.001 by default; on these "
           "moons that reaches about 88% validation accuracy in 10 epochs, so the first scene uses "
           "0.03 to finish within the snippet's 10 epochs (99%). The second scene keeps Keras's "
           "default 0.001 and trains 80 epochs instead: the validation accuracy climbs from 86% to "
           "95%.",
           "model = Sequential([Input((2,)), Dense(16, 'relu'), Dense(1, 'sigmoid')]); "
           "model.compile('adam', 'binary_crossentropy'); model.fit(x, y, epochs=10, batch_size=32)",
           ["Press Train: 10 epochs, loss and validation accuracy on the loss plot.",
            "Export the network as Keras or PyTorch code (File > Export).",
            "Open the second scene: Keras's default rate, eight times the epochs."],
           [scene_to_dict("10 epochs at learning rate 0.03", keras("Dense(16, relu) -> "
                                                                   "Dense(1, sigmoid)"),
                          moons, adam(0.03), ["decision", "loss"], steps=250, steps_per_frame=1,
                          stop={"epochs": 10}, figures=["epoch", "loss", "val_accuracy"],
                          claim="The snippet's 10 epochs in batches of 32, with Adam at 0.03 "
                                "instead of Keras's default 0.001 (which reaches only about 88% "
                                "in 10 epochs): validation accuracy climbs from 92% to 99%."),
            scene_to_dict("Keras's default rate 0.001, 80 epochs", keras("Dense(16, relu) -> "
                                                                        "Dense(1, sigmoid), "
                                                                        "Adam 0.001"),
                          moons, adam(0.001), ["decision", "loss"], steps=2000,
                          steps_per_frame=5, stop={"epochs": 80},
                          figures=["epoch", "loss", "val_accuracy"],
                          claim="With Keras's default learning rate 0.001 the same network needs "
                                "about 80 epochs: validation accuracy climbs from 86% to 95%.")])


# ---------------------------------------------------------------------- 17
def l17():
    data = {"generator": "xor_clouds", "params": {"n": 200, "noise": 0.2, "seed": 0}}

    def net(title):
        n = Network.layered([2, 4, 1], ["tanh", "sigmoid"], seed=3)
        n.name = title
        return n

    lesson(22, "hebb-vs-backprop", "Hebb against backprop: why backprop won",
           "On the same network and data, Hebb's rule has no error signal; backprop does.",
           "Hebb's rule only strengthens what is already active: it never looks at the desired "
           "output, so it cannot learn a task: its accuracy stays near chance (it is measured "
           "against targets the rule never sees), while its weights grow steadily, without bound. "
           "Backpropagation sends the output error back through the network and moves every weight "
           "downhill on the loss. It is not how brains learn (probably), but it works: the lecture's "
           "point that Hebb 'is generally not nearly as fast or effective as backpropagation'.",
           "Hebb: w <- w + eta x y     Backprop: w <- w - eta dL/dw",
           ["Train with Hebb: accuracy stays near chance while the weight norm grows steadily.",
            "Train the same network with backprop: accuracy 100%.",
            "Compare the two accuracy curves."],
           [scene_to_dict("Hebb on XOR clouds", net("2-4-1 trained by Hebb"), data,
                          {"name": "hebb", "params": {"learning_rate": 0.01}},
                          ["decision", "weights"], steps=2000, steps_per_frame=10,
                          figures=["epoch", "accuracy", "weight_norm"],
                          claim="Hebb's rule on XOR clouds: the accuracy stays near chance (50%) "
                                "while the weight norm grows steadily, to about 42 after 10 "
                                "epochs: no error signal, no learning."),
            scene_to_dict("Backprop on XOR clouds", net("2-4-1 trained by backprop"), data,
                          {"name": "backprop", "params": {"optimizer": "adam", "learning_rate": 0.01,
                                                          "loss": "binary_crossentropy",
                                                          "batch_size": 16}},
                          ["decision", "loss"], steps=400, steps_per_frame=2,
                          figures=["epoch", "loss", "accuracy"],
                          claim="The same network and data with backprop: the loss falls and the "
                                "accuracy climbs to 100% as the boundary bends round the clouds.")])


# ---------------------------------------------------------------------- 18-22: issue 13's new
# lessons (the lecture parts no lesson covered).  Numbered 18-22 for now; the lecture's order is
# in each function's comment.
STATIC = {"steps": 150, "steps_per_frame": 1}  # 5 s at 30 fps: time to look (and to turn)


def z_network(sizes: list[int], activations: list[str], title: str, seed: int) -> Network:
    """Fully connected layers named in the lecture's notation: inputs x1.., unit i of layer k
    "z{k},{i}" (it computes z_{k,i} and passes on g(z_{k,i})), outputs y1..; Glorot weights."""
    rng = np.random.default_rng(seed)
    net = Network(title)
    names = [[f"x{i + 1}" for i in range(sizes[0])]]
    inputs(net, names[0])
    last = len(sizes) - 1
    for k in range(1, len(sizes)):
        layer = [f"y{i + 1}" if k == last else f"z{k},{i + 1}" for i in range(sizes[k])]
        limit = math.sqrt(6.0 / (sizes[k - 1] + sizes[k]))
        for i, name in enumerate(layer):
            x, y = column(k, i, sizes[k])
            net.add_neuron(name, role="output" if k == last else "hidden",
                           activation=activations[k - 1], x=x, y=y)
            for source in names[-1]:
                net.connect(source, name, float(rng.uniform(-limit, limit)))
        names.append(layer)
    return net


# Lecture order: the 30-connection slide follows the XOR MLP (lesson 7); the layered notation
# z_{k,i} and "deep means depth > 2" follow the perceptron example (after lesson 9).
def l18():
    data = {"generator": "blobs", "params": {"n": 150, "k": 3, "noise": 0.6, "seed": 0}}
    rule = {"name": "backprop", "params": {"optimizer": "adam", "learning_rate": 0.03,
                                           "loss": "categorical_crossentropy", "batch_size": 16}}
    deep = z_network([2, 3, 4, 3], ["tanh", "tanh", "softmax"], "2-3-4-3: 30 connections, depth 3",
                     seed=1)
    shallow = z_network([2, 6, 3], ["tanh", "softmax"], "2-6-3: 30 connections, depth 2", seed=1)
    assert deep.parameter_count == shallow.parameter_count == 30
    assert (deep.depth, shallow.depth) == (3, 2)
    lesson(10, "layered-notation", "Layers, connections and depth",
           "A network's parameters are its connections; its depth is its longest path.",
           "Number the layers k = 0 (the inputs) to K (the outputs). Unit i of layer k adds its "
           "bias w0 to the outputs g(z_{k-1,j}) of the layer below, each times its weight: "
           "z_{k,i} = w0 + sum_j w_{k,ij} g(z_{k-1,j}); the units here are named z{k},{i}. The "
           "lecture counts a network's parameters as its connections, 'the number that really "
           "matters in software or hardware': both networks here have 30 (the lecture's example "
           "has 30 too; its layer sizes are not given, so these are ours). Depth is the length of "
           "the longest path from a source to a sink: 3 for 2-3-4-3, 2 for 2-6-3. 'Deep' means "
           "depth > 2, so only the first is deep.",
           "z_{k,i} = w0_{k,i} + sum_{j=1..d_{k-1}} w_{k,ij} g(z_{k-1,j})",
           ["Read the status bar: 30 connections in both scenes, depth 3 against depth 2.",
            "Select unit z2,1: its four incoming weights are its w_{2,1j}.",
            "Press Train: three softmax outputs y1, y2, y3 learn the three clouds."],
           [scene_to_dict("Deep: 2-3-4-3, 30 connections, depth 3", deep, data, rule,
                          ["decision", "loss"], steps=900, steps_per_frame=3,
                          claim="Each unit computes z_{k,i} = w0 + sum_j w_{k,ij} g(z_{k-1,j}); "
                                "this 2-3-4-3 network has 6 + 12 + 12 = 30 connections and depth "
                                "3 > 2: it is deep.",
                          figures=["epoch", "loss", "accuracy"]),
            scene_to_dict("Shallow: 2-6-3, 30 connections, depth 2", shallow, data, rule,
                          ["decision", "loss"], steps=900, steps_per_frame=3,
                          claim="The same 30 connections (12 + 18) in one hidden layer: depth 2, "
                                "not deep; the number of parameters does not say how deep a "
                                "network is.",
                          figures=["epoch", "loss", "accuracy"])])


def disc_units(net: Network, prefix: str, centre, radius: float, k: int, layer: int,
               y: float, spacing: float) -> list[str]:
    """k threshold units whose lines are tangent to a circle (a ring of half-planes), placed in
    one column around height y: together they fire inside the k-gon around the circle."""
    vertices = regular_polygon(k, radius / math.cos(math.pi / k), centre)
    names = half_plane_units(net, f"{prefix}.", vertices, layer, scale=8.0)
    for i, name in enumerate(names):
        net.set_position(name, DX * layer, y + spacing * (i - (k - 1) / 2))
    return names


def cover_with_circles(radius: float, k: int = 8, resolution: int = 161) -> tuple[np.ndarray, float]:
    """Circles of `radius` (as k-gons) whose union fits the arbitrary figure: candidate centres
    on a hexagonal grid, added greedily while one makes the union better.  Returns the centres
    and the error: the area wrongly classified, as a fraction of the figure's area."""
    from nnsim.engine.data_generators import inside_figure

    xs = np.linspace(-1.0, 1.0, resolution)
    gx, gy = np.meshgrid(xs, xs)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    target = inside_figure(points)
    step = 0.9 * radius
    candidates = [(x + (step / 2) * (j % 2), y)
                  for j, y in enumerate(np.arange(-1.0, 1.0 + 1e-9, step * math.sqrt(3) / 2))
                  for x in np.arange(-1.0, 1.0 + 1e-9, step)]
    angles = 2 * math.pi * np.arange(k) / k
    normals = np.column_stack([np.cos(angles), np.sin(angles)])
    masks = np.array([np.all((points - c) @ normals.T < radius, axis=1) for c in candidates])
    union = np.zeros(len(points), dtype=bool)
    chosen = []
    while True:
        new = masks & ~union
        gain = (new & target).sum(axis=1) - (new & ~target).sum(axis=1)
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            break
        union |= masks[best]
        chosen.append(candidates[best])
    return np.array(chosen), float((union != target).sum() / target.sum())


def circles_figure_network(radius: float, k: int = 8) -> tuple[Network, int, float]:
    centres, error = cover_with_circles(radius, k)
    net = Network(f"{len(centres)} circles of radius {radius}")
    inputs(net, ["x1", "x2"])
    spacing = 0.3 * DY
    height = len(centres) * (k + 2) * spacing
    circles = []
    for c, centre in enumerate(centres):
        y = -height / 2 + (c + 0.5) * (k + 2) * spacing
        units = disc_units(net, f"c{c + 1}", centre, radius, k, 1, y, spacing)
        and_unit(net, f"circle {c + 1}", units, 2 * DX, y)
        circles.append(f"circle {c + 1}")
    net.add_neuron("in figure", role="output", activation="step", bias=-0.5, x=3 * DX, y=0.0)
    for name in circles:
        net.connect(name, "in figure", 1.0)
    return net, len(centres), error


# Lecture order: "Composing an arbitrary figure" follows the polygons (after lesson 11).
def l19():
    data = {"generator": "figure", "params": {"n": 400, "seed": 0}}
    scenes, rows = [], []
    for radius in (0.4, 0.22, 0.12):
        net, count, error = circles_figure_network(radius)
        rows.append(f"{count} circles of radius {radius}: {100 * error:.0f}% wrong")
        scenes.append(scene_to_dict(
            f"{count} circles of radius {radius}: {100 * error:.0f}% of the area wrong", net, data,
            plots=["decision"],
            claim=f"The OR of {count} circles of radius {radius}, each a ring of 8 half-planes, "
                  f"covers the figure with {100 * error:.0f}% of its area wrong; more, smaller "
                  f"circles fit it better.",
            figures=["output:in figure"], **STATIC))
    lesson(12, "arbitrary-figure", "An arbitrary figure from many circles",
           "OR together enough small circles and any figure is covered, as precisely as wanted.",
           "A ring of half-plane units ANDed together fires inside a circle (a polygon with many "
           "sides). A third layer ORs the circles: the network fires inside any of them. To "
           "compose an arbitrary figure, just fit in circles: more and smaller circles give a more "
           "accurate approximation, to arbitrary precision. Here: " + "; ".join(rows) + " (the "
           "area misclassified, as a share of the figure's area).",
           "y = OR_c AND_i [ w_ci . x + b_ci > 0 ]",
           ["Compare the three scenes: the error falls as the circles shrink.",
            "Choose one 'circle' unit in the decision plot's list to see its disc.",
            "Delete one circle unit: a hole opens in the figure."],
           scenes)


PARITY_PATTERN = "1011001110001101"  # the input bits shown on the canvas (the first n)


def parity_counts(n: int) -> dict[str, int]:
    """Units (not counting inputs), connections and depth of the tree of XORs and of one
    hidden layer with a detector per odd pattern, for n-bit parity."""
    return {"deep_units": 3 * (n - 1), "deep_connections": 6 * (n - 1),
            "deep_depth": 2 * int(round(math.log2(n))), "levels": int(round(math.log2(n))),
            "wide_units": 2 ** (n - 1) + 1, "wide_connections": n * 2 ** (n - 1) + 2 ** (n - 1),
            "wide_depth": 2}


def xor_tree(n: int) -> Network:
    """n-bit parity as a balanced tree of log2(n) levels of XOR blocks (3 threshold units each)."""
    net = Network(f"{n}-bit parity: a tree of XORs, log2({n}) = {int(math.log2(n))} levels")
    names = [f"x{i + 1}" for i in range(n)]
    inputs(net, names, [float(b) for b in PARITY_PATTERN[:n]])
    for i, name in enumerate(names):  # 56 apart: the XOR blocks of neighbours (60 tall) keep 52 between them
        net.set_position(name, 0.0, 0.7 * DY * (i - (n - 1) / 2))
    level, k = names, 1
    while len(level) > 1:
        nxt = []
        for j in range(0, len(level), 2):
            a, b = level[j], level[j + 1]
            name = "parity" if len(level) == 2 else f"{a}^{b}".replace("x", "")
            y = (net.neuron(a).y + net.neuron(b).y) / 2
            xor_block(net, a, b, name, k, y, role="output" if name == "parity" else "hidden")
            nxt.append(name)
        level, k = nxt, k + 2
    return net


# Lecture order: "A polynomial of degree n requires a network of depth log2(n)" is on the
# depth-versus-width slide (after lesson 14).
def l20():
    scenes, rows = [], []
    for n in (2, 4, 8, 16):
        c = parity_counts(n)
        net = xor_tree(n)
        assert (net.depth, net.parameter_count) == (c["deep_depth"], c["deep_connections"])
        rows.append(f"n = {n}: {c['levels']} levels, depth {c['deep_depth']}, "
                    f"{c['deep_units']} units, {c['deep_connections']} connections; one hidden "
                    f"layer: {c['wide_units']:,} units, {c['wide_connections']:,} connections")
        scenes.append(scene_to_dict(
            f"n = {n}: depth {c['deep_depth']}, {c['deep_units']} units (one layer: "
            f"{c['wide_units']:,})", net, plots=[],
            claim=f"{n}-bit parity as a tree of XORs: log2({n}) = {c['levels']} levels, depth "
                  f"{c['deep_depth']}, {c['deep_units']} units and {c['deep_connections']} "
                  f"connections; one hidden layer needs {c['wide_units']:,} units and "
                  f"{c['wide_connections']:,} connections.",
            figures=["output:parity"], **STATIC))
    lesson(15, "depth-log2-n", "Depth log2(n): parity of 2, 4, 8 and 16 bits",
           "A tree of XORs is log2(n) levels deep and grows linearly; one hidden layer grows as 2^n.",
           "Parity of n bits (the product of n signs: a polynomial of degree n) pairs its inputs "
           "level by level: log2(n) levels of XOR. Each XOR is 3 threshold units in 2 layers and "
           "6 connections, so the tree has depth 2 log2(n), 3(n - 1) units and 6(n - 1) "
           "connections. With one hidden layer every odd pattern needs its own detector: "
           "2^(n-1) + 1 units and (n + 1) 2^(n-1) connections. Side by side: " + "; ".join(rows)
           + ". Deeper networks can need far fewer neurons.",
           "depth = 2 log2(n),  units = 3 (n - 1)  vs  2^(n-1) + 1",
           ["Step through n = 2, 4, 8, 16 and read depth and connections in the status bar.",
            "Click input bits: the parity output flips with every click.",
            "Lesson 14 builds the one-hidden-layer network for n = 4."],
           scenes)


def towers_network(radius: float, k: int = 12, resolution: int = 81) -> tuple[Network, int]:
    """One hidden layer: k tangent half-planes per cylinder of `radius` (centres on a grid over
    [-1, 1]^2), all summed by one linear output.  A ring's units sum to k inside its circle and
    fall towards k/2 outside (the skirt); the heights are fitted by least squares to the two
    hills, so the skirts are allowed for."""
    from nnsim.engine.data_generators import hills_function

    centres_1d = np.arange(-1 + radius, 1 - radius + 1e-9, 2 * radius)
    centres = np.array([(x, y) for y in centres_1d for x in centres_1d])
    xs = np.linspace(-1.0, 1.0, resolution)
    gx, gy = np.meshgrid(xs, xs)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    angles = 2 * math.pi * np.arange(k) / k
    normals = np.column_stack([np.cos(angles), np.sin(angles)])
    # each ring's value 2/k * (units firing) - 1: 1 inside, fading to 0 far outside
    basis = np.column_stack([2 * np.mean((points - c) @ normals.T < radius, axis=1) - 1
                             for c in centres] + [np.ones(len(points))])
    heights, *_ = np.linalg.lstsq(basis, hills_function(points), rcond=None)
    net = Network(f"{len(centres)} cylinders of radius {radius}, one hidden layer")
    inputs(net, ["x1", "x2"])
    units = len(centres) * k
    spacing = min(DY, 24 * DY / units)
    net.add_neuron("y", role="output", activation="linear", x=2 * DX,
                   bias=float(heights[-1] - heights[:-1].sum()), y=0.0)
    for c, centre in enumerate(centres):
        names = disc_units(net, f"c{c + 1}", centre, radius, k, 1,
                           spacing * (c * k + (k - 1) / 2 - (units - 1) / 2), spacing)
        for name in names:
            net.connect(name, "y", float(2 * heights[c] / k))
    return net, len(centres)


def cylinder_one_layer(k: int = 16, radius: float = 0.5) -> Network:
    net = Network(f"A cylinder: {k} half-planes summed and thresholded")
    inputs(net, ["x1", "x2"])
    units = disc_units(net, "h", (0.0, 0.0), radius, k, 1, 0.0, 0.5 * DY)
    and_unit(net, "y", units, 2 * DX, 0.0, role="output")
    return net


# Lecture order: "MLP as a continuous-valued function ... even with only one layer" is the
# 2-D universal approximation slide (after lesson 17, before the RBF segue).
def l21():
    cylinder = {"generator": "cylinder", "params": {"n": 400, "radius": 0.5, "seed": 0}}
    data = {"generator": "hills", "params": {"n": 400, "seed": 0}}
    scenes = [scene_to_dict(
        "One cylinder: 16 half-planes, one hidden layer", cylinder_one_layer(), cylinder,
        plots=["surface"],
        claim="One hidden layer of 16 half-plane units, summed and thresholded at 15.5 by the "
              "output, makes a cylinder: output 1 over the disc of radius 0.5, 0 elsewhere.",
        figures=["output:y"], **STATIC)]
    rows = []
    for radius in (0.5, 0.25, 0.125):
        net, count = towers_network(radius)
        rows.append(f"{count} cylinders of radius {radius} ({count * 12} hidden units)")
        scenes.append(scene_to_dict(
            f"{count} cylinders of radius {radius}, one hidden layer", net, data,
            plots=["surface"],
            claim=f"One hidden layer of {count * 12} units: {count} cylinders of radius {radius}, "
                  f"scaled and summed by the output, approximate the two hills; thinner "
                  f"cylinders approximate better (RMS error on the plot).",
            figures=["output:y"], **STATIC))
    lesson(18, "one-layer-towers", "One hidden layer in two dimensions: towers",
           "Half-planes summed make cylinders; scaled, shifted cylinders make any surface.",
           "Lines tangent to a circle, one threshold unit each, fire together only inside the "
           "circle: summed and thresholded by the output they make a cylinder, with a single "
           "hidden layer. Many rings in that one layer, each scaled by a height and summed by a "
           "linear output, make a landscape of towers. Without a second layer the rings are not "
           "thresholded one by one: each ring's sum falls off slowly outside its circle (a skirt), "
           "so the heights are fitted by least squares. The thinner the cylinders, the closer the "
           "towers follow the surface: " + ", ".join(rows) + ". The MLP is a universal "
           "approximator, even with only one hidden layer.",
           "y = sum_c h_c (2/k sum_{i in c} [ w_ci . x + b_ci > 0 ] - 1) + h_0",
           ["Drag the surface plot to turn it.",
            "Compare the RMS error on the surface plot in the three tower scenes.",
            "Change one cylinder's output weights: its tower rises or sinks."],
           scenes)


# Lecture order: "NNets in AI: represent probability distributions ... MLPs can model both a
# posteriori and a priori distributions" comes before associationism and McCulloch-Pitts,
# right after the Keras example that opens the lecture.
def l22():
    rule = {"name": "backprop", "params": {"optimizer": "adam", "learning_rate": 0.03,
                                           "loss": "binary_crossentropy", "batch_size": 32}}
    from nnsim.engine.data_generators import overlap_posterior

    scenes = []
    for title, params, hidden, x, steps in (
            ("Two overlapping classes", {"separation": 2.0, "spread": 1.0}, 3, 0.5, 1200),
            ("A wide class around a narrow one", {"separation": 0.0, "spread": 2.5}, 4, 1.5, 1500)):
        p = float(overlap_posterior(np.array([x]), 0.8, **params)[0])
        net = z_network([1, hidden, 1], ["tanh", "sigmoid"], f"1-{hidden}-1, sigmoid output",
                        seed=0)
        net.rename_neuron("x1", "x")
        net.set_value("x", x)
        net.rename_neuron("y1", "y")
        scenes.append(scene_to_dict(
            title, net,
            {"generator": "overlap", "params": {"n": 400, "noise": 0.8, "seed": 0, **params}},
            rule, ["curve", "loss"], steps=steps, steps_per_frame=4,
            claim=f"No boundary separates overlapping classes; trained with cross-entropy, the "
                  f"sigmoid output becomes P(class 1 | x): at x = {x} it approaches {p:.2f}, the "
                  f"posterior from the classes' densities.",
            figures=["epoch", "loss", "output:y"]))
    lesson(21, "probability", "MLPs as models of probability",
           "On overlapping classes a sigmoid output learns P(class | x), not a hard boundary.",
           "When classes overlap, the same x comes with either label, and the best any model can "
           "say is how likely each is: the a posteriori probability P(class 1 | x) = p1(x) / "
           "(p0(x) + p1(x)) for equally likely classes with densities p0 and p1. Trained with "
           "binary cross-entropy, a network's sigmoid output converges to exactly that. With two "
           "equal normal classes it is a sigmoid of x; when one class is wider it rises on both "
           "sides, and a hidden layer is needed to follow it. Accuracy stops short of 100%: "
           "about 89% is the best possible in the first scene.",
           "y(x) = sigma(...) -> P(class 1 | x) = p1(x) / (p0(x) + p1(x))",
           ["Press Train and watch the output value of y at x on the canvas.",
            "Change x in the inspector: y reads the probability of class 1 there.",
            "Compare the accuracy with 100%: overlapping classes cannot all be right."],
           scenes)


def l23_backprop_steps():
    """Issue 16: one sample of XOR through a 2-2-1 network, phase by phase (the step-by-step
    view opens with the scene: its "backprop_steps" field)."""
    from nnsim.app.numbers import format_value
    from nnsim.engine.backprop_steps import BackpropSteps
    from nnsim.engine.setup import make_dataset

    net = Network("2-2-1 on XOR, one sample")
    for j, name in enumerate(("x1", "x2")):
        net.add_neuron(name, role="input", x=0.0, y=150.0 * (j - 0.5))
    for j, (name, w, b) in enumerate((("h1", (0.8, 0.6), 0.1), ("h2", (-0.5, 0.4), -0.2))):
        net.add_neuron(name, activation="tanh", bias=b, x=260.0, y=150.0 * (j - 0.5))
        net.connect("x1", name, w[0])
        net.connect("x2", name, w[1])
    net.add_neuron("y", role="output", activation="sigmoid", bias=0.1, x=520.0, y=0.0)
    net.connect("h1", "y", 1.2)
    net.connect("h2", "y", -0.7)
    data = {"generator": "truth_table", "params": {"gate": "xor"}}
    rule = {"name": "backprop", "params": {"optimizer": "sgd", "learning_rate": 0.5, "loss": "mse",
                                           "batch_size": 1, "shuffle": False}}
    sample = 1  # x = (0, 1), target 1
    made = make_dataset(data)
    steps = BackpropSteps(net, made.X, made.targets, "mse", "sgd", {"learning_rate": 0.5}, sample)
    steps.run_sample()
    t = steps.trace
    def f(x: float) -> str:  # a factor: negative numbers in parentheses
        text = format_value(x)
        return f"({text})" if text.startswith("-") else text

    claim = (f"For x = (0, 1), target 1: y = {format_value(t.output['y'])}, L = "
             f"{format_value(t.loss)}; backwards δ_y = {format_value(t.delta['y'])}, so "
             f"∂L/∂w(h1→y) = δ_y·y_h1 = {f(t.delta['y'])}·"
             f"{f(t.output['h1'])} = {format_value(t.grad[('h1', 'y')])}, and the step −η∂L/∂w "
             f"moves that weight {format_value(steps.before[('h1', 'y')])} → "
             f"{format_value(steps.after[('h1', 'y')])}.")
    lesson(23, "backprop-step-by-step", "How backprop computes the gradient",
           "One sample of XOR through a 2-2-1 network: forward, loss, backward, update, "
           "with every number on the canvas.",
           "Backpropagation is the chain rule, applied layer by layer from the output back. "
           "Forward, each neuron computes z = b + Σ w·y of the layer before and passes on "
           "y = g(z). The loss compares the output with the target. Backward, each neuron gets "
           "δ = ∂L/∂z: at the output from the loss (for mean squared error 2(y − t)·g′(z)), in a "
           "hidden layer from the deltas after it, δ_h = g′(z_h)·Σ w δ. Each weight's gradient is "
           "then the δ of the neuron it feeds times the output of the neuron it comes from, "
           "∂L/∂w = δ_target·y_source, and gradient descent moves it by −η·∂L/∂w.",
           "δ_y = ∂L/∂y · g′(z_y)\nδ_h = g′(z_h) · Σ w δ\n∂L/∂w = δ_target · y_source\n"
           "w ← w − η · ∂L/∂w",
           ["Press Next layer and read each neuron's z and y, then the loss at the output.",
            "Step backwards: select a synapse to see its chain rule written out with the numbers.",
            "Press Back after the update: the weights return exactly; click another data point "
            "on the decision plot to step through its sample."],
           [scene_to_dict("One sample, step by step", net, data, rule, ["decision"],
                          claim=claim, backprop_steps={"sample": sample, "pace": 45})])


def valley_data(n: int = 200, seed: int = 3) -> dict:
    """x2 spread five times as wide as x1, target x1 + x2: the loss over the two weights is a
    long narrow valley along w1 (its curvature across is 25 times that along), floor at (1, 1)."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.normal(0, 0.2, n), rng.normal(0, 1.0, n)])
    X -= X.mean(axis=0)
    X = np.round(X, 4)
    return {"X": X.tolist(), "y": np.round(X.sum(axis=1), 4).tolist(),
            "name": "x1 narrow, x2 wide; target x1 + x2"}


def l24_optimisers():
    """Issue 16: SGD, momentum and Adam racing on a valley (the landscape plot's Race mode, the
    scene's "landscape" field), all from one start, over the loss of two weights."""
    from nnsim.engine.datasets import Dataset
    from nnsim.engine.rules.landscape import loss_landscape
    from nnsim.engine.rules.race import race

    net = Network("one linear unit")
    inputs(net, ["x1", "x2"])
    net.add_neuron("y", role="output", activation="linear", bias=0.0, x=DX * 1.5, y=0.0)
    net.connect("x1", "y", 1.0)
    net.connect("x2", "y", 1.0)
    data = valley_data()
    rates = {"sgd": 0.8, "momentum": 0.1, "adam": 0.1}
    start, span, steps = [-1.3, -0.9], 2.5, 90
    pair = [["x1", "y"], ["x2", "y"]]
    made = Dataset(np.array(data["X"]), np.array(data["y"]))
    L = loss_landscape(net, made, weights=pair, span=span, resolution=81)
    paths = race(net, made, L, start, [{"optimizer": k, "learning_rate": v} for k, v in rates.items()],
                 steps=steps)
    sgd, momentum, adam = paths
    # Adam's path against the straight line from the start to the floor (1, 1), until it gets there
    a0, floor = np.array(start), np.array([1.0, 1.0])
    along = (floor - a0) / np.linalg.norm(floor - a0)
    reach = int(np.argmax(np.linalg.norm(adam.points - floor, axis=1) < 0.1))
    off = adam.points[:reach] - a0
    straight = float(np.abs(off[:, 0] * along[1] - off[:, 1] * along[0]).max())
    claim = (f"From one start on a long narrow valley: SGD zig-zags across it (w x2→y jumps "
             f"{sgd.points[1, 1]:.1f}, {sgd.points[2, 1]:.1f}, {sgd.points[3, 1]:.1f}, …) then "
             f"creeps along the floor, momentum overshoots to w x2→y = "
             f"{momentum.points[:, 1].max():.1f} and swings back, and Adam goes straight to the "
             f"minimum (within {straight:.2f} of the line for {reach} steps).")
    rule = {"name": "backprop", "params": {"optimizer": "sgd", "learning_rate": 0.8, "loss": "mse",
                                           "batch_size": 200, "shuffle": False}}
    scene = scene_to_dict("SGD, momentum and Adam from one start", net, data, rule,
                          ["landscape", "loss"], steps=steps, steps_per_frame=1, claim=claim,
                          figures=["step"])
    scene["landscape"] = {"weights": pair, "span": span,
                          "race": {"start": start, "learning_rates": rates, "steps": steps}}
    lesson(24, "optimisers-on-the-landscape", "Optimisers on the loss landscape",
           "Where plain gradient descent zig-zags, momentum overshoots and Adam goes straight.",
           "The loss of a network is a surface over its weights; training walks downhill on it. "
           "Here one linear unit y = w1 x1 + w2 x2 learns x1 + x2, and x2 varies five times as "
           "much as x1, so the loss over (w1, w2) is a long narrow valley along w1: 25 times "
           "steeper across it than along it. Plain gradient descent (SGD) steps along the "
           "gradient, which points mostly across the valley: a learning rate large enough to "
           "move along it makes it bounce from "
           "wall to wall. Momentum keeps a running sum of past steps: the bounces cancel and the "
           "steps along the valley add up, so it picks up speed, overshoots the floor and swings "
           "back. Adam divides each weight's step by the size of its own recent gradients, so "
           "both weights move at the same pace and it heads almost straight for the minimum. "
           "Only the two weights move in the race: the landscape drawn is exactly the loss along "
           "the paths.",
           "SGD: w ← w − η g   momentum: v ← μ v − η g, w ← w + v   "
           "Adam: w ← w − η m̂ / (√v̂ + ε)",
           ["Press Train to run the race again; the loss plot shows the three losses step by step.",
            "Click another point on the landscape: the three start again from there.",
            "Lower SGD's η to 0.5 and race again: no zig-zag, but it crawls along the valley."],
           [scene])


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for build in (l01, l02, l03, l04, l05, l06, l07, l08, l09, l10, l11, l12, l13, l14, l15, l16, l17,
                  l18, l19, l20, l21, l22, l23_backprop_steps, l24_optimisers):
        build()
    print(f"wrote {len(list(OUT.glob('*.json')))} lessons to {OUT}")
