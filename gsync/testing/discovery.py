"""Request validation against Google's own discovery documents.

The three discovery documents bundled with google-api-python-client
(``googleapiclient/discovery_cache/documents/{drive.v3,forms.v1,sheets.v4}.json``) are
the contract the fake enforces. For every incoming request :class:`Discovery` finds the
REST method by HTTP verb + path template and checks:

* the path matches a method (``/drive/v3/files/{fileId}``, ``/v4/spreadsheets/{id}:batchUpdate``,
  ``/v1/forms/{formId}/responses`` ...; rootUrl's host is ignored, servicePath is kept);
* every query parameter is a global one (``alt``, ``fields``, ``prettyPrint``, ...) or one
  of the method's own; only ``repeated`` parameters may appear twice; values have the
  declared type (integer, boolean) and enum; required query parameters are present;
  ``alt=media`` only on methods with ``supportsMediaDownload``;
* a JSON body only holds fields of the method's request schema (recursively through
  ``$ref``, arrays and ``additionalProperties`` maps), with the declared JSON types and enums;
* a ``fields=`` partial-response mask only names fields of the response schema.

Anything wrong becomes a :class:`Violation`; the fake answers 400 and records it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import googleapiclient

DOCUMENTS_DIR = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
SERVICES = ("drive.v3", "forms.v1", "sheets.v4")

# (method id, parameter) pairs that a real client sends, that are not in the discovery
# document, and that the real API silently ignores. Each needs a reason.
TOLERATED_QUERY_PARAMS: dict[tuple[str, str], str] = {
    ("drive.files.get", "includeItemsFromAllDrives"): (
        "gspread 6 HTTPClient.get_file_drive_metadata sends it; Drive v3 ignores it"
    ),
}

_INT_RE = re.compile(r"^[+-]?\d+$")
_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^(NaN|-?Infinity)$")


class Violation(Exception):
    """A request that breaks the discovery contract."""

    def __init__(self, message: str, location: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location


@dataclass
class Method:
    """One REST method of a discovery document, with its path compiled to a regex."""

    id: str
    service: str  # "drive" | "forms" | "sheets"
    http_method: str
    template: str  # full path template, e.g. "/drive/v3/files/{fileId}"
    regex: re.Pattern[str]
    path_names: list[str]
    literal_len: int
    parameters: dict[str, dict[str, Any]]
    request_ref: str | None
    response_ref: str | None
    supports_media_download: bool
    is_upload: bool
    doc: Document = field(repr=False)


@dataclass
class Match:
    """The result of validating one request: the method, its params and parsed body."""

    method: Method
    path_params: dict[str, str]
    query: dict[str, list[str]]
    body: Any  # parsed JSON (dict) or None; raw bytes for uploads

    @property
    def id(self) -> str:
        return self.method.id

    def param(self, name: str, default: str | None = None) -> str | None:
        """A single query parameter value, or default."""
        values = self.query.get(name)
        return values[-1] if values else default

    def params(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def flag(self, name: str) -> bool:
        return (self.param(name) or "").lower() == "true"


class Document:
    """One discovery document (e.g. sheets.v4) and its compiled methods."""

    def __init__(self, name: str):
        self.name = name
        with open(DOCUMENTS_DIR / f"{name}.json", encoding="utf-8") as fh:
            self.raw: dict[str, Any] = json.load(fh)
        self.service = self.raw["name"]
        self.root_url: str = self.raw["rootUrl"]
        self.service_path: str = self.raw["servicePath"]
        self.schemas: dict[str, Any] = self.raw["schemas"]
        self.global_params: dict[str, dict[str, Any]] = self.raw.get("parameters", {})
        self.methods: list[Method] = []
        self._collect(self.raw)

    def _collect(self, resource: dict[str, Any]) -> None:
        for desc in resource.get("methods", {}).values():
            template = "/" + self.service_path + desc.get("flatPath", desc["path"])
            self.methods.append(self._method(desc, template, is_upload=False))
            if desc.get("useMediaDownloadService"):  # e.g. /download/drive/v3/files/{fileId}
                self.methods.append(self._method(desc, "/download" + template, is_upload=False))
            for proto in desc.get("mediaUpload", {}).get("protocols", {}).values():
                self.methods.append(self._method(desc, proto["path"], is_upload=True))
        for sub in resource.get("resources", {}).values():
            self._collect(sub)

    def _method(self, desc: dict[str, Any], template: str, is_upload: bool) -> Method:
        regex, names, literal_len = compile_template(template)
        return Method(
            id=desc["id"],
            service=self.service,
            http_method=desc["httpMethod"],
            template=template,
            regex=regex,
            path_names=names,
            literal_len=literal_len,
            parameters=desc.get("parameters", {}),
            request_ref=(desc.get("request") or {}).get("$ref"),
            response_ref=(desc.get("response") or {}).get("$ref"),
            supports_media_download=bool(desc.get("supportsMediaDownload")),
            is_upload=is_upload,
            doc=self,
        )


def compile_template(template: str) -> tuple[re.Pattern[str], list[str], int]:
    """Compile "/v4/spreadsheets/{spreadsheetId}/values/{range}:append" to a regex.

    ``{name}`` matches one path segment, ``{+name}`` (reserved expansion) may span
    slashes. The regex runs on the still percent-encoded path, so an encoded ``%2F`` or
    ``%3A`` inside a variable never confuses the matcher.
    """
    names: list[str] = []
    parts: list[str] = []
    literal_len = 0
    for token in re.split(r"(\{\+?[^}]+\})", template):
        if token.startswith("{"):
            reserved = token.startswith("{+")
            names.append(token.strip("{}+"))
            parts.append("(.+?)" if reserved else "([^/]+?)")
        elif token:
            parts.append(re.escape(token))
            literal_len += len(token)
    return re.compile("^" + "".join(parts) + "$"), names, literal_len


class Discovery:
    """All methods of the three services; finds and validates requests."""

    def __init__(self, names: tuple[str, ...] = SERVICES):
        self.documents = {name: Document(name) for name in names}
        self.methods = [m for doc in self.documents.values() for m in doc.methods]

    def method_by_id(self, method_id: str) -> Method:
        for m in self.methods:
            if m.id == method_id and not m.is_upload:
                return m
        raise KeyError(method_id)

    def find(self, http_method: str, raw_path: str) -> tuple[Method, dict[str, str]] | None:
        """The method for verb + raw (percent-encoded) path, most specific first."""
        best: tuple[Method, dict[str, str]] | None = None
        for m in self.methods:
            if m.http_method != http_method.upper():
                continue
            hit = m.regex.match(raw_path)
            if not hit:
                continue
            if best is None or m.literal_len > best[0].literal_len:
                params = {n: unquote(v) for n, v in zip(m.path_names, hit.groups(), strict=True)}
                best = (m, params)
        return best

    def validate(
        self,
        http_method: str,
        raw_path: str,
        query: dict[str, list[str]],
        body: bytes,
        content_type: str = "",
    ) -> Match:
        """Validate a whole request; raise :class:`Violation` on the first problem."""
        found = self.find(http_method, raw_path)
        if found is None:
            raise Violation(f"no discovery method matches {http_method} {raw_path}")
        method, path_params = found
        check_query(method, query)
        parsed: Any = None
        if method.is_upload:
            parsed = body
        elif body and body.strip():
            if method.request_ref is None:
                raise Violation(f"{method.id} takes no request body")
            if "json" not in content_type and content_type:
                raise Violation(f"{method.id}: body must be JSON, got {content_type!r}")
            try:
                parsed = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise Violation(f"{method.id}: invalid JSON payload: {exc}") from None
            check_value(method.doc, {"$ref": method.request_ref}, parsed, "body")
        fields = query.get("fields")
        if fields and method.response_ref:
            check_fields(method.doc, method.response_ref, fields[-1])
        return Match(method=method, path_params=path_params, query=query, body=parsed)


# --- query parameters ---------------------------------------------------------------------


def check_query(method: Method, query: dict[str, list[str]]) -> None:
    doc = method.doc
    for name, values in query.items():
        spec = method.parameters.get(name)
        if spec is None or spec.get("location") == "path":
            spec = doc.global_params.get(name)
        if spec is None:
            if (method.id, name) in TOLERATED_QUERY_PARAMS:
                continue
            raise Violation(f"{method.id}: unknown query parameter {name!r}", name)
        if len(values) > 1 and not spec.get("repeated"):
            raise Violation(f"{method.id}: parameter {name!r} given {len(values)} times", name)
        for value in values:
            check_param_value(method.id, name, spec, value)
    for name, spec in method.parameters.items():
        if spec.get("location") == "query" and spec.get("required") and name not in query:
            raise Violation(f"{method.id}: required parameter {name!r} missing", name)
    if query.get("alt") == ["media"] and not method.supports_media_download:
        raise Violation(f"{method.id} does not support alt=media", "alt")


def check_param_value(method_id: str, name: str, spec: dict[str, Any], value: str) -> None:
    kind = spec.get("type", "string")
    if kind == "integer" and not _INT_RE.match(value):
        raise Violation(f"{method_id}: {name}={value!r} is not an integer", name)
    if kind == "number" and not _NUM_RE.match(value):
        raise Violation(f"{method_id}: {name}={value!r} is not a number", name)
    if kind == "boolean" and value.lower() not in ("true", "false"):
        raise Violation(f"{method_id}: {name}={value!r} is not a boolean", name)
    if "enum" in spec and value not in spec["enum"]:
        raise Violation(f"{method_id}: {name}={value!r} not in {spec['enum']}", name)


# --- JSON bodies --------------------------------------------------------------------------


def _resolve(doc: Document, schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc.schemas[schema["$ref"]]
    return schema


def check_value(doc: Document, schema: dict[str, Any], value: Any, where: str) -> None:
    """Recursively check a JSON value against a discovery schema."""
    if value is None:
        return  # JSON null means "unset" for every proto field
    schema = _resolve(doc, schema)
    kind = schema.get("type")
    if kind == "any" or (kind is None and "properties" not in schema):
        return
    if kind == "object" or "properties" in schema:
        _check_object(doc, schema, value, where)
    elif kind == "array":
        if not isinstance(value, list):
            raise Violation(f"{where}: expected an array, got {type(value).__name__}", where)
        for i, item in enumerate(value):
            check_value(doc, schema.get("items", {}), item, f"{where}[{i}]")
    else:
        _check_scalar(schema, value, where)


def _check_object(doc: Document, schema: dict[str, Any], value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise Violation(f"{where}: expected an object, got {type(value).__name__}", where)
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    for key, item in value.items():
        if props is not None and key in props:
            check_value(doc, props[key], item, f"{where}.{key}")
        elif extra is not None:
            check_value(doc, extra, item, f"{where}[{key!r}]")
        elif props is not None:  # a free-form object (no properties) takes any key
            hint = ""
            camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), key)
            if camel != key and camel in props:
                hint = f" (use camelCase {camel!r})"
            raise Violation(f"{where}: unknown field {key!r}{hint}", f"{where}.{key}")


def _is_int(value: Any) -> bool:
    """proto3 JSON: 64-bit ints travel as strings, but numbers are accepted too."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and bool(_INT_RE.match(value)))


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and bool(_NUM_RE.match(value)))


