"""The lesson browser: the lecture's lessons in order, each with its explanation, formula,
"try this" steps, scenes and Previous/Next.  It only chooses; the main window opens the scene."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnsim.engine.fileformat import NetworkFileError
from nnsim.engine.lessons import Lesson, lesson_paths, load_lesson


class LessonBrowser(QWidget):
    """Emits `scene_requested(lesson, scene_index)` when the user picks a lesson or a scene."""

    scene_requested = Signal(object, int)

    def __init__(self, lessons: list[Lesson] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LessonBrowser")
        problems = []
        if lessons is None:  # a broken lesson file is reported, and the others still open
            lessons = []
            for path in lesson_paths():
                try:
                    lessons.append(load_lesson(path))
                except NetworkFileError as exc:
                    problems.append(str(exc))
            lessons.sort(key=lambda lesson: (lesson.number, lesson.id))
        self.lessons = lessons
        self.problems = problems
        self._index = -1
        self._scene = 0

        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        for lesson in self.lessons:
            self.combo.addItem(f"{lesson.number}. {lesson.title}")
        self.combo.activated.connect(lambda i: self.open_lesson(i))
        self.prev_button = QPushButton("◀ Previous")
        self.next_button = QPushButton("Next ▶")
        self.prev_button.setToolTip("Previous lesson (Alt+Left)")
        self.next_button.setToolTip("Next lesson (Alt+Right)")
        self.prev_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.RichText)
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.formula = QLabel()
        self.formula.setTextFormat(Qt.PlainText)
        self.formula.setWordWrap(True)
        self.formula.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.formula.setStyleSheet("font-family: monospace; font-size: 11pt; padding: 6px;"
                                   "background: #f3f5f8; border: 1px solid #d8dde6; border-radius: 4px;")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.RichText)
        self.body.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.body.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.scenes_row = QHBoxLayout()
        self.scene_buttons = QButtonGroup(self)
        self.scene_buttons.setExclusive(True)
        self.scene_buttons.idClicked.connect(self.open_scene)

        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.combo, 1)
        nav.addWidget(self.next_button)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.title)
        inner.addWidget(self.formula)
        scenes_label = QLabel("Scenes:")
        scenes_label.setStyleSheet("font-weight: 600;")
        inner.addWidget(scenes_label)
        inner.addLayout(self.scenes_row)
        inner.addWidget(self.body, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(nav)
        layout.addWidget(scroll, 1)
        if problems:
            self.title.setText("Some lessons could not be loaded")
            self.body.setText("<br>".join(html.escape(p) for p in problems))
        self._update_buttons()

    # ------------------------------------------------------------------ navigation
    @property
    def current(self) -> Lesson | None:
        return self.lessons[self._index] if 0 <= self._index < len(self.lessons) else None

    @property
    def scene_index(self) -> int:
        return self._scene

    def show_lesson(self, index: int, scene: int = 0) -> None:
        """Display a lesson's text without asking to open it (e.g. after the window opened it)."""
        if not 0 <= index < len(self.lessons):
            return
        self._index, self._scene = index, scene
        lesson = self.lessons[index]
        self.combo.setCurrentIndex(index)
        self.title.setText(f"{lesson.number}. {html.escape(lesson.title)}")
        self.formula.setText(lesson.formula)
        self.formula.setVisible(bool(lesson.formula))
        steps = "".join(f"<li>{html.escape(t)}</li>" for t in lesson.try_this)
        notes = lesson.scenes[scene].notes if scene < len(lesson.scenes) else ""
        self.body.setText(
            f"<p><i>{html.escape(lesson.summary)}</i></p><p>{html.escape(lesson.explanation)}</p>"
            + (f"<p>{html.escape(notes)}</p>" if notes else "")
            + f"<p><b>Try this</b></p><ol>{steps}</ol>")
        self._rebuild_scene_buttons(lesson)
        self._update_buttons()

    def open_lesson(self, index: int, scene: int = 0) -> None:
        if not 0 <= index < len(self.lessons):
            return
        self.show_lesson(index, scene)
        self.scene_requested.emit(self.lessons[index], scene)

    def open_scene(self, scene: int) -> None:
        if self.current is not None and 0 <= scene < len(self.current.scenes):
            self.show_lesson(self._index, scene)
            self.scene_requested.emit(self.current, scene)

    def select_by_id(self, lesson_id: str) -> int:
        for i, lesson in enumerate(self.lessons):
            if lesson.id == lesson_id:
                return i
        return -1

    def next(self) -> None:
        self.open_lesson(self._index + 1)

    def previous(self) -> None:
        self.open_lesson(self._index - 1)

    def _rebuild_scene_buttons(self, lesson: Lesson) -> None:
        for button in self.scene_buttons.buttons():
            self.scene_buttons.removeButton(button)
            self.scenes_row.removeWidget(button)
            button.deleteLater()
        for i, s in enumerate(lesson.scenes):
            button = QPushButton(s.title or f"Scene {i + 1}")
            button.setCheckable(True)
            button.setChecked(i == self._scene)
            button.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
            button.setToolTip(f"Open scene {i + 1}: {s.title}")
            self.scene_buttons.addButton(button, i)
            self.scenes_row.addWidget(button)

    def _update_buttons(self) -> None:
        self.prev_button.setEnabled(self._index > 0)
        self.next_button.setEnabled(self._index < len(self.lessons) - 1)
