"""Headers to canonical fields: the alias index, matching, and applying a remembered mapping."""

from __future__ import annotations

from audits.kinds import KINDS, ExportKind
from audits.loading.errors import LoadError
from audits.loading.headers import header_key


def _build_alias_index() -> dict[str, dict[str, tuple[str, int]]]:
    """kind -> normalised header -> (field, rank); a lower rank is a more specific name."""
    index: dict[str, dict[str, tuple[str, int]]] = {}
    for key, kind in KINDS.items():
        names: dict[str, tuple[str, int]] = {}
        for f in kind.fields:
            for rank, name in enumerate(f.all_names):
                names.setdefault(header_key(name), (f.name, rank))
        index[key] = names
    return index


_ALIASES = _build_alias_index()


def match_columns(headers: list[str], kind: str, keys: list[str] | None = None) -> dict[str, str]:
    """canonical field -> header. When two headers fit one field the more specific name wins
    (canonical name, then aliases in order), then the leftmost. ``keys`` are the headers'
    ``header_key``s when the caller matches the same headers against several kinds."""
    names = _ALIASES[kind]
    keys = [header_key(h) for h in headers] if keys is None else keys
    best: dict[str, tuple[int, int, str]] = {}
    for position, (header, key) in enumerate(zip(headers, keys, strict=True)):
        hit = names.get(key)
        if hit is None or not str(header).strip():
            continue
        name, rank = hit
        if name not in best or (rank, position) < best[name][:2]:
            best[name] = (rank, position, header)
    order = KINDS[kind].field_names
    return {f: best[f][2] for f in order if f in best}


def resolve_columns(
    headers: list[str], kind: str, mapping: dict[str, str] | None, filename: str
) -> dict[str, str]:
    """canonical field -> header for ``kind``: matching, overridden by ``mapping``; a required
    field left without a column is refused."""
    spec = KINDS[kind]
    columns = _apply_mapping(match_columns(headers, kind), headers, spec, mapping or {})
    columns = {f: columns[f] for f in spec.field_names if f in columns}
    _require(spec, columns, headers, mapping, filename)
    return columns


def _apply_mapping(
    columns: dict[str, str], headers: list[str], spec: ExportKind, mapping: dict[str, str]
) -> dict[str, str]:
    for name, wanted in mapping.items():
        if name not in spec.field_names:
            continue  # a mapping remembered for another kind of export: not ours to apply
        columns.pop(name, None)
        found = _mapped_header(headers, wanted)
        if found is None:
            continue  # a remembered mapping to a column this file lacks: reported as missing
        for other in [f for f, h in columns.items() if h == found]:
            del columns[other]
        columns[name] = found
    return columns


def _mapped_header(headers: list[str], wanted: str) -> str | None:
    """The header a mapping names: exactly as written, else the first matching when normalised;
    None for "not in this file" ("") or a header this file lacks."""
    if not wanted:
        return None
    if wanted in headers:
        return wanted
    by_norm = {header_key(h): h for h in reversed(headers)}
    return by_norm.get(header_key(wanted))


def _require(
    spec: ExportKind,
    columns: dict[str, str],
    headers: list[str],
    mapping: dict[str, str] | None,
    filename: str,
) -> None:
    missing = [f for f in spec.required if f not in columns]
    if not missing:
        return
    found_list = ", ".join(headers) or "no headers"
    raise LoadError(
        "missing_required",
        f"{filename} has no column for {', '.join(missing)} (required for {spec.label}). "
        f"Found: {found_list}. Map the columns to continue.",
        {
            "kind": spec.key,
            "missing": missing,
            "headers": headers,
            "matched": columns,
            "mapping": dict(mapping or {}),
        },
    )
