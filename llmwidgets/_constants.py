"""Named defaults, in one place so that a reader finds every magic number here."""

from __future__ import annotations

# The provider everything uses unless told otherwise: the offline local sandbox.
DEFAULT_PROVIDER = "sandbox"

# Model discovery must not stall a notebook: a short timeout and no retries.
MODELS_TIMEOUT_SECONDS = 5.0
MODELS_CACHE_SECONDS = 300.0
