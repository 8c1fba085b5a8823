"""`python main.py record`: a lesson (or a network file) played headless and recorded to GIF/MP4.

    python main.py record --lesson NAME --out demo.mp4 [--seconds S] [--fps F]
                          [--size WxH] [--steps-per-frame K] [--seed N] [--scene I]
                          [--target window|canvas|PLOT] [--readout NAME] [--no-caption]
                          [--presenter]
    python main.py record network.json --out demo.gif ...

Without --seconds a lesson scene is recorded for its whole scripted run (its steps, K a frame,
so steps / K frames after the first), then held for HOLD_SECONDS so the end can be read; a scene
without a scripted run, or a network file, for DEFAULT_SECONDS.  The caption strip (the lesson's
title, the scene's claim, its live figures) is in every frame unless --no-caption; a plot or the
canvas (--target) is recorded alone at --size, the caption above it.

The window is drawn offscreen at the given size; the simulation runs in this thread in lockstep
with the frames (K steps, then one frame), and nothing else reaches a frame: no engine process is
started, the status bar finds the rules in this thread and keeps its messages, and the window's
deferred work is done before the first frame (MainWindow.settle).  So the same command gives the
same frames on any machine, however busy.  Every bad argument is refused in one line naming it
("--seed: expected a non-negative integer, got -1"), with exit code 2, before anything starts; a
failed encode or a disk error (a full disk, an I/O error) is one line too, exit code 2, and
leaves no file (video.py writes a temporary file and renames it only once it is complete).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
import tempfile
import threading
import time

from nnsim.engine.fileformat import NetworkFileError, load_network
from nnsim.engine.lessons import Lesson, LessonFileError, Scene, find_lesson

MAX_STEPS_PER_FRAME = 1_000_000  # more is hours of simulation per second of video
DEFAULT_SECONDS = 5.0  # a recording of what has no scripted run
HOLD_SECONDS = 1.0  # the last frame of a scripted run, held so that its end can be read


class UsageError(ValueError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        raise UsageError(message.removeprefix("argument "))  # "--seed: invalid int value: 'x'"


def parse_args(argv) -> argparse.Namespace:
    """The arguments, each checked; a bad one is a UsageError naming it."""
    p = _Parser(prog="nnsim record", description="Record a lesson or a network as GIF or MP4, "
                "headless.")
    p.add_argument("file", nargs="?", help="a network file (.json) instead of --lesson")
    p.add_argument("--lesson", metavar="NAME", help="lesson number, file name or slug")
    p.add_argument("--scene", type=int, default=0, help="which scene of the lesson (from 0)")
    p.add_argument("--out", required=True, help="output file: .gif or .mp4")
    p.add_argument("--seconds", type=float, default=None,
                   help="length of the video (default: a lesson scene's whole scripted run, "
                        f"steps / steps-per-frame frames, then a {HOLD_SECONDS:g} s hold on its "
                        f"last frame; {DEFAULT_SECONDS:g} s for a scene without one or a network "
                        "file)")
    p.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    p.add_argument("--size", default="1280x720",
                   help="frame size WxH (default 1280x720); a plot or the canvas (--target) is "
                        "drawn at this size")
    p.add_argument("--steps-per-frame", type=int, default=None,
                   help="simulation steps between frames (default: the lesson's)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the simulation")
    p.add_argument("--target", default="window",
                   help="what to record: window, canvas, or a plot (decision, loss, weights, ...)")
    p.add_argument("--readout", metavar="NAME", default=None,
                   help="show the hover read-out of a neuron (NAME) or synapse (SOURCE->TARGET) "
                        "in every frame, as if the pointer rested on it (default: the lesson "
                        "scene's own, if any)")
    p.add_argument("--no-caption", action="store_true",
                   help="leave out the caption strip (the lesson's title, the scene's claim and "
                        "its live figures)")
    p.add_argument("--presenter", action="store_true",
                   help="record in presenter mode (View > Presenter Mode): text, lines, neurons "
                        "and markers 1.6 times larger, only the canvas, the scene's claim plot and "
                        "the caption; the frame size stays --size")
    args = p.parse_args(argv)
    if (args.file is None) == (args.lesson is None):
        raise UsageError("give either --lesson NAME or a network FILE")
    match = re.fullmatch(r"(\d+)x(\d+)", args.size)
    if not match or not (16 <= int(match[1]) <= 7680 and 16 <= int(match[2]) <= 4320):
        raise UsageError(f"--size: expected WxH between 16x16 and 7680x4320, got {args.size!r}")
    args.size = (int(match[1]), int(match[2]))
    if args.seconds is not None and not 0 < args.seconds <= 3600:
        raise UsageError(f"--seconds: expected more than 0 and at most 3600, got {args.seconds:g}")
    if not 1 <= args.fps <= 120:
        raise UsageError(f"--fps: expected 1 to 120 frames per second, got {args.fps:g}")
    if args.steps_per_frame is not None and not 1 <= args.steps_per_frame <= MAX_STEPS_PER_FRAME:
        raise UsageError(f"--steps-per-frame: expected 1 to {MAX_STEPS_PER_FRAME:,}, got "
                         f"{args.steps_per_frame}")
    if args.seed < 0:
        raise UsageError(f"--seed: expected a non-negative integer, got {args.seed}")
    if args.lesson is None and args.scene != 0:
        raise UsageError("--scene: only a lesson has scenes (give --lesson NAME)")
    return args


def _check_out(args):
    from nnsim.app.recorder import check_output_path

    try:
        return check_output_path(args.out, args.fps)  # unknown extension, unwritable: now
    except ValueError as exc:
        flag = "--fps" if "frames per second" in str(exc) else "--out"
        raise UsageError(f"{flag}: {exc}") from None


def _check_target(name: str) -> None:
    from nnsim.app.learning import PLOT_TITLES

    if name not in ("window", "canvas", *PLOT_TITLES):
        raise UsageError(f"--target: expected window, canvas or one of {', '.join(PLOT_TITLES)}, "
                         f"got {name!r}")


def _check_readout(name: str | None, scene: Scene) -> None:
    from nnsim.engine.lessons import readout_problem

    problem = readout_problem(name, scene.network) if name else None
    if problem:
        raise UsageError(f"--readout: {problem}")


def _scene(args) -> tuple[Lesson | None, Scene]:
    if args.lesson is not None:
        try:
            lesson = find_lesson(args.lesson)
        except LessonFileError as exc:
            raise UsageError(f"--lesson: {exc}") from None
        if not 0 <= args.scene < len(lesson.scenes):
            raise UsageError(f"--scene: lesson {lesson.id} has scenes 0 to "
                             f"{len(lesson.scenes) - 1}, got {args.scene}")
        return lesson, lesson.scenes[args.scene]
    net = load_network(args.file)
    return None, Scene(title=net.name or os.path.basename(args.file), network=net,
                       plots=("decision",))


class ProgressBar:
    """`[#####.....] 12/40 frames` on one terminal line, redrawn in place; nothing when the
    output is not a terminal (a log or a pipe gets the result line alone)."""

    def __init__(self, out=None, width: int = 30) -> None:
        self.out = sys.stderr if out is None else out
        self.width = width
        self.shown = bool(getattr(self.out, "isatty", lambda: False)())
        self.open = False  # a bar is on the current line

    def __call__(self, done: int, total: int) -> None:
        if not self.shown:
            return
        filled = self.width * done // max(total, 1)
        self.out.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} frames")
        self.open = done < total
        if not self.open:
            self.out.write("\n")
        self.out.flush()

    def end(self) -> None:
        """End the bar's line (before an error message)."""
        if self.open:
            self.out.write("\n")
            self.out.flush()
            self.open = False


