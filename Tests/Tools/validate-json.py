#!/usr/bin/env python3
"""Validate JSON and YAML documents against a JSON Schema (draft 2020-12).

Usage:
    python3 Tests/Tools/validate-json.py [--array] SCHEMA.json FILE...

Each FILE is a .yaml/.yml file (read with PyYAML's safe loader), a .json file, or `-` for JSON on
standard input. With --array the document must be an array, and each of its elements is validated.

Prints `valid: FILE` for a valid file, and `invalid: FILE: PATH: MESSAGE` for every error in an
invalid one (PATH is a JSONPath such as `$.fields.duration-minutes` or `$[2].questions[0]`).
Exit status: 0 when every file is valid, 1 when some file is invalid, 2 on usage, I/O or parse
errors, or when the schema itself is not valid.

Stricter than a plain `jsonschema` run in three ways, so that a passing run means something:
- every `format` the schema uses must have a working checker (date-time needs the
  rfc3339-validator package; without it jsonschema would silently accept any string);
- `$` in a `pattern` means the end of the string, as in ECMA-262 (Python's `$` also matches
  before a final newline, so "RQ1\\n" would match "^RQ1$"); date and date-time values with a
  line break are rejected for the same reason;
- duplicate object keys (JSON and YAML) and the JSON constants NaN/Infinity are parse errors.
"""

import argparse
import json
import re
import sys

try:
    import yaml
    from jsonschema import Draft202012Validator, FormatChecker, validators
    from jsonschema.exceptions import SchemaError, ValidationError
except ImportError as error:  # pragma: no cover - depends on the machine
    print(f"error: {error} (needs the jsonschema and PyYAML packages)", file=sys.stderr)
    sys.exit(2)

EXIT_VALID, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


class InputError(Exception):
    """A file that cannot be read or parsed."""


# ---------------------------------------------------------------------------------------------
# Loading

def _reject_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise InputError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name):
    raise InputError(f"{name} is not valid JSON")


def parse_json(text):
    try:
        return json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error}") from None


class _StrictSafeLoader(yaml.SafeLoader):
    """yaml.safe_load's loader, but a mapping with a duplicate key is an error."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key; the base class reports it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {key!r}", key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text):
    try:
        return yaml.load(text, Loader=_StrictSafeLoader)
    except yaml.YAMLError as error:
        raise InputError(f"not valid YAML: {error}") from None


def load(name):
    if name == "-":
        try:
            text = sys.stdin.buffer.read().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read standard input: {error}") from None
        return parse_json(text)
    lower = name.lower()
    if lower.endswith((".yaml", ".yml")):
        parse = parse_yaml
    elif lower.endswith(".json"):
        parse = parse_json
    else:
        raise InputError("unsupported file type (expected .json, .yaml, .yml or -)")
    try:
        with open(name, "rb") as file:
            text = file.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read: {error}") from None
    return parse(text)


# ---------------------------------------------------------------------------------------------
# The validator

def _ecma_anchors(pattern):
    """Replace every `$` anchor (outside a character class, unescaped) by `\\Z`."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
        i += 1
    return "".join(out)


_compiled_patterns = {}


def _pattern(validator, pattern, instance, schema):
    if not validator.is_type(instance, "string"):
        return
    regex = _compiled_patterns.get(pattern)
    if regex is None:
        regex = _compiled_patterns[pattern] = re.compile(_ecma_anchors(pattern))
    if not regex.search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


StrictValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})

# Formats whose checker depends on an optional package (as jsonschema documents them).
_FORMAT_PACKAGES = {
    "date-time": "rfc3339-validator",
    "time": "rfc3339-validator",
    "uri": "rfc3987",
    "uri-reference": "rfc3987 or rfc3986-validator",
    "iri": "rfc3987",
    "iri-reference": "rfc3987",
    "idn-hostname": "idna",
    "json-pointer": "jsonpointer",
    "relative-json-pointer": "jsonpointer",
    "uri-template": "uri-template",
    "duration": "isoduration",
}

# Values a working checker must accept (True) and reject (False).
_FORMAT_PROBES = {
    "date-time": [
        ("2024-03-12T13:30:00.000Z", True),
        ("2024-03-12T14:30:00+01:00", True),
        ("2024-02-30T13:30:00Z", False),
        ("2024-03-12 13:30:00Z", False),
        ("2024-03-12T13:30:00", False),
        ("2024-03-12T13:30:00Z\n", False),
    ],
    "date": [
        ("2024-03-12", True),
        ("2024-02-30", False),
        ("2024-3-12", False),
        ("2024-03-12\n", False),
    ],
}


def _no_line_break(check):
    def strict(instance):
        if isinstance(instance, str) and ("\n" in instance or "\r" in instance):
            return False
        return check(instance)
    return strict


