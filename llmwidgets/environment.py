"""Every environment variable llmwidgets reads, named once.

| variable                      | read by             | what it does                         |
|-------------------------------|---------------------|--------------------------------------|
| `LLMWIDGETS_API_KEY`          | the `custom` preset | the key for any other server         |
| `LLMWIDGETS_SANDBOX_URL`      | `connect()`         | use a sandbox started elsewhere      |
| `LLMWIDGETS_STATE_DIR`        | the launcher        | where the shared sandbox's state is  |
| `LLMWIDGETS_SANDBOX_API_KEYS` | the sandbox         | keys it accepts, comma-separated     |
| `LLMWIDGETS_SANDBOX_RESTRICTED_KEYS` | the sandbox  | valid keys that may use no model (403) |
| `LLMWIDGETS_SANDBOX_THREADS`  | the sandbox         | llama.cpp threads                    |
| `LLMWIDGETS_REHEARSE`         | `connect()`         | providers to rehearse (`groq` or `all`) |
| `LLMWIDGETS_SANDBOX_MEMO`     | the sandbox         | test runs only: `record:DIR`, `replay:DIR` |

`LLMWIDGETS_SANDBOX_MEMO` keeps deterministic answers in a folder (`record:`) and answers
the same requests from them (`replay:`): `sandbox/memo.py`, for test runs, never students.

Keys travel to the sandbox in the environment because `ps` shows a command line to anyone.

Provider keys (`GROQ_API_KEY`, ...) are named by each preset in `providers.py`.
"""

from __future__ import annotations

CUSTOM_API_KEY = "LLMWIDGETS_API_KEY"
SANDBOX_URL = "LLMWIDGETS_SANDBOX_URL"
STATE_DIR = "LLMWIDGETS_STATE_DIR"
SANDBOX_API_KEYS = "LLMWIDGETS_SANDBOX_API_KEYS"
SANDBOX_RESTRICTED_KEYS = "LLMWIDGETS_SANDBOX_RESTRICTED_KEYS"
SANDBOX_THREADS = "LLMWIDGETS_SANDBOX_THREADS"
REHEARSE = "LLMWIDGETS_REHEARSE"
SANDBOX_MEMO = "LLMWIDGETS_SANDBOX_MEMO"
