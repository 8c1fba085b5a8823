"""Run loaders on hostile inputs in a child process under resource limits, and report, for
each input, what it raised, the CPU seconds it took and how far it raised the memory peak.

The child caps its address space at what it has after imports plus `memory_mb`, so an input
that asks for more gets MemoryError instead of taking the machine, and a wall-clock timeout
kills a child that blocks (a FIFO).  CPU seconds (not wall-clock) are what the tests compare
against the limit: they do not grow when the machine is loaded.

    results = run_each("nnsim.engine.lessons:load_lesson", [path1, path2, ...])
    for r in results: r["error"], r["message"], r["cpu"], r["peak_mb"]
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = textwrap.dedent("""
    import importlib, json, resource, sys, time
    module, name = sys.argv[1].split(":")
    fn = getattr(importlib.import_module(module), name)
    memory_mb = int(sys.argv[2])
    args = json.loads(sys.stdin.read())

    def status_kib(field):
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1])
        return 0

    def vm_bytes():
        return status_kib("VmSize:") * 1024

    def reset_peak():
        # ru_maxrss starts at the forking parent's size (pytest's), so it hides growth below
        # that; VmHWM, reset through clear_refs, is this process's own peak from now on
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass

    limit = vm_bytes() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    for arg in args:
        reset_peak()
        rss0 = status_kib("VmRSS:")
        before = resource.getrusage(resource.RUSAGE_SELF)
        error = message = None
        try:
            fn(*arg) if isinstance(arg, list) else fn(arg)
        except BaseException as exc:  # report everything; the test decides what is allowed
            error, message = type(exc).__name__, str(exc)[:300]
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        print(json.dumps({"arg": str(arg)[:200], "error": error, "message": message,
                          "cpu": cpu, "peak_mb": (status_kib("VmHWM:") - rss0) / 1024}), flush=True)
""")


def run_each(target: str, args: list, memory_mb: int = 500, timeout: float = 600) -> list[dict]:
    """Call `module:function` on each of `args` (a list is spread as positional arguments) in one
    child process under the memory cap; one result dict per argument, in order.  Raises
    AssertionError if the child dies or outlives `timeout` (a hang), naming the last input done."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", _CHILD, target, str(memory_mb)],
                          input=json.dumps(args), capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=ROOT)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or len(results) != len(args):
        last = results[-1]["arg"] if results else "(none)"
        raise AssertionError(f"child exited {proc.returncode} after {len(results)} of {len(args)} "
                             f"inputs (last done: {last}); stderr: {proc.stderr[-2000:]}")
    return results
