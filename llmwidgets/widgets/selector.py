"""The provider selector: a provider, a key kept out of sight, a live status and a model.

    selector = llmwidgets.ProviderSelector()   # the sandbox, ready at once
    selector                                   # shows the widget
    client = selector.client                   # a ready openai.OpenAI
    selector.model                             # the model chosen in the dropdown

The key field is not an ipywidgets `Password`: a Password's value is synced widget state,
which JupyterLab and nbclient save into the notebook file. Here the typed key travels once,
as a comm message, into a private attribute, and the field clears itself; the synced state
holds only where the key came from ("GROQ_API_KEY from the environment", "typed"). Keys
from the environment or a `.env` file are preferred and never typed at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import anywidget
import ipywidgets as widgets
import traitlets

from ..errors import LLMWidgetsError, describe_error
from ..keys import find_key
from ..providers import PRESETS, get_provider
from ..reaching import connect_or_rehearse, rehearsal_note
from ..redaction import redact
from .bundle import module, stylesheet
from .page import PageMessages, PageTable

if TYPE_CHECKING:
    import openai

    from ..client import ModelListing

__all__ = ["KeyField", "ProviderSelector"]


class KeyField(PageMessages, anywidget.AnyWidget):
    """A password box whose value is never a trait. `on_key(callback)` receives it."""

    _esm = module("keyfield")
    _css = stylesheet()
    _page_messages: ClassVar[PageTable] = {
        "key": lambda field, m: field.submit(str(m.get("key", "")))
    }
    placeholder = traitlets.Unicode(
        "paste a key, then Enter (never saved)", help="the empty field's hint"
    ).tag(sync=True)
    source = traitlets.Unicode(
        "", help="where the key in use comes from, never the key itself"
    ).tag(sync=True)
    disabled = traitlets.Bool(False, help="True for providers that need no key").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._callbacks: list[Callable[[str], None]] = []
        self.on_msg(self._on_page_message)

    def on_key(self, callback: Callable[[str], None]) -> None:
        self._callbacks.append(callback)

    def submit(self, key: str) -> None:
        """What the browser does on Enter; also for tests and scripts."""
        for callback in self._callbacks:
            callback(key)


class ProviderSelector(widgets.VBox):
    """Choose a provider and a model; `.client` is ready to use."""

    def __init__(self, provider: str = "sandbox", *, base_url: str | None = None) -> None:
        self._key: str | None = None  # a typed key: private, never a trait
        self._callbacks: list[Callable[[ProviderSelector], None]] = []
        self._client: openai.OpenAI | None = None
        # connected | rehearsed | needs-setup | auth-failed | unreachable | listing-failed
        self.connection = "needs-setup"
        self.provider_dropdown = widgets.Dropdown(
            options=[(p.label, p.id) for p in PRESETS.values()],
            value=get_provider(provider).id,
            description="Provider",
        )
        self.base_url_text = widgets.Text(
            value=base_url or "", description="Base URL", placeholder="http://host:port/v1"
        )
        self.key_field = KeyField()
        self.status = widgets.HTML()
        self.model_dropdown = widgets.Dropdown(options=[], description="Model")
        super().__init__(
            [
                widgets.HBox([self.provider_dropdown, self.base_url_text]),
                self.key_field,
                self.status,
                self.model_dropdown,
            ]
        )
        self.provider_dropdown.observe(self._provider_changed, "value")
        self.base_url_text.observe(self._address_changed, "value")
        self.model_dropdown.observe(lambda _: self._notify(), "value")
        self.key_field.on_key(self._key_typed)
        self._refresh()

    # -- what notebooks use ----------------------------------------------------------

    @property
    def provider(self) -> str:
        return str(self.provider_dropdown.value)

    @property
    def model(self) -> str | None:
        return self.model_dropdown.value

    @property
    def client(self) -> openai.OpenAI:
        """A ready openai.OpenAI for the chosen provider: with its key, or, with none, its
        rehearsal on the sandbox (the Playground's rule: `reaching.connect_or_rehearse`)."""
        if self._client is None:
            self._client = connect_or_rehearse(self.provider, **self._connect_arguments())
        return self._client

    def on_change(self, callback: Callable[[ProviderSelector], None]) -> None:
        """Call `callback(selector)` whenever the provider, key or model changes."""
        self._callbacks.append(callback)

    def __repr__(self) -> str:
        return f"ProviderSelector(provider={self.provider!r}, model={self.model!r})"

    # -- reacting --------------------------------------------------------------------

    def _connect_arguments(self) -> dict[str, Any]:
        url = self.base_url_text.value.strip() if self.provider == "custom" else ""
        return {"api_key": self._key, "base_url": url or None}

    def _provider_changed(self, _change: Any) -> None:
        self._key = None  # a key typed for one provider is never sent to another
        self._refresh()

    def _address_changed(self, _change: Any) -> None:
        if self.provider == "custom":
            self._refresh()

    def _key_typed(self, key: str) -> None:
        if not key:
            return
        find_key(self.provider, key)  # remembered for redaction: it can never be printed
        self._key = key
        self._refresh()

    def _refresh(self) -> None:
        """Connect, list models and say how it went: connected, key needed, auth failed..."""
        from ..client import list_models, rehearsal_of

        record = get_provider(self.provider)
        self._client = None
        self.base_url_text.layout.display = None if record.id == "custom" else "none"
        self._describe_key(record)
        try:
            listing = list_models(self.client, refresh=True)
        except LLMWidgetsError as exc:  # no key yet, or no address for a custom server
            self._show("needs-setup", redact(str(exc)))
            self._set_models(record.model_hints)
            self._notify()
            return
        except Exception as exc:  # the sandbox a rehearsal needs did not start: one line
            self._show("needs-setup", describe_error(exc))
            self._set_models(record.model_hints)
            self._notify()
            return
        self._show_listing(listing, rehearsed=rehearsal_of(self.client) is not None)
        self._set_models(listing.ids)
        self._notify()

    def _describe_key(self, record: Any) -> None:
        field = self.key_field
        field.disabled = not record.requires_key and record.id != "custom"
        if self._key:
            field.source = "using the key you typed (kept in memory, never saved)"
            return
        found = find_key(record) if record.key_env else None
        if found is not None:
            field.source = f"using {found.source}"
        elif record.requires_key:
            field.source = f"no key yet: set {record.key_env} in the environment or .env"
        else:
            field.source = "no key needed"

    def _show_listing(self, listing: ModelListing, *, rehearsed: bool = False) -> None:
        if rehearsed and listing.from_api:  # the Playground's words for it
            models = f"{len(listing.ids)} models, offline"
            self._show("rehearsed", f"{rehearsal_note(self.client)} {models}")
            return
        if listing.from_api:
            self._show("connected", f"connected: {len(listing.ids)} models")
            return
        note, failure = listing.note, listing.error_type
        if failure in ("AuthenticationError", "PermissionDeniedError"):
            self._show("auth-failed", f"authentication failed. {note}")
        elif failure in ("APIConnectionError", "APITimeoutError"):
            self._show("unreachable", f"unreachable. {note}")
        else:
            self._show("listing-failed", note)

    def _show(self, state: str, message: str) -> None:
        import html

        self.status.value = (
            f"<span class='llmw-selector-status' data-state='{state}'>{html.escape(message)}</span>"
        )
        self.connection = state

    def _set_models(self, ids: tuple[str, ...] | list[str]) -> None:
        from ..client import chat_model_among

        self.model_dropdown.options = list(ids)
        self.model_dropdown.value = chat_model_among(ids, get_provider(self.provider).model_hints)

    def _notify(self) -> None:
        for callback in self._callbacks:
            try:
                callback(self)
            except Exception as exc:  # a broken callback must not break the selector
                self._show("callback-failed", describe_error(exc))
