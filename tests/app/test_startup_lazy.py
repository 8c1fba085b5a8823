"""Start-up builds only what the first paint needs (issue 11, item 8); what is built later
behaves as if it had been there from the start."""
import json

from nnsim.engine.lessons import lesson_from_dict, lessons_dir


def test_a_lesson_whose_network_cannot_be_built_says_so_and_keeps_the_document(window, monkeypatch):
    data = json.loads((lessons_dir() / "06-hopfield.json").read_text())
    data["scenes"][0]["network"] = {"builder": "hopfield", "n": -3}
    lesson = lesson_from_dict(data, "broken.json", "06-broken")
    shown = []
    monkeypatch.setattr(window, "show_error", lambda title, text, *a, **k: shown.append((title, text)))
    before = window.document
    assert not window.learning.open_scene(lesson, 0)
    assert window.document is before
    assert len(shown) == 1
    title, text = shown[0]
    assert title == "The lesson's network could not be made"
    assert text.startswith("Broken.json: scenes[0].network.builder:")
    assert "Error" not in text
