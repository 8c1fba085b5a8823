"""Paced to be watched (issue 13): every scene's scripted run lasts 3 to 15 s at the recorder's
default 30 frames per second: steps / steps_per_frame frames, 90 to 450.  (`python main.py
record --lesson N` records exactly that run, then holds its last frame.)"""
import math

import pytest

from nnsim.engine.backprop_steps import recording_frames
from nnsim.engine.lessons import list_lessons

FPS = 30  # the recorder's default (python main.py record --help)
MIN_SECONDS, MAX_SECONDS = 3, 15

SCENES = [(lesson, i) for lesson in list_lessons() for i in range(len(lesson.scenes))]


@pytest.mark.parametrize("lesson, index", SCENES,
                         ids=[f"{lesson.id}-scene{i + 1}" for lesson, i in SCENES])
def test_every_scene_runs_3_to_15_seconds_at_30_fps(lesson, index):
    scene = lesson.scenes[index]
    if scene.backprop_steps:  # one sample's pass, each stop held `pace` frames
        frames = recording_frames(scene.network, scene.backprop_steps["pace"])
    else:
        frames = math.ceil(scene.steps / scene.steps_per_frame)
    seconds = frames / FPS
    assert MIN_SECONDS * FPS <= frames <= MAX_SECONDS * FPS, (
        f"lesson {lesson.number} scene {index + 1} ({scene.title!r}): {scene.steps} steps at "
        f"{scene.steps_per_frame} a frame = {frames} frames = {seconds:.1f} s at {FPS} fps; "
        f"a scene runs {MIN_SECONDS} to {MAX_SECONDS} s ({MIN_SECONDS * FPS} to "
        f"{MAX_SECONDS * FPS} frames)")


def test_the_recorder_defaults_to_30_fps_and_records_the_scripted_run():
    """The figures above are what `record` does: its default frame rate, and without
    --seconds one frame per steps_per_frame steps of the scene (checked against its code)."""
    from nnsim.app import record_cli  # imports no Qt until it records

    args = record_cli.parse_args(["--lesson", "1", "--out", "x.mp4"])
    assert args.fps == FPS and args.seconds is None
    for lesson, index in SCENES:
        scene = lesson.scenes[index]
        if scene.steps:
            assert record_cli.run_frames(scene) == math.ceil(scene.steps / scene.steps_per_frame)
