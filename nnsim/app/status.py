"""The status bar: the network's facts (on every edit) and the simulation's state (per frame)."""
from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QStatusBar, QStyle, QStyleOption

from nnsim.app.live_label import LiveLabel, elide_words
from nnsim.engine.network import Network


def applicable_rules(net: Network) -> list[str]:
    """Titles of the learning rules that apply to this network."""
    try:
        from nnsim.engine.rules import RULES
    except ImportError:
        return []
    titles = []
    for cls in RULES.values():
        try:
            if cls().applies_to(net):
                titles.append(cls.title or cls.name)
        except Exception:  # noqa: BLE001 - a rule's check must never break the status bar
            continue
    return titles


def network_facts(net: Network) -> str:
    kind = "feed-forward" if net.is_feedforward else "recurrent"
    n, c = len(net), net.parameter_count
    return (f"{n:,} neuron{'s' * (n != 1)} · {c:,} connection{'s' * (c != 1)} · "
            f"depth {net.depth} · {kind}")


def format_rate(steps_per_second: float) -> str:
    if steps_per_second >= 10_000:
        return f"{steps_per_second / 1000:,.0f}k steps/s"
    return f"{steps_per_second:,.0f} steps/s"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _RulesAnswer(QObject):
    ready = Signal(int, list)  # (request number, rule titles)


class StatusBar(QStatusBar):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.facts = QLabel()
        self.rules = QLabel()
        # Changes while running: a LiveLabel repaints without re-laying the window out.
        self.simulation = LiveLabel(min_chars=58)
        for label in (self.facts, self.rules, self.simulation):
            label.setContentsMargins(6, 0, 6, 0)
            self.addPermanentWidget(label)
        self.facts.setObjectName("statusFacts")
        self.rules.setObjectName("statusRules")
        self.simulation.setObjectName("statusSimulation")
        self.rules.setText("rules: …")
        self.rules.setToolTip("Learning rules that apply to this network")
        self.show_simulation(0, 0, 0.0, False)
        # Asking every rule takes tens of ms on a large network: once a burst of edits settles,
        # on a pool thread (the answer comes back as a queued signal; stale answers dropped).
        self._rules_answer = _RulesAnswer()
        self._rules_answer.ready.connect(self._show_rules)
        self._asked = 0
        self._rules_timer = QTimer(self)
        self._rules_timer.setSingleShot(True)
        self._rules_timer.setInterval(150)
        self._rules_timer.timeout.connect(self._ask_rules)
        self._network: Network | None = None
        # True while recording: the rule list is found at once, in this thread, and a message
        # stays until replaced, so nothing shown depends on a pool thread or the wall clock.
        self.synchronous = False

    def show_network(self, net: Network) -> None:
        self.facts.setText(network_facts(net))
        self._network = net.copy()  # the pool thread reads its own copy
        if self.synchronous:
            self.settle()
        else:
            self._rules_timer.start()

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt's name
        super().showMessage(text, 0 if self.synchronous else timeout)

    def shown_message(self) -> str:
        """The message as painted: shortened by whole words to the room left of the permanent
        labels ("Lesson 4: Hebb: the weights grow …"), never cut inside a word or a number;
        currentMessage() keeps it whole."""
        return elide_words(self.currentMessage(), self.fontMetrics(), self.message_rect().width())

    def message_rect(self) -> QRect:
        """Where QStatusBar draws its message: from the left to the first permanent label."""
        right = self.width() - 12
        for widget in (self.facts, self.rules, self.simulation):
            if widget.isVisible():
                right = min(right, widget.x() - 2)
        return QRect(6, 0, max(right - 6, 0), self.height())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """QStatusBar's painting (the panel, the permanent labels' frames), the message drawn
        as shown_message() instead of clipped wherever the first label begins."""
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        for widget in (self.facts, self.rules, self.simulation):
            if widget.isVisible():
                frame = QStyleOption()
                frame.rect = widget.geometry().adjusted(-2, -1, 2, 1)
                frame.palette = self.palette()
                frame.state = QStyle.StateFlag.State_None
                self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameStatusBarItem, frame,
                                           painter, widget)
        painter.setPen(self.palette().windowText().color())
        flags = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
        painter.drawText(self.message_rect(), int(flags), self.shown_message())

    def stop(self) -> None:
        self._rules_timer.stop()
        self._asked += 1  # an answer still on its way is stale
        QThreadPool.globalInstance().waitForDone(5000)

    def settle(self) -> None:
        """The rule list for the network shown, now, in this thread (a recording's frames must
        not depend on when the pool thread's answer arrives)."""
        self._rules_timer.stop()
        self._asked += 1  # an answer still on its way is stale
        if self._network is not None:
            self._show_rules(self._asked, applicable_rules(self._network))

    def _ask_rules(self) -> None:
        self._asked += 1
        asked, net, answer = self._asked, self._network, self._rules_answer
        QThreadPool.globalInstance().start(lambda: answer.ready.emit(asked, applicable_rules(net)))

    def _show_rules(self, asked: int, rules: list) -> None:
        if asked == self._asked:
            self.rules.setText("rules: " + (", ".join(rules) if rules else "none apply"))

    def show_simulation(self, step: int, epoch: int, steps_per_second: float,
                        running: bool, note: str = "") -> None:
        """note: why the simulation stopped or does not learn (the snapshot's message)."""
        state = f"running · {format_rate(steps_per_second)}" if running else "paused"
        text = f"step {step:,} · epoch {epoch:,} · {state}"
        self.simulation.setText(f"{text} · {_shorten(note)}" if note else text)
