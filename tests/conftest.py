"""Shared test set-up: Qt runs offscreen unless the developer already chose a platform."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
