"""Command line: `python main.py [FILE]`, --lesson NAME, --version, --help, and
`python main.py record ...` (see record_cli).

Everything that can fail without a window (arguments, the file, the display) is checked before
Qt starts, and reported in one line with exit code 2.  NNSIM_STARTUP_PROBE=1 makes the app print
"nnsim: window shown" once its window is on screen, then quit; NNSIM_EXIT_AFTER_PAINT=1 prints
"nnsim: window painted" at the main window's first paint event, then quits (the start-up
benchmark, benchmarks/bench_startup.py, times that).
"""
from __future__ import annotations

import argparse
import gc
import os
import socket
import sys
from pathlib import Path

from nnsim import __version__

PROBE_ENV = "NNSIM_STARTUP_PROBE"
PAINT_ENV = "NNSIM_EXIT_AFTER_PAINT"
GC_FALLBACK_MS = 3000  # the garbage collector comes back on by then even without a paint


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nnsim", description="Draw a neural network and watch it compute and learn.",
        epilog="Without a display, run headless with QT_QPA_PLATFORM=offscreen.")
    parser.add_argument("file", nargs="?", help="a network file (.json) to open")
    parser.add_argument("--lesson", metavar="NAME", help="start a lesson by name")
    parser.add_argument("--engine", choices=("process", "thread"),
                        help="where the simulation runs: a process of its own (the default: "
                             "training and drawing never slow each other) or a thread of the "
                             "window's process")
    parser.add_argument("--version", action="version", version=f"nnsim {__version__}")
    return parser.parse_args(argv)


def display_problem() -> str | None:
    """Why Qt would abort for want of a screen (Linux with no X11 or Wayland display and no
    headless platform plugin chosen, or a local X display nobody serves), else None."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc")) or sys.platform != "linux":
        return None
    if os.environ.get("WAYLAND_DISPLAY"):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        return "no display found (DISPLAY is not set)"
    if display.startswith(":") and not _x_server_listening(display):
        return f"cannot connect to the X display {display}"
    return None


def _x_server_listening(display: str) -> bool:
    """A local display ":N" is served on the socket /tmp/.X11-unix/XN (a file, or the same name
    in Linux's abstract namespace)."""
    number = display[1:].split(".")[0]
    if not number.isdigit():
        return True  # not a form we know: let Qt decide
    path = f"/tmp/.X11-unix/X{number}"
    if os.path.exists(path):
        return True
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        try:
            sock.connect("\0" + path)
            return True
        except OSError:
            return False


def fail(message: str) -> int:
    print(f"nnsim: {message}", file=sys.stderr)
    return 2


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["record"]:
        gc.enable()  # no window to wait for (main.py turned it off for the start)
    if argv[:1] != ["record"]:
        catch_interrupt()  # from the start: Ctrl+C while the window is being built quits cleanly
    if argv[:1] == ["record"]:
        from nnsim.app.record_cli import main as record_main

        return record_main(argv[1:])
    args = parse_args(argv)
    if args.engine:
        os.environ["NNSIM_ENGINE"] = args.engine  # read by every EngineThread (engine_thread.py)
    lesson = None
    if args.lesson is not None:
        from nnsim.engine.lessons import LessonFileError, find_lesson

        try:
            lesson = find_lesson(args.lesson).id
        except LessonFileError as exc:
            return fail(f"--lesson: {exc}")  # every argument's error names the argument
    network = None
    if args.file:
        from nnsim.engine.fileformat import NetworkFileError, load_document

        try:
            network = load_document(args.file)  # (network, setup): the whole document
        except NetworkFileError as exc:
            return fail(str(exc))
    problem = display_problem()
    if problem:
        return fail(f"{problem}; run it in a desktop session, or headless with "
                    "QT_QPA_PLATFORM=offscreen")
    return run_app(args.file, network, lesson)


def run_app(path: str | None, network, lesson: str | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from nnsim.app.settings import APPLICATION, ORGANISATION

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    icon = Path(__file__).resolve().parents[2] / "resources" / "icons" / "nnsim.svg"
    if icon.exists():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))

    from nnsim.app.document import Document
    from nnsim.app.engine_thread import after_first_paint
    from nnsim.app.main_window import MainWindow

    document = Document(network[0], os.path.abspath(path), setup=network[1]) \
        if network is not None else None
    window = MainWindow(document, fill_docks=False)  # filled once painted (below)
    after_first_paint(window, gc.enable, GC_FALLBACK_MS)  # main.py turned it off for the start
    if _interrupt.requested:  # Ctrl+C came while the window was being built
        window.close()
        return 0
    from nnsim.app.probe import install_probe

    install_probe(window)  # only with NNSIM_PROBE_FILE set: end-to-end tests read the screen
    if path:
        window.files.add_recent(path)
    elif lesson is not None:
        window.learning.open_lesson(lesson)
    elif not window.recovery.pending():
        window.learning.open_lesson(0)  # no file: the app opens on the first lesson
    if os.environ.get(PAINT_ENV):
        exit_after_first_paint(window)
    # The docks' panels and plots are made just after the first paint: the window shows at once
    # with its menus, tool bars, canvas and the docks' frames.
    after_first_paint(window, lambda: QTimer.singleShot(
        0, window, lambda: window.isVisible() and window.learning.fill()))
    window.show()
    if os.environ.get(PROBE_ENV):
        def probe():
            print("nnsim: window shown", flush=True)
            window.close()
        QTimer.singleShot(0, probe)
    else:
        QTimer.singleShot(0, window.offer_recovery)
    close_on_interrupt(window)
    return app.exec()


def exit_after_first_paint(window) -> None:
    """Print "nnsim: window painted" once the window's first paint pass is over, then close it."""
    from nnsim.app.engine_thread import after_first_paint

    def painted() -> None:
        print("nnsim: window painted", flush=True)
        window.close()

    after_first_paint(window, painted)


class _Interrupt:
    requested = False
    window = None


_interrupt = _Interrupt()


def catch_interrupt() -> None:
    """Ctrl+C in the terminal never raises KeyboardInterrupt: before the window exists it is
    remembered (run_app then quits at once); after, it closes the window."""
    import signal

    def on_sigint(*_args) -> None:
        _interrupt.requested = True
        if _interrupt.window is not None:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, _interrupt.window.close)

    signal.signal(signal.SIGINT, on_sigint)


def close_on_interrupt(window) -> None:
    """Ctrl+C in the terminal closes the window as its close button does (asking about unsaved
    work), instead of raising KeyboardInterrupt in whatever slot happens to run.  Python runs a
    signal handler only between bytecodes; the idle timer gives it some while Qt waits."""
    from PySide6.QtCore import QTimer

    catch_interrupt()
    _interrupt.window = window
    if _interrupt.requested:
        QTimer.singleShot(0, window.close)
    wake = QTimer(window)
    wake.timeout.connect(lambda: None)
    wake.start(200)
