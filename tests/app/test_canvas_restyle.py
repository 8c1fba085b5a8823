"""A dense canvas's synapse restyle is drawn a slice per frame into an image of the viewport
(synapses.LineJob); once complete the view shows exactly what a restyle at once would."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from nnsim.app.canvas import NetworkView
from nnsim.app.canvas import synapses as synapses_module
from nnsim.app.canvas import view as view_module
from nnsim.app.document import Document
from nnsim.engine.network import Network


def mesh() -> Network:
    """Three layers of 8, fully connected, with a few inhibitory synapses, a reciprocal pair and
    a self-loop, so that lines, curves, arrowheads and discs are all drawn."""
    rng = np.random.default_rng(3)
    net = Network("mesh")
    for k in range(3):
        for j in range(8):
            net.add_neuron(f"n{k}_{j}", role="input" if k == 0 else "hidden",
                           activation="linear" if k == 0 else "tanh", x=220.0 * k, y=55.0 * j)
    for k in range(2):
        for i in range(8):
            for j in range(8):
                net.connect(f"n{k}_{i}", f"n{k + 1}_{j}", float(rng.normal(0, 1)),
                            kind="inhibitory" if (i + j) % 7 == 0 else "excitatory")
    net.connect("n2_0", "n1_0", 0.7)  # reciprocal of n1_0 -> n2_0
    net.connect("n2_3", "n2_3", -0.9)  # a loop
    return net


def snapshot(net, weights):
    names = tuple(net.names)
    syn = tuple((net.neuron(s.source).name, net.neuron(s.target).name) for s in net.synapses)
    return SimpleNamespace(names=names, outputs=np.linspace(-1, 1, len(names)),
                           net_inputs=np.zeros(len(names)), synapses=syn, weights=weights)


@pytest.fixture
def dense(monkeypatch):
    """A small network counts as dense; restyles come in many small pieces, one per step."""
    monkeypatch.setattr(view_module, "DENSE", 10)
    monkeypatch.setattr(synapses_module, "DENSE", 10)
    monkeypatch.setattr(synapses_module, "PIECE_POINTS", 20)
    monkeypatch.setattr(view_module, "LINE_BUDGET", 0.0)


@pytest.fixture
def make(qtbot):
    def make(throttle: bool):
        net = mesh()
        view = NetworkView(Document(net))
        qtbot.addWidget(view)
        view.resize(700, 520)
        view.show()
        qtbot.waitExposed(view)
        view.pan_by(0, 0)
        view.resetTransform()  # 1:1, so arrowheads and discs are drawn as well
        view.centerOn(220, 190)
        view.throttle_restyles = throttle
        view.grab()  # a paint: the layer now knows how many synapses are in view
        return net, view
    return make


def pixels(view) -> np.ndarray:
    img = view.grab().toImage()
    ptr = img.constBits()
    return np.frombuffer(ptr, np.uint8, img.sizeInBytes()).reshape(img.height(), -1).copy()


def same_picture(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal but for a few isolated pixels: where one path is cut into pieces, Qt's hairline
    rasteriser can settle a pixel shared by two crossing lines the other way."""
    differ = (a.reshape(a.shape[0], -1, 4) != b.reshape(b.shape[0], -1, 4)).any(axis=2)
    return differ.sum() <= 2e-4 * differ.size


def test_a_restyle_spread_over_frames_ends_as_the_restyle_at_once(dense, make, qtbot):
    net, at_once = make(throttle=False)
    net2, sliced = make(throttle=True)
    layer = sliced.canvas.synapse_layer
    assert layer.visible_count >= view_module.DENSE
    w = np.random.default_rng(5).normal(0, 1.5, len(net.synapses))
    at_once.apply_snapshot(snapshot(net, w))
    expected = pixels(at_once)

    old = pixels(sliced)
    version = layer.version
    sliced._last_restyle = 0.0  # a restyle is due
    sliced.apply_snapshot(snapshot(net2, w))
    job = sliced._line_job
    assert job is not None and not job.done  # begun, in pieces
    assert layer.version == version
    assert np.array_equal(pixels(sliced)[:, :400], old[:, :400])  # the old lines stay meanwhile
    frames = 1
    while sliced._line_job is not None:
        sliced.apply_snapshot(snapshot(net2, w))  # each frame draws a slice
        frames += 1
    assert frames > 5 and layer.version != version
    got = pixels(sliced)
    assert same_picture(got, expected)
    assert (got != old).any()


def test_the_job_finishes_when_snapshots_stop(dense, make, qtbot):
    net, view = make(throttle=True)
    w = -np.array([s.weight for s in net.synapses])
    view._last_restyle = 0.0
    view.apply_snapshot(snapshot(net, w))
    assert view._line_job is not None
    qtbot.waitUntil(lambda: view._line_job is None, timeout=5000)
    buckets = view.canvas.synapse_layer._buckets
    assert np.array_equal(buckets, view.canvas.synapse_layer.buckets_for(w))


def test_an_edit_during_a_restyle_wins(dense, make, qtbot):
    net, view = make(throttle=True)
    w = np.full(len(net.synapses), 0.1)
    view._last_restyle = 0.0
    view.apply_snapshot(snapshot(net, w))
    assert view._line_job is not None
    view.document.set_weight("n0_0", "n1_0", -3.0)  # restyles the layer at once
    view.finish_restyle()
    layer = view.canvas.synapse_layer
    weights = [s.weight for s in view.document.network.synapses]
    assert np.array_equal(layer._buckets, layer.buckets_for(weights))


def test_a_pan_during_a_restyle_starts_it_again_for_the_new_view(dense, make, qtbot):
    net, view = make(throttle=True)
    w = np.random.default_rng(9).normal(0, 1, len(net.synapses))
    view._last_restyle = 0.0
    view.apply_snapshot(snapshot(net, w))
    first = view._line_job
    view.pan_by(30, 0)
    view.apply_snapshot(snapshot(net, w))
    assert view._line_job is not first
    view.finish_restyle()
    assert np.array_equal(view.canvas.synapse_layer._buckets,
                          view.canvas.synapse_layer.buckets_for(w))
    shown = pixels(view)
    view._line_image = view._bg = None  # draw the same view the ordinary way
    view.resetCachedContent()
    assert same_picture(pixels(view), shown)

