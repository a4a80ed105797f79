"""How a sandbox is told to behave: `SandboxConfig`, from the command line (`command.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..providers import LOOPBACK_HOSTS

__all__ = ["SandboxConfig"]


@dataclass(frozen=True)
class SandboxConfig:
    """How a sandbox behaves. The last three are teaching switches: each makes a real
    failure through the same code path as any other (see `failures.py`)."""

    host: str = "127.0.0.1"
    api_keys: frozenset[str] = frozenset()
    rpm: int | None = None
    tpm: int | None = None
    allow_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000
    moderate: tuple[str, ...] = ()  # words that end a choice with "content_filter"
    flaky: int | None = None  # the first of every N model requests fails with a 503
    restricted_keys: frozenset[str] = frozenset()  # valid keys with no access to models
    profile: str = "sandbox"  # whose surface /v1 shows (every profile has its own path too)
    minute: float = 60.0  # seconds a rate-limit minute lasts, for the profiles' free tiers

    @property
    def loopback_only(self) -> bool:
        return self.host in LOOPBACK_HOSTS