def main(argv) -> int:
    try:
        args = parse_args(argv)
        out = _check_out(args)
        lesson, scene = _scene(args)
        _check_target(args.target)
        _check_readout(args.readout, scene)
    except (UsageError, LessonFileError, NetworkFileError, ValueError, OSError) as exc:
        print(f"nnsim record: {exc}", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The recording must not depend on (or change) the user's saved window layout.
    os.environ["NNSIM_SETTINGS_DIR"] = tempfile.mkdtemp(prefix="nnsim-record-")
    from nnsim.app.video import EncoderError, one_line

    progress = ProgressBar()
    try:
        path, frames, seconds = record(lesson, scene, args, out, progress)
    except (ValueError, LessonFileError, OSError, EncoderError) as exc:
        # a failed encode, a full disk, a scene that cannot run: one line, and no file
        progress.end()
        print(f"nnsim record: {one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl+C: the encode was cancelled (Recorder.close), no file
        progress.end()
        print("nnsim record: interrupted: nothing was written", file=sys.stderr)
        return 130
    print(f"nnsim record: wrote {path} ({frames} frames in {seconds:.1f} s, "
          f"{frames / max(seconds, 1e-9):.0f} frames/s)")
    return 0


def run_frames(scene: Scene, per_frame: int | None = None) -> int:
    """Frames that show a scene's scripted run after its first frame: steps / steps per frame
    (a last, shorter stride included)."""
    per_frame = per_frame or scene.steps_per_frame
    return -(-scene.steps // max(per_frame, 1))


def frame_count(scene: Scene, args) -> int:
    """How many frames the recording has: --seconds at --fps, or else the scene's first frame,
    its scripted run and a hold of HOLD_SECONDS (DEFAULT_SECONDS without a scripted run)."""
    if args.seconds is not None:
        return max(1, round(args.seconds * args.fps))
    if getattr(scene, "backprop_steps", None):  # one sample's pass, a stop per `pace` frames
        from nnsim.app.backprop_steps import BackpropStepsView

        return (BackpropStepsView.recording_frames(scene.network, scene.backprop_steps["pace"])
                + round(HOLD_SECONDS * args.fps))
    run = run_frames(scene, args.steps_per_frame) if scene.steps > 0 else 0
    if run == 0:
        return max(1, round(DEFAULT_SECONDS * args.fps))
    return 1 + run + round(HOLD_SECONDS * args.fps)


def prepare(lesson: Lesson | None, scene: Scene, args):
    """The window for a recording, drawn offscreen at args.size, and `advance(i)`, which steps
    the simulation to frame i and draws it (without --seconds, no further than the scene's
    scripted run: the last frames hold its end).  Nothing but `advance` changes what the window
    shows: no engine is started (its replies would arrive whenever its process got to them),
    nothing is autosaved, the status bar works synchronously (status.StatusBar.synchronous),
    and what the window would do a moment later is done now (MainWindow.settle), after the
    recorded widget (--target) is chosen and shown.  A plot or the canvas is recorded in a
    CaptionedFrame of exactly args.size (the caption above it unless args.no_caption).
    Returns (window, advance, target)."""
    from PySide6.QtWidgets import QApplication

    from nnsim.app.document import Document
    from nnsim.app.main_window import MainWindow
    from nnsim.engine.simulation import Simulation

    app = QApplication.instance() or QApplication(["nnsim"])
    window = MainWindow(engine_after_paint=True)  # an engine that is stopped before it starts:
    window.engine.stop()  # the simulation below is the only one
    window.stop_following_engine()  # frames come from the simulation below alone
    window.status.synchronous = True
    window.run_cue.withdraw()  # the lesson, not the first-launch cue
    window.view.throttle_restyles = False
    window.resize(*args.size)
    try:
        if lesson is not None:
            window.learning.open_scene(lesson, args.scene)
        else:
            window.set_document(Document(scene.network.copy(), os.path.abspath(args.file)))
        if getattr(args, "readout", None):
            window.view.show_readout(args.readout)  # in place of the scene's own
        if getattr(args, "no_caption", False):
            window.caption_bar.set_wanted(False, remember=False)
        if getattr(args, "presenter", False):  # at --size, not the (offscreen) screen's
            window.presenter.enter(full_screen=False)
        target = _target(window, args.target)  # chosen before settle(): laid out by then
        if target is not window:  # recorded alone, at the frame's size, captioned
            from nnsim.app.caption import CaptionedFrame

            target = CaptionedFrame(target, window.caption,
                                    caption_shown=not getattr(args, "no_caption", False))
            target.strip.set_scale(window.presenter.scale)  # presenter mode's caption too
            target.resize(*args.size)
            target.show()
            window.recorded_frames = [target]
        # No autosave: its timer and its writer thread (and a failure's status message) would
        # come whenever they came, and a recording is no work to lose.
        window.recovery.stop()
        window.show()
        app.processEvents()
        window.settle()  # the same frames on a busy machine as on an idle one

        data = window.learning.data.dataset() if scene.dataset is not None else None
        panel = window.learning.rules.current_panel()
        rule = panel.rule() if scene.rule is not None and panel is not None else None
        sim = Simulation(window.document.network, data, rule, seed=args.seed)
        sim.set_schedule(list(scene.inputs))
        if scene.start:
            sim.set_state(scene.start_state())
    except BaseException:
        close(window)
        raise
    per_frame = args.steps_per_frame or scene.steps_per_frame
    # Without --seconds the run stops where the scene's script ends (its last frame is held).
    last = scene.steps if getattr(args, "seconds", None) is None and scene.steps > 0 else None

    shown_revision = [window.document.network.revision]

    def advance(i: int) -> None:
        stepping = getattr(window, "backprop_steps", None)
        if stepping is not None and stepping.active:  # frames move the step-by-step view
            stepping.record_frame(i)  # an update goes into the document; nothing trains
            if window.document.network.revision != shown_revision[0]:
                shown_revision[0] = window.document.network.revision
                sim.set_network(window.document.network)
        elif i:
            stride = per_frame if last is None else min(per_frame, last - sim.steps)
            if stride <= 0:
                return  # held: the frame is the one drawn last
            sim.step(stride)
        # the layer view, while its plot is on view and asks for it (the engine's setting)
        sim.set_layer_view(getattr(window.learning, "layer_view_spec", None))
        sim.set_landscape(getattr(window.learning, "landscape_spec", None))
        sim.set_race(getattr(window.learning, "race_spec", None))
        snapshot = sim.snapshot()
        window.view.apply_snapshot(snapshot)
        window.learning.update_snapshot(snapshot)
        window.caption.update_snapshot(snapshot)
        window.status.show_simulation(snapshot.step, snapshot.epoch, 0.0, False, snapshot.message)
        # and the window's other listeners (the speed box's labels), as from the engine
        window.engine.snapshot_ready.emit(snapshot, 0.0)
        if stepping is not None and stepping.active:
            stepping.record_frame(i)  # the update's slide over the snapshot's weights

    return window, advance, target


def close(window) -> None:
    """Close and delete the window now (not at exit, when its docks' signals would reach a
    half-destroyed window)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for frame in getattr(window, "recorded_frames", []):  # plots recorded alone
        frame.close()
        frame.deleteLater()
    window.engine.stop()
    window.document.undo_stack.setClean()  # nothing to ask about: this was a recording
    window.confirm_discard = lambda: "discard"  # whatever changed (a modal box would hang)
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def record(lesson: Lesson | None, scene: Scene, args, out,
           progress=None) -> tuple[str, int, float]:
    """Returns (path, frames, seconds spent recording and encoding, start-up excluded).
    Ctrl+C raises KeyboardInterrupt between frames (the encode is cancelled, no file)."""
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from nnsim.app.recorder import record_headless

    def on_qt_message(kind, context, message: str) -> None:
        # The offscreen platform says this of every window it shows: not the user's concern.
        if "does not support propagateSizeHints" not in message:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(on_qt_message)
    with _interrupt_between_frames() as interrupted:
        try:
            window, advance, target = prepare(lesson, scene, args)
            try:
                def checked(i: int) -> None:
                    if interrupted():
                        raise KeyboardInterrupt
                    advance(i)

                frames = frame_count(scene, args)
                # Offscreen, the window's own painting is the frame: copy it, not paint twice.
                offscreen = QApplication.platformName() == "offscreen"
                start = time.perf_counter()
                path = str(record_headless(target, checked, frames, out, fps=args.fps,
                                           size=args.size, progress=progress,
                                           from_backing_store=offscreen))
                return path, frames, time.perf_counter() - start
            finally:
                close(window)
        finally:
            qInstallMessageHandler(previous)


@contextlib.contextmanager
def _interrupt_between_frames():
    """Ctrl+C only sets a flag, read between frames (yields a function returning it): a
    KeyboardInterrupt raised inside a Qt call (a paint, an event filter) can crash PySide
    (a segmentation fault, and the temporary file left behind)."""
    caught = []
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    previous = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    try:
        yield lambda: bool(caught)
    finally:
        signal.signal(signal.SIGINT, previous)


def _target(window, name: str):
    if name == "window":
        return window
    if name == "canvas":
        return window.view
    _check_target(name)
    return window.learning.plots[name]  # made now; recorded out of its dock (CaptionedFrame)
