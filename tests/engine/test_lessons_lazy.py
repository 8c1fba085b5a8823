"""Lessons load without building their builders' networks (start-up, issue 11 item 8): a scene's
network is built when it is first read; a builder's arguments are all checked at load (issue 12)."""
import json

import pytest

from nnsim.engine import Network
from nnsim.engine.lessons import LessonFileError, lesson_from_dict, lessons_dir, list_lessons


def hopfield_lesson(**network):
    data = json.loads((lessons_dir() / "06-hopfield.json").read_text())
    data["scenes"][0]["network"] = {"builder": "hopfield", **network}
    return data


def test_listing_the_lessons_builds_no_hopfield_net_until_its_scene_is_read(monkeypatch):
    built = []
    real = Network.hopfield

    def counting(*args, **kwargs):
        built.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(Network, "hopfield", counting)
    lessons = list_lessons()
    assert built == []
    scene = next(lesson for lesson in lessons if lesson.number == 6).scenes[0]
    net = scene.network
    assert len(net.neurons) == 64 and len(built) == 1
    assert scene.network is net and len(built) == 1  # built once, then kept


def test_a_builder_given_an_argument_it_does_not_take_is_refused_at_load():
    with pytest.raises(LessonFileError, match=r"lesson.json: scenes\[0\].network.builder: .*'size'"):
        lesson_from_dict(hopfield_lesson(n=64, size=64), "lesson.json", "x")


def test_a_value_out_of_range_is_refused_at_load_and_a_failing_builder_when_opened(monkeypatch):
    with pytest.raises(LessonFileError, match=r"lesson.json: scenes\[0\].network.n: expected a "
                                              r"whole number from 1 to 387, found -3"):
        lesson_from_dict(hopfield_lesson(n=-3), "lesson.json", "x")

    def refusing(*args, **kwargs):
        raise ValueError("no room")

    monkeypatch.setattr(Network, "hopfield", refusing)  # a builder failing all the same
    lesson = lesson_from_dict(hopfield_lesson(n=64), "lesson.json", "x")
    with pytest.raises(LessonFileError, match=r"lesson.json: scenes\[0\].network.builder: no room"):
        _ = lesson.scenes[0].network


def test_input_clamps_of_a_builder_scene_are_checked_at_load_without_building_it(monkeypatch):
    built = []
    real = Network.layered
    monkeypatch.setattr(Network, "layered", lambda *a, **k: built.append(k) or real(*a, **k))
    data = hopfield_lesson(n=4)
    data["scenes"][0].update(network={"builder": "layered", "sizes": [2, 1]},
                             inputs=[{"nobody": 1}], start=None, dataset=None, rule=None)
    with pytest.raises(LessonFileError, match=r"scenes\[0\].inputs\[0\]: 'nobody' is not an input"):
        lesson_from_dict(data, "lesson.json", "x")
    data["scenes"][0]["inputs"] = [{"x2": 1}, {"x1": 0.5}]
    lesson = lesson_from_dict(data, "lesson.json", "x")
    assert built == []
    assert lesson.scenes[0].network.inputs == ["x1", "x2"] and len(built) == 1
