"""Sections other apps add to the artist's ledger overview (/me/).

The overview belongs to this app, but some of what it shows is concluded above it: the
tracker's findings about the artist's own records. Rather than importing the tracker, the
overview shows whatever panels are registered here; the tracker registers its own in its
AppConfig.ready(). Each panel is a template and a function giving that template's context
for the artist; the context is merged into the page's.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OverviewPanel:
    template: str
    context: Callable[..., dict]


_PANELS: dict[str, OverviewPanel] = {}


def register_overview_panel(name: str, *, template: str, context: Callable[..., dict]) -> None:
    """Add (or replace) the panel called `name`; panels show in the order they were first added."""
    _PANELS[name] = OverviewPanel(template=template, context=context)


def overview_panels() -> list[OverviewPanel]:
    return list(_PANELS.values())
