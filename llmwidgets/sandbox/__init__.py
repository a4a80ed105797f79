"""The sandbox: a local OpenAI-compatible server with a real small model, for offline work.

    base_url = ensure_running()      # the shared sandbox, started once per machine and user
    with start(api_keys=["sk-..."], rpm=3) as box:   # a private one, e.g. to teach 401 and 429
        client = openai.OpenAI(base_url=box.url, api_key="sk-...")

This package's face: process management lives in `launcher` (stdlib only, so importing it
loads no model), the command line in `command`, and the server itself (routes, engine,
embedder) in the modules that only the server process imports.
"""

from __future__ import annotations

from .launcher import *  # noqa: F403  (the face shows exactly the launcher's names)
from .launcher import __all__ as __all__
