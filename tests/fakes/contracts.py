"""The vendors' OpenAPI documents (tests/fakes/contracts, copies of shared/contracts), patched for their known quirks
(docs/connect.md, "Quirks of the documents"), as openapi-core validators for the fake's traffic.

- XPM v3.1: each ``allOf`` whose branches all say ``additionalProperties: false`` is merged into
  one schema (else a correct response fails); a one-branch ``oneOf`` + ``nullable`` is inlined.
- Xero Accounting and identity never say ``additionalProperties``: every object with properties
  is closed, so a misspelled field fails.
- Accounting quotes some booleans' defaults (``default: 'false'``): a request body with such a
  field left out (e.g. a contact rename) would fail once the default is filled in, so they are
  made booleans.
- identity spells ``/Connections``; the service answers ``/connections``.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml
from openapi_core import Config, OpenAPI

# The documents themselves do not all pass a spec validator (e.g. `default: 'false'` on a
# boolean): check traffic against them, not them.
CONFIG = Config(spec_validator_cls=None)
CONTRACTS = Path(__file__).resolve().parent / "contracts"  # copies of shared/contracts


def _resolve(doc: dict, node: dict) -> dict:
    ref = node.get("$ref")
    if not ref:
        return node
    target: Any = doc
    for part in ref.lstrip("#/").split("/"):
        target = target[part]
    return _resolve(doc, target)


def _merge_all_of(doc: dict, node: dict) -> dict:
    merged: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {}}
    for branch in node["allOf"]:
        part = _patch_xpm(doc, copy.deepcopy(_resolve(doc, branch)))
        merged["properties"].update(part.get("properties", {}))
    return merged


def _patch_xpm(doc: dict, node: Any) -> Any:
    if isinstance(node, list):
        return [_patch_xpm(doc, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "allOf" in node:
        return _merge_all_of(doc, node)
    if node.get("nullable") and len(node.get("oneOf", ())) == 1:
        inner = _patch_xpm(doc, copy.deepcopy(_resolve(doc, node["oneOf"][0])))
        return {**inner, "nullable": True}
    return {key: _patch_xpm(doc, value) for key, value in node.items()}


def _close_objects(node: Any) -> Any:
    if isinstance(node, list):
        return [_close_objects(item) for item in node]
    if not isinstance(node, dict):
        return node
    closed = {key: _close_objects(value) for key, value in node.items()}
    if "properties" in closed and "additionalProperties" not in closed:
        closed["additionalProperties"] = False
    if closed.get("type") == "boolean" and closed.get("default") in ("true", "false"):
        closed["default"] = closed["default"] == "true"  # the document quotes them
    return closed


def _load(name: str) -> dict:
    return yaml.safe_load((CONTRACTS / name).read_text(encoding="utf-8"))


@functools.cache
def xpm(base_url: str) -> OpenAPI:
    doc = _load("xero-practicemanager-v3-1.yaml")
    # Schemas first (merged allOf), then every operation's inline references to them.
    doc["components"]["schemas"] = {
        name: _patch_xpm(doc, schema) for name, schema in doc["components"]["schemas"].items()
    }
    doc["paths"] = _patch_xpm(doc, doc["paths"])
    doc["servers"] = [{"url": f"{base_url}/practicemanager"}]
    return OpenAPI.from_dict(doc, config=CONFIG)


@functools.cache
def accounting(base_url: str) -> OpenAPI:
    doc = _close_objects(_load("xero_accounting.yaml"))
    doc["servers"] = [{"url": f"{base_url}/api.xro/2.0"}]
    return OpenAPI.from_dict(doc, config=CONFIG)


@functools.cache
def identity(base_url: str) -> OpenAPI:
    doc = _close_objects(_load("xero-identity.yaml"))
    paths = doc["paths"]
    paths["/connections"] = paths.pop("/Connections")
    paths["/connections/{id}"] = paths.pop("/Connections/{id}")
    doc["servers"] = [{"url": base_url}]
    return OpenAPI.from_dict(doc, config=CONFIG)
