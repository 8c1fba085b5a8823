"""The lesson browser lists the lessons in order and asks for the scene the user picks."""
from nnsim.app.lesson_browser import LessonBrowser


def test_browser_lists_all_lessons_and_navigates(qtbot):
    browser = LessonBrowser()
    qtbot.addWidget(browser)
    assert browser.combo.count() == 22
    assert browser.combo.itemText(0).startswith("1. The perceptron")
    requests = []
    browser.scene_requested.connect(lambda lesson, scene: requests.append((lesson.number, scene)))
    browser.open_lesson(0)
    assert requests == [(1, 0)]
    assert "g(-6)" in browser.body.text() and not browser.prev_button.isEnabled()
    browser.next_button.click()
    assert requests[-1] == (2, 0) and browser.prev_button.isEnabled()
    browser.open_lesson(4)  # perceptron learning: AND, OR, XOR
    assert len(browser.scene_buttons.buttons()) == 3
    browser.scene_buttons.button(2).click()
    assert requests[-1] == (5, 2) and browser.scene_index == 2
    browser.open_lesson(21)
    assert not browser.next_button.isEnabled()
    browser.next()  # past the end: nothing happens
    assert requests[-1] == (22, 0)


def test_browser_survives_a_broken_lessons_folder(qtbot, tmp_path, monkeypatch):
    (tmp_path / "01-bad.json").write_text("{not json")
    monkeypatch.setenv("NNSIM_LESSONS_DIR", str(tmp_path))
    browser = LessonBrowser()
    qtbot.addWidget(browser)
    assert browser.combo.count() == 0
    assert "01-bad.json" in browser.body.text()
