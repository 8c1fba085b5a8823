"""Recording in the window (lockstep frames, indicator, save in the background), screenshots,
and File > Export (weights .npz, Keras and PyTorch code)."""
import imageio.v3 as iio
import pytest

from nnsim.app.document import Document
from nnsim.app.main_window import MainWindow
from nnsim.engine import Network
from nnsim.engine.export import load_weights_npz


@pytest.fixture
def window(qtbot):
    w = MainWindow(Document(Network.layered([2, 3, 1], ["tanh", "sigmoid"], seed=0)))
    qtbot.addWidget(w)
    w.resize(900, 640)
    w.show()
    yield w
    w.document.undo_stack.setClean()
    w.close()


def blinker() -> Network:
    """Two threshold units that take turns: every step changes the picture."""
    net = Network()
    net.add_neuron("a", activation="step", bias=0.5, x=0, y=0)
    net.add_neuron("b", activation="step", bias=0.5, x=150, y=0)
    net.connect("a", "b", -1.0)
    net.connect("b", "a", -1.0)
    net.connect("a", "a", -1.0)
    return net


def test_record_the_canvas_in_lockstep_and_save_a_video(window, qtbot, tmp_path, monkeypatch):
    window.set_document(Document(blinker()))
    rec = window.recording
    rec.target_name = "canvas"
    got = []
    window.engine.snapshot_ready.connect(lambda snap, _rate: got.append(snap.step))
    rec.record_action.trigger()  # Record
    size = window.view.size()  # every frame has the size the canvas had when recording began
    assert rec.recorder.is_recording and rec.indicator.isVisible()
    window.engine.set_speed(1)
    window.engine.play()
    qtbot.waitUntil(lambda: rec.recorder.frame_count >= 12, timeout=15000)
    window.engine.pause()
    out = tmp_path / "canvas.mp4"  # MP4 keeps every frame (GIF merges repeats)
    monkeypatch.setattr(rec, "ask_video_path", lambda: str(out))
    rec.record_action.trigger()  # Stop: asks where, then encodes in the background
    assert not rec.recorder.is_recording and not rec.indicator.isVisible()
    qtbot.waitUntil(lambda: out.exists() and not rec.recorder.is_saving, timeout=20000)
    frames = list(iio.imiter(out))
    assert len(frames) >= 12
    assert frames[0].shape[:2] == (size.height() // 2 * 2, size.width() // 2 * 2)
    # Lockstep: the steps of consecutive drawn snapshots while running differ by exactly one.
    running = [b - a for a, b in zip(got, got[1:]) if a > 0]
    assert running and set(running) <= {0, 1}
    assert "Saved recording" in window.status.currentMessage()


def test_stop_with_nothing_chosen_asks_before_discarding(window, qtbot, monkeypatch):
    rec = window.recording
    rec.record_action.trigger()
    qtbot.waitUntil(lambda: rec.recorder.frame_count >= 1, timeout=10000)
    asked = []
    monkeypatch.setattr(rec, "ask_video_path", lambda: "")
    monkeypatch.setattr(rec, "window_confirm", lambda q: asked.append(q) or True)
    rec.record_action.trigger()
    assert asked and "Discard the recording" in asked[0]


def test_screenshot_and_exports(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    shot = tmp_path / "shot.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(shot), ""))
    window.recording.save_screenshot()
    image = iio.imread(shot)
    assert image.shape[0] >= window.height() - 1 and image.shape[1] >= window.width() - 1
    assert window.exports.export_weights(str(tmp_path / "w.npz"))
    arrays = load_weights_npz(tmp_path / "w.npz")
    weights = dict(zip(zip(arrays["synapse_sources"].tolist(), arrays["synapse_targets"].tolist()),
                       arrays["synapse_weights"].tolist()))
    for s in window.document.network.synapses:
        name = window.document.network.neuron
        assert weights[(name(s.source).name, name(s.target).name)] == s.weight
    for framework in ("keras", "pytorch"):
        path = tmp_path / f"{framework}.py"
        assert window.exports.export_code(framework, str(path))
        compile(path.read_text(), str(path), "exec")


def test_code_export_of_a_recurrent_network_explains_why_not(window, tmp_path):
    window.set_document(Document(blinker()))
    assert not window.exports.export_code("keras", str(tmp_path / "k.py"))
    assert not (tmp_path / "k.py").exists()
    assert window._error_box is not None and "recurrent" in window._error_box.text().lower() + \
        window._error_box.informativeText().lower() + window._error_box.detailedText().lower()


def test_the_record_control_is_in_the_toolbar_and_simulation_menu(window):
    assert window.recording.record_action in window.simulation_menu.actions()
    texts = [a.text() for a in window.file_menu.actions()]
    assert "&Export" in texts and "Save Screenshot…" in texts and texts[-1].endswith("Quit")


def test_recording_a_plot_of_a_lesson_puts_the_caption_above_it(window, qtbot, monkeypatch):
    """Record What > a plot, in a lesson scene: each frame is the caption over the plot; with
    View > Caption Strip off, the plot alone."""
    import numpy as np

    from nnsim.app.caption import caption_image, lay_out
    from nnsim.app.frames import image_to_array
    from nnsim.engine.lessons import find_lesson

    window.resize(1280, 720)
    assert window.learning.open_scene(find_lesson("hopfield"), 0)
    qtbot.wait(50)
    rec = window.recording
    rec.target_name = "energy"
    monkeypatch.setattr(rec, "ask_video_path", lambda: "")
    monkeypatch.setattr(rec, "window_confirm", lambda q: True)  # discard after looking
    shapes = {}
    for on in (True, False):
        window.caption_bar.action.setChecked(on)
        plot = window.learning.plots["energy"]
        rec.record_action.trigger()
        window.engine.set_speed(1)
        window.engine.play()
        qtbot.waitUntil(lambda: rec.recorder.frame_count >= 2, timeout=15000)
        window.engine.pause()
        rec.record_action.trigger()
        frame = rec.recorder.frames[0]
        header = lay_out(window.caption, plot.width()).height if on else 0
        assert frame.shape[:2] == ((plot.height() + header) // 2 * 2, plot.width() // 2 * 2)
        if on:
            title = lay_out(window.caption, plot.width()).title_rect
            expected = image_to_array(caption_image(window.caption, plot.width()))
            region = (slice(title.top(), title.bottom()), slice(title.left(), title.right()))
            diff = np.abs(frame[region].astype(int) - expected[region].astype(int)).mean()
            assert diff < 12  # the caption's title as drawn (a plot of odd size is scaled)
        shapes[on] = frame.shape
    assert shapes[True][0] > shapes[False][0] + 40
