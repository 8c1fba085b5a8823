"""`python main.py record`: a lesson (or a network file) played headless and recorded to GIF/MP4.

    python main.py record --lesson NAME --out demo.mp4 --seconds S --fps F
                          [--size WxH] [--steps-per-frame K] [--seed N] [--scene I]
    python main.py record network.json --out demo.gif ...

The window is drawn offscreen at the given size; the simulation runs in this thread in lockstep
with the frames (K steps, then one frame), so the same command gives the same frames on any
machine.  Every bad argument is refused in one line, with exit code 2, before anything starts.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time

from nnsim.engine.fileformat import NetworkFileError, load_network
from nnsim.engine.lessons import Lesson, LessonFileError, Scene, find_lesson


class UsageError(ValueError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        raise UsageError(message)


def parse_args(argv) -> argparse.Namespace:
    p = _Parser(prog="nnsim record", description="Record a lesson or a network as GIF or MP4, "
                "headless.")
    p.add_argument("file", nargs="?", help="a network file (.json) instead of --lesson")
    p.add_argument("--lesson", metavar="NAME", help="lesson number, file name or slug")
    p.add_argument("--scene", type=int, default=0, help="which scene of the lesson (from 0)")
    p.add_argument("--out", required=True, help="output file: .gif or .mp4")
    p.add_argument("--seconds", type=float, default=5.0, help="length of the video")
    p.add_argument("--fps", type=float, default=30.0, help="frames per second")
    p.add_argument("--size", default="1280x720", help="frame size WxH (default 1280x720)")
    p.add_argument("--steps-per-frame", type=int, default=None,
                   help="simulation steps between frames (default: the lesson's)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the simulation")
    p.add_argument("--target", default="window",
                   help="what to record: window, canvas, or a plot (decision, loss, weights, ...)")
    args = p.parse_args(argv)
    if (args.file is None) == (args.lesson is None):
        raise UsageError("give either --lesson NAME or a network FILE")
    match = re.fullmatch(r"(\d+)x(\d+)", args.size)
    if not match or not (16 <= int(match[1]) <= 7680 and 16 <= int(match[2]) <= 4320):
        raise UsageError(f"--size must be WxH between 16x16 and 7680x4320, not {args.size!r}")
    args.size = (int(match[1]), int(match[2]))
    if not 0 < args.seconds <= 3600:
        raise UsageError(f"--seconds must be between 0 and 3600, not {args.seconds:g}")
    if not 1 <= args.fps <= 120:
        raise UsageError(f"--fps must be between 1 and 120, not {args.fps:g}")
    if args.steps_per_frame is not None and args.steps_per_frame < 1:
        raise UsageError(f"--steps-per-frame must be at least 1, not {args.steps_per_frame}")
    return args


def _scene(args) -> tuple[Lesson | None, Scene]:
    if args.lesson is not None:
        lesson = find_lesson(args.lesson)
        if not 0 <= args.scene < len(lesson.scenes):
            raise UsageError(f"lesson {lesson.id} has scenes 0 to {len(lesson.scenes) - 1}, "
                             f"not {args.scene}")
        return lesson, lesson.scenes[args.scene]
    net = load_network(args.file)
    return None, Scene(title=net.name or os.path.basename(args.file), network=net,
                       plots=("decision",))


def progress_bar(done: int, total: int, out=sys.stderr) -> None:
    width = 30
    filled = width * done // max(total, 1)
    out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} frames")
    if done >= total:
        out.write("\n")
    out.flush()


def main(argv) -> int:
    try:
        args = parse_args(argv)
        from nnsim.app.recorder import check_output_path

        out = check_output_path(args.out, args.fps)  # unknown extension, unwritable: now
        lesson, scene = _scene(args)
    except (UsageError, LessonFileError, NetworkFileError, ValueError) as exc:
        print(f"nnsim record: {exc}", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The recording must not depend on (or change) the user's saved window layout.
    os.environ["NNSIM_SETTINGS_DIR"] = tempfile.mkdtemp(prefix="nnsim-record-")
    try:
        path, frames, seconds = record(lesson, scene, args, out)
    except (ValueError, LessonFileError) as exc:
        print(f"\nnnsim record: {exc}", file=sys.stderr)
        return 2
    print(f"nnsim record: wrote {path} ({frames} frames in {seconds:.1f} s, "
          f"{frames / max(seconds, 1e-9):.0f} frames/s)")
    return 0


def record(lesson: Lesson | None, scene: Scene, args, out) -> tuple[str, int, float]:
    """Returns (path, frames, seconds spent recording and encoding, start-up excluded)."""
    from PySide6.QtWidgets import QApplication

    from nnsim.app.document import Document
    from nnsim.app.main_window import MainWindow
    from nnsim.app.recorder import record_headless
    from nnsim.engine.simulation import Simulation

    app = QApplication.instance() or QApplication(["nnsim"])
    window = MainWindow(engine_after_paint=False)
    window.stop_following_engine()  # frames come from the simulation below alone
    window.run_cue.withdraw()  # the lesson, not the first-launch cue
    window.view.throttle_restyles = False
    window.resize(*args.size)
    if lesson is not None:
        window.learning.open_scene(lesson, args.scene)
    else:
        window.set_document(Document(scene.network.copy(), os.path.abspath(args.file)))
    window.engine.pause()
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
    per_frame = args.steps_per_frame or scene.steps_per_frame

    def advance(i: int) -> None:
        if i:
            sim.step(per_frame)
        snapshot = sim.snapshot()
        window.view.apply_snapshot(snapshot)
        window.learning.update_snapshot(snapshot)
        window.status.show_simulation(snapshot.step, snapshot.epoch, 0.0, False, snapshot.message)

    target = _target(window, args.target)
    frames = max(1, round(args.seconds * args.fps))
    try:
        # Offscreen, the window's own painting is the frame: copy it rather than paint twice.
        offscreen = QApplication.platformName() == "offscreen"
        start = time.perf_counter()
        path = str(record_headless(target, advance, frames, out, fps=args.fps,
                                   size=args.size if target is window else None,
                                   progress=progress_bar,
                                   from_backing_store=offscreen and target is window))
        return path, frames, time.perf_counter() - start
    finally:
        window.engine.stop()
        window.document.undo_stack.setClean()  # nothing to ask about: this was a recording
        window.close()


def _target(window, name: str):
    if name == "window":
        return window
    if name == "canvas":
        return window.view
    plots = window.learning.plots
    if name not in plots:
        raise ValueError(f"--target must be window, canvas or one of {', '.join(plots)}, "
                         f"not {name!r}")
    window.learning.raise_plots([name])
    return plots[name]