def _check_scalar(schema: dict[str, Any], value: Any, where: str) -> None:
    kind = schema.get("type")
    if kind == "boolean" and not isinstance(value, bool):
        raise Violation(f"{where}: expected a boolean, got {value!r}", where)
    if kind == "integer" or (kind == "string" and schema.get("format") in ("int64", "uint64")):
        if not _is_int(value):
            raise Violation(f"{where}: expected an integer, got {value!r}", where)
        return
    if kind == "number" and not _is_number(value):
        raise Violation(f"{where}: expected a number, got {value!r}", where)
    if kind == "string":
        if not isinstance(value, str):
            raise Violation(f"{where}: expected a string, got {value!r}", where)
        if "enum" in schema and value not in schema["enum"]:
            raise Violation(f"{where}: {value!r} not in {schema['enum']}", where)


# --- fields= partial responses --------------------------------------------------------------

FieldTree = dict[str, "FieldTree | None"]


def parse_fields(text: str) -> FieldTree:
    """Parse a partial-response mask like ``files(id,name),nextPageToken`` or
    ``sheets.properties,sheets/protectedRanges`` into a tree; a leaf is ``None``."""
    pos = 0

    def merge(tree: FieldTree, key: str, sub: FieldTree | None) -> None:
        if key in tree:
            old = tree[key]
            if old is None or sub is None:
                tree[key] = None
            else:
                for k, v in sub.items():
                    merge(old, k, v)
        else:
            tree[key] = sub

    def parse_list() -> FieldTree:
        nonlocal pos
        tree: FieldTree = {}
        while True:
            start = pos
            while pos < len(text) and text[pos] not in ",()":
                pos += 1
            name = text[start:pos].strip()
            if not name:
                raise Violation(f"invalid field selection {text!r}", "fields")
            sub: FieldTree | None = None
            if pos < len(text) and text[pos] == "(":
                pos += 1
                sub = parse_list()
                if pos >= len(text) or text[pos] != ")":
                    raise Violation(f"invalid field selection {text!r}", "fields")
                pos += 1
            parts = [p for p in re.split(r"[/.]", name)]
            if any(not p for p in parts):
                raise Violation(f"invalid field selection {text!r}", "fields")
            for part in reversed(parts[1:]):
                sub = {part: sub}
            merge(tree, parts[0], sub)
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            return tree

    tree = parse_list()
    if pos != len(text):
        raise Violation(f"invalid field selection {text!r}", "fields")
    return tree


def check_fields(doc: Document, response_ref: str, text: str) -> None:
    tree = parse_fields(text)

    def walk(schema: dict[str, Any], sub: FieldTree, where: str) -> None:
        schema = _resolve(doc, schema)
        while schema.get("type") == "array":
            schema = _resolve(doc, schema.get("items", {}))
        props = schema.get("properties")
        if props is None:
            return  # maps and free-form objects accept anything
        for key, child in sub.items():
            if key == "*":
                continue
            if key not in props:
                raise Violation(f"invalid field selection {where}{key}", "fields")
            if child:
                walk(props[key], child, f"{where}{key}.")

    walk({"$ref": response_ref}, tree, "")


def apply_fields(obj: Any, tree: FieldTree | None) -> Any:
    """Keep only the fields selected by a parsed mask (lists apply per element)."""
    if tree is None:
        return obj
    if isinstance(obj, list):
        return [apply_fields(x, tree) for x in obj]
    if not isinstance(obj, dict):
        return obj
    if "*" in tree and tree["*"] is None:
        return obj
    out = {}
    for key, sub in tree.items():
        if key in obj:
            out[key] = apply_fields(obj[key], sub)
    return out
