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
