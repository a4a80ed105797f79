"""JSON-Schema validators for OpenAI's own response schemas, from the OpenAPI description.

The description is OpenAPI 3.0 flavoured, so two rewrites come first:

- `nullable: true` becomes a union with null (JSON Schema has no `nullable`);
- `Embedding.embedding` also admits a string, because `encoding_format: base64` returns one
  although the description allows only an array of numbers.

`discriminator` and the `x-*` keys are left alone: JSON Schema ignores unknown keywords.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC = Path(__file__).parent / "openai-spec" / "openapi.yaml.gz"
BASE = "urn:openai-openapi"


def _without_nullable(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _without_nullable(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@functools.cache
def _registry() -> Registry:
    with gzip.open(SPEC, "rt", encoding="utf-8") as f:
        spec = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    spec = _without_nullable(spec)
    embedding = spec["components"]["schemas"]["Embedding"]["properties"]["embedding"]
    spec["components"]["schemas"]["Embedding"]["properties"]["embedding"] = {
        "anyOf": [embedding, {"type": "string"}]
    }
    return Registry().with_resource(BASE, Resource.from_contents(spec, DRAFT202012))


def validator(name: str) -> jsonschema.protocols.Validator:
    """A validator for `#/components/schemas/<name>`."""
    schema = {"$ref": f"{BASE}#/components/schemas/{name}"}
    return jsonschema.Draft202012Validator(schema, registry=_registry())


def assert_valid(body: Any, name: str) -> None:
    """Fails with every violation listed, each with the path into `body` where it is."""
    errors = sorted(validator(name).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}" for e in errors
    )


@functools.cache
def _stream_events() -> dict[str, str]:
    """Each Responses stream event's `type` -> the name of its schema."""
    contents = _registry().contents(BASE)
    schemas = contents["components"]["schemas"]
    members = schemas["ResponseStreamEvent"].get("anyOf") or schemas["ResponseStreamEvent"]["oneOf"]
    out = {}
    for member in members:
        name = member["$ref"].rpartition("/")[2]
        for kind in schemas[name]["properties"]["type"].get("enum", []):
            out[kind] = name
    return out


def assert_valid_event(event: dict[str, Any]) -> None:
    """A Responses stream event against the schema of its own `type` (checking it against
    the union of all 58 finds the same errors, slowly, and reports them at the root)."""
    name = _stream_events().get(event.get("type", ""))
    assert name is not None, f"not one of the spec's stream events: {event.get('type')!r}"
    assert_valid(event, name)
