"""Learning rules, one module each.  `RULES` maps a rule's name to its class, for the app."""
from .base import Applicability, History, Param, Rule, Trainer

__all__ = ["Applicability", "History", "Param", "RULES", "Rule", "Trainer"]

# Each rule module adds its classes below and to RULES.
RULES: dict[str, type[Rule]] = {}
