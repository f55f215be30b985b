"""A small JSON Schema validator on Python's standard library alone.

It knows the part of JSON Schema (draft 2020-12 spelling) that
tests/json/*.schema.json use: type (one name or a list), properties,
required, additionalProperties (true, false or a schema), items, enum,
const, pattern, minimum, format "date-time" (herald's ISO 8601 UTC
form), and "$ref" to "#/$defs/NAME" in the same file. Anything else in
a schema is an error, so a schema cannot silently say more than is
checked.
"""
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
KNOWN = {"$schema", "$id", "$defs", "$ref", "title", "description", "type",
         "properties", "required", "additionalProperties", "items", "enum",
         "const", "pattern", "minimum", "format"}
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def load(name):
    """The schema tests/json/NAME.schema.json."""
    with open(os.path.join(HERE, name + ".schema.json")) as f:
        return json.load(f)


def errors(value, schema, root=None, path="$"):
    """Every way value breaks schema, as "PATH: what" strings."""
    root = root if root is not None else schema
    out = []
    unknown = set(schema) - KNOWN
    if unknown:
        return ["%s: schema uses unsupported %s" % (path, sorted(unknown))]
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            return ["%s: unsupported $ref %s" % (path, ref)]
        return errors(value, root["$defs"][ref[len("#/$defs/"):]], root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            return ["%s: %r is not %s" % (path, value, " or ".join(types))]
    if "enum" in schema and value not in schema["enum"]:
        out.append("%s: %r is not one of %r" % (path, value, schema["enum"]))
    if "const" in schema and value != schema["const"]:
        out.append("%s: %r is not %r" % (path, value, schema["const"]))
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append("%s: %r does not match %s" % (path, value, schema["pattern"]))
        if schema.get("format") == "date-time" and not DATE_TIME.match(value):
            out.append("%s: %r is not an ISO 8601 UTC time" % (path, value))
    if TYPES["number"](value) and "minimum" in schema and value < schema["minimum"]:
        out.append("%s: %r is below %r" % (path, value, schema["minimum"]))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                out.append("%s: %r is missing" % (path, key))
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            if key in props:
                out += errors(v, props[key], root, "%s.%s" % (path, key))
            elif extra is False:
                out.append("%s: unexpected key %r" % (path, key))
            elif isinstance(extra, dict):
                out += errors(v, extra, root, "%s.%s" % (path, key))
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            out += errors(v, schema["items"], root, "%s[%d]" % (path, i))
    return out
