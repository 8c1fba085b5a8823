"""Command line: `python main.py [FILE]`, --version, --help."""
from __future__ import annotations

import argparse
import os
import sys

from nnsim import __version__


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nnsim", description="Draw a neural network and watch "
                                     "it compute and learn.")
    parser.add_argument("file", nargs="?", help="a network file (.json) to open")
    parser.add_argument("--version", action="version", version=f"nnsim {__version__}")
    return parser.parse_args(argv)


def display_available() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc")) or sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv=None) -> int:
    args = parse_args(argv)
    if not display_available():
        print("nnsim: no display found (DISPLAY is not set); run under a desktop session, or "
              "headless with QT_QPA_PLATFORM=offscreen", file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("nnsim")
    window.setCentralWidget(QLabel(args.file or "nnsim"))
    window.resize(1200, 800)
    window.show()
    return app.exec()
