"""The lesson browser: the lecture's lessons in order, each with its explanation, formula,
"try this" steps, scenes and Previous/Next.  It only chooses; the main window opens the scene."""
from __future__ import annotations

import html

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStylePainter,
    QVBoxLayout,
    QWidget,
)

from nnsim.engine.fileformat import NetworkFileError
from nnsim.engine.lessons import Lesson, lesson_paths, load_lesson


class WrapButton(QPushButton):
    """A push button whose text wraps at word boundaries instead of widening its parent."""

    PAD_X, PAD_Y = 10, 6

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = text
        self.setAccessibleName(text)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def text_rect(self, width: int) -> QRect:
        return self.fontMetrics().boundingRect(
            QRect(0, 0, max(width - 2 * self.PAD_X, 20), 10_000),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.full_text)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self.text_rect(width).height() + 2 * self.PAD_Y

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        width = min(self.fontMetrics().horizontalAdvance(self.full_text) + 2 * self.PAD_X + 4, 240)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        longest = max((self.fontMetrics().horizontalAdvance(w) for w in self.full_text.split()),
                      default=0)
        width = longest + 2 * self.PAD_X + 4  # never narrower than its longest word
        return QSize(width, self.heightForWidth(width))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = ""
        painter = QStylePainter(self)
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)
        painter.drawText(self.rect().adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y),
                         int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.full_text)


class LessonCombo(QComboBox):
    """Picks a lesson from the full titles in its list, but shows only "Lesson 5 of 22": the
    title is the heading right below, and a long one would be cut in a narrow dock."""

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        if self.currentIndex() >= 0:
            option.currentText = f"Lesson {self.currentIndex() + 1} of {self.count()}"
        painter = QStylePainter(self)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        view = self.view()  # the list as wide as its titles, even when the box is narrow
        view.setMinimumWidth(view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width() + 8)
        super().showPopup()


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

        self.combo = LessonCombo()
        self.combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(len("Lesson 22 of 22"))
        self.combo.setToolTip("Choose a lesson")
        for lesson in self.lessons:
            self.combo.addItem(f"{lesson.number}. {lesson.title}")
        self.combo.activated.connect(lambda i: self.open_lesson(i))
        # Arrows, not words: the row must fit the narrowest lessons column (tooltips name them).
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.prev_button.setAccessibleName("Previous lesson")
        self.next_button.setAccessibleName("Next lesson")
        for button in (self.prev_button, self.next_button):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("◀") + 28)
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
                                   "background: palette(alternate-base); border: 1px solid palette(midlight);"
                                   " border-radius: 4px;")  # follows the theme (nnsim.app.theme)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.RichText)
        self.body.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.body.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.scenes_row = QVBoxLayout()  # one scene a line, wrapped: never wider than the dock
        self.scenes_row.setSpacing(3)
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
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps
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
            button.hide()  # gone now: deleteLater waits for the event loop that called it
            button.deleteLater()
        for i, s in enumerate(lesson.scenes):
            button = WrapButton(f"{i + 1}. {s.title}" if s.title else f"Scene {i + 1}")
            button.setCheckable(True)
            button.setChecked(i == self._scene)
            button.setToolTip(f"Open scene {i + 1}: {s.title}")
            self.scene_buttons.addButton(button, i)
            self.scenes_row.addWidget(button)

    def _update_buttons(self) -> None:
        self.prev_button.setEnabled(self._index > 0)
        self.next_button.setEnabled(self._index < len(self.lessons) - 1)