def format_checker():
    """Draft202012Validator.FORMAT_CHECKER, with dates and times that may not hold line breaks."""
    checker = FormatChecker(formats=())
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    for name in ("date-time", "date", "time"):
        if name in checker.checkers:
            check, raises = checker.checkers[name]
            checker.checkers[name] = (_no_line_break(check), raises)
    return checker


def formats_used(schema):
    found = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                found.add(node["format"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def ensure_formats(schema, checker):
    """Fail loudly unless every format the schema uses is really checked."""
    problems = []
    for name in sorted(formats_used(schema)):
        if name not in checker.checkers:
            package = _FORMAT_PACKAGES.get(name)
            hint = f" (install the {package} package)" if package else ""
            problems.append(f'format "{name}" is used by the schema but cannot be checked{hint}')
            continue
        for value, expected in _FORMAT_PROBES.get(name, []):
            if checker.conforms(value, name) != expected:
                verdict = "accepts" if not expected else "rejects"
                problems.append(f'the "{name}" format checker {verdict} {value!r}')
    return problems


# ---------------------------------------------------------------------------------------------
# Reporting

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def json_path(prefix, elements):
    path = prefix
    for element in elements:
        if isinstance(element, int) and not isinstance(element, bool):
            path += f"[{element}]"
        elif isinstance(element, str) and _PLAIN_KEY.match(element):
            path += "." + element
        elif isinstance(element, str):
            path += "['" + element.replace("\\", "\\\\").replace("'", "\\'") + "']"
        else:
            path += f"[{element!r}]"
    return path


def _sort_key(error):
    return (
        [(0, e, "") if isinstance(e, int) else (1, 0, str(e)) for e in error.absolute_path],
        error.message,
    )


def errors_of(validator, document, array):
    """The (path, message) pairs for every error in document."""
    if array:
        if not isinstance(document, list):
            return [("$", f"expected an array (--array), got {type(document).__name__}")]
        items = [(f"$[{index}]", item) for index, item in enumerate(document)]
    else:
        items = [("$", document)]
    found = []
    for prefix, item in items:
        for error in sorted(validator.iter_errors(item), key=_sort_key):
            found.append((json_path(prefix, error.absolute_path), error.message))
    return found


def one_line(text, limit=600):
    """text on one line; a very long one (a whole document's repr) is cut in the middle."""
    text = re.sub(r"\s*[\r\n]+\s*", " ", str(text)).strip()
    if len(text) > limit:
        text = text[:limit // 2] + " … " + text[-(limit // 2):]
    return text


def main(argv):
    parser = argparse.ArgumentParser(
        description="Validate JSON/YAML files against a JSON Schema (draft 2020-12)."
    )
    parser.add_argument("--array", action="store_true",
                        help="the document must be an array; validate each element")
    parser.add_argument("schema", metavar="SCHEMA.json")
    parser.add_argument("files", metavar="FILE", nargs="+",
                        help=".json, .yaml or .yml file, or - for JSON on standard input")
    args = parser.parse_args(argv)  # exits with 2 on usage errors

    try:
        with open(args.schema, "rb") as file:
            schema = parse_json(file.read().decode("utf-8"))
    except (OSError, UnicodeDecodeError, InputError) as error:
        print(f"error: {args.schema}: {one_line(error)}", file=sys.stderr)
        return EXIT_ERROR
    if isinstance(schema, dict) and schema.get("$schema", DRAFT_2020_12) != DRAFT_2020_12:
        print(f"error: {args.schema}: $schema is {schema['$schema']!r}, expected {DRAFT_2020_12!r}",
              file=sys.stderr)
        return EXIT_ERROR
    try:
        Draft202012Validator.check_schema(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    except SchemaError as error:
        print(f"error: {args.schema}: not a valid schema: "
              f"{json_path('$', error.absolute_path)}: {one_line(error.message)}", file=sys.stderr)
        return EXIT_ERROR
    checker = format_checker()
    problems = ensure_formats(schema, checker)
    if problems:
        for problem in problems:
            print(f"error: {args.schema}: {problem}", file=sys.stderr)
        return EXIT_ERROR
    validator = StrictValidator(schema, format_checker=checker)

    status = EXIT_VALID
    for name in args.files:
        try:
            document = load(name)
        except InputError as error:
            print(f"error: {name}: {one_line(error)}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        try:
            errors = errors_of(validator, document, args.array)
        except Exception as error:  # e.g. an unresolvable $ref in the schema
            print(f"error: {name}: cannot validate: {type(error).__name__}: {one_line(error)}",
                  file=sys.stderr)
            status = EXIT_ERROR
            continue
        if errors:
            for path, message in errors:
                print(f"invalid: {name}: {path}: {one_line(message)}")
            status = max(status, EXIT_INVALID)
        else:
            print(f"valid: {name}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
