"""AI backends behind one Protocol (`AIBackend`), chosen by `PINRENDER_AI__BACKEND`:
`offline` (the embedded default: no network, no model) or `openai` (any OpenAI-compatible
server). `testing.AIBackendConformance` is the suite every backend, ours or yours, must pass."""

from __future__ import annotations

from ...settings import AISettings
from .base import (
    ASPECT_RATIOS,
    LONG_SIDE,
    MODEL_TIERS,
    QUALITIES,
    AIBackend,
    AIError,
    AIUnavailable,
    Concept,
    ExpandedPrompt,
    GeneratedImage,
    HotspotDraft,
    Spot,
    image_size,
)
from .offline import OfflineBackend

__all__ = [
    "ASPECT_RATIOS",
    "AIBackend",
    "AIError",
    "AISettings",
    "AIUnavailable",
    "Concept",
    "ExpandedPrompt",
    "GeneratedImage",
    "HotspotDraft",
    "LONG_SIDE",
    "MODEL_TIERS",
    "OfflineBackend",
    "QUALITIES",
    "Spot",
    "image_size",
    "open_ai_backend",
]


def open_ai_backend(settings: AISettings) -> AIBackend:
    """The backend `settings.backend` names; close it with `await backend.aclose()`."""
    if settings.backend == "openai":
        # Imported here: the offline default never loads the HTTP client's machinery.
        from .openai import OpenAIBackend

        return OpenAIBackend(settings)
    return OfflineBackend(settings)
