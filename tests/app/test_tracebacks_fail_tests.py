"""The suite's own guard: a traceback or Qt warning the app prints during a test fails that test
(pyproject's pytest options: pytest-qt's exception capture and qt_log_level_fail, and unraisable
and thread exceptions as errors).  Run on throw-away tests in a subprocess."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CASES = textwrap.dedent('''
    import gc
    import threading

    from PySide6.QtCore import QObject, QTimer, Signal, qWarning


    class Emitter(QObject):
        fired = Signal()


    def test_exception_in_a_slot(qtbot):
        emitter = Emitter()

        def slot():
            raise ValueError("broken slot")
        emitter.fired.connect(slot)
        emitter.fired.emit()


    def test_exception_in_a_timer(qtbot):
        def boom():
            raise ValueError("broken timer")
        QTimer.singleShot(0, boom)
        qtbot.wait(50)


    def test_qt_warning(qtbot):
        qWarning("something is wrong")


    def test_unraisable_exception():
        class Bad:
            def __del__(self):
                raise ValueError("broken __del__")
        Bad()
        gc.collect()


    def test_exception_in_a_thread():
        t = threading.Thread(target=lambda: 1 / 0)
        t.start()
        t.join()


    def test_clean(qtbot):
        emitter = Emitter()
        emitter.fired.connect(lambda: None)
        emitter.fired.emit()
''')


def test_each_kind_of_printed_error_fails_its_test(tmp_path):
    case_file = tmp_path / "test_cases.py"
    case_file.write_text(CASES)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(ROOT / "pyproject.toml"),
         "--rootdir", str(tmp_path), str(case_file)],
        capture_output=True, text=True, env=env, timeout=240)
    out = result.stdout
    assert "5 failed, 1 passed" in out, out[-3000:]
    for name in ("test_exception_in_a_slot", "test_exception_in_a_timer", "test_qt_warning",
                 "test_unraisable_exception", "test_exception_in_a_thread"):
        # "FAILED path::name", with " - reason" after it where pytest prints reasons (CI)
        assert any(line.startswith("FAILED") and (line.endswith(f"::{name}") or f"::{name} - " in line)
                   for line in out.splitlines()), name
