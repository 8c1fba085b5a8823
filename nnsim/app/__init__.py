"""The Qt application (PySide6).  Reads engine objects; never re-implements their maths."""


def main(argv=None) -> None:
    from .cli import main as cli_main

    raise SystemExit(cli_main(argv))
