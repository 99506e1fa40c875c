#!/usr/bin/env python3
"""Independent verifier for fieldlog journals (format version 1).

Written from docs/journal-format.md alone, without looking at the Swift implementation, so that a
second implementation checks that the program and the specification agree.

    python3 Tests/Tools/verify-journal.py JOURNAL.sqlite [--json] [--checkpoint FILE]
                                          [--schema Schemas/journal.sql] [--pure-ed25519]
    python3 Tests/Tools/verify-journal.py --self-test

Exit status: 0 the journal is whole (and holds the checkpoint's heads), 1 it is damaged (or a feed of
the checkpoint was truncated or rewritten, or the checkpoint's root does not match its lines), 2 usage
error, unreadable journal, schema file or checkpoint.

Standard library only; Python 3.11. Ed25519 signatures are verified with the RFC 8032 section 6
reference algorithm written out below; when the `cryptography` package is importable it is used instead,
for speed, unless --pure-ed25519 is given. --self-test always exercises the pure path.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import re
import sqlite3
import struct
import sys
import unicodedata
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

APPLICATION_ID = 1179406151  # the ASCII bytes "FLOG"
EVENT_TAG = b"fieldlog.event.v1"  # 17 ASCII bytes, followed by one zero byte
PAYLOAD_TAG = b"fieldlog.payload.v1"  # 19 ASCII bytes, followed by one zero byte
ID_TAG = b"fieldlog.id.v1"
SIGNATURE_TAG = b"fieldlog.signature.v1"  # 21 ASCII bytes, followed by one zero byte
CHECKPOINT_MAGIC = "fieldlog checkpoint 1"
FEED_OPENED = "feed.opened"
# The tables that carry the truth; every other table is a projection.
TRUTH_TABLES = ("event", "payload", "feed", "feed_key", "signature")
# "Event types and their payloads": every type this version writes.
EVENT_TYPES = frozenset({
    "feed.opened", "neighbourhood.added", "initiative.added", "question.added", "code.defined",
    "entry.recorded", "entry.amended", "entry.retracted", "entry.unretracted",
    "participant.added", "consent.given",
    "consent.withdrawn", "code.renamed", "code.moved", "code.described", "code.merged",
    "coding.applied", "coding.removed", "memo.added", "redaction", "coder.added", "study.renamed",
    "study.described", "neighbourhood.removed", "initiative.removed", "question.removed",
    "cycle.added", "letter.added", "member-check.recorded", "data-management.declared",
    "network.member-added", "network.tie-recorded"})
DEFAULT_SCHEMA = Path(__file__).resolve().parent.parent.parent / "Schemas" / "journal.sql"
ZERO32 = bytes(32)
REDACTION = "redaction"
RECORDED_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


# --------------------------------------------------------------------------------------------------
# The commitments, byte for byte
# --------------------------------------------------------------------------------------------------

def F(x: bytes) -> bytes:
    """F(x) = length(x) as 4 bytes, unsigned big-endian || x."""
    return struct.pack(">I", len(x)) + x


def event_hash(feed: str, seq: int, prev: bytes, recorded_at: bytes, type_: bytes, subject: str,
               target: bytes | None, commitment: bytes) -> bytes:
    """The event hash. `recorded_at` and `type_` are the UTF-8 bytes of those columns.

    feed/subject are encoded as the 16 UUID bytes (not the 36-character text); seq as 8 bytes
    unsigned big-endian; a NULL target as the empty string, so F(target) is 00 00 00 00.
    """
    return hashlib.sha256(
        EVENT_TAG + b"\x00"
        + F(uuid.UUID(feed).bytes)
        + F(struct.pack(">Q", seq))
        + F(prev)
        + F(recorded_at)
        + F(type_)
        + F(uuid.UUID(subject).bytes)
        + F(b"" if target is None else target)
        + F(commitment)
    ).digest()


def payload_commitment(salt: bytes, json_bytes: bytes) -> bytes:
    """commitment = SHA-256("fieldlog.payload.v1" || 0x00 || salt || json bytes).

    Note that, unlike the event hash, there is no length prefix here: the salt is fixed-size.
    """
    return hashlib.sha256(PAYLOAD_TAG + b"\x00" + salt + json_bytes).digest()


def derived_id(namespace: str, key: str) -> str:
    """Vocabulary id: the first 16 bytes of SHA-256("fieldlog.id.v1" || 0 || namespace || 0 || key),
    made into an RFC 9562 version 8 UUID (version nibble 8, variant bits 10).

    `key` must already be folded (lower case, diacritics removed, white space collapsed; see the doc).
    """
    digest = hashlib.sha256(ID_TAG + b"\x00" + namespace.encode("utf-8") + b"\x00"
                            + key.encode("utf-8")).digest()
    b = bytearray(digest[:16])
    b[6] = (b[6] & 0x0F) | 0x80  # version 8 in the high nibble of byte 6
    b[8] = (b[8] & 0x3F) | 0x80  # variant 0b10 in the two high bits of byte 8
    return str(uuid.UUID(bytes=bytes(b)))


def signed_message(event_hash_: bytes) -> bytes:
    """The message signed for an event: "fieldlog.signature.v1" || 0x00 || the 32-byte hash."""
    return SIGNATURE_TAG + b"\x00" + event_hash_


# --------------------------------------------------------------------------------------------------
# Ed25519 (RFC 8032), the reference code of section 6, written out
# --------------------------------------------------------------------------------------------------

class Ed25519:
    """Pure-Python Ed25519 after RFC 8032 section 6. Slow (a few ms a signature) but dependency-free.

    Points are in extended homogeneous coordinates (X, Y, Z, T) with x = X/Z, y = Y/Z, x*y = T/Z.
    `sign` exists only so that the self-test can make journals with real and broken signatures.
    """
    p = 2**255 - 19
    d = -121665 * pow(121666, p - 2, p) % p
    q = 2**252 + 27742317777372353535851937790883648493  # the order of the base point
    sqrt_m1 = pow(2, (p - 1) // 4, p)

    @classmethod
    def _add(cls, P, Q):
        p, d = cls.p, cls.d
        A, B = (P[1] - P[0]) * (Q[1] - Q[0]) % p, (P[1] + P[0]) * (Q[1] + Q[0]) % p
        C, D = 2 * P[3] * Q[3] * d % p, 2 * P[2] * Q[2] % p
        E, F, G, H = B - A, D - C, D + C, B + A
        return (E * F % p, G * H % p, F * G % p, E * H % p)

    @classmethod
    def _mul(cls, s: int, P):
        Q = (0, 1, 1, 0)  # the neutral element
        while s > 0:
            if s & 1:
                Q = cls._add(Q, P)
            P = cls._add(P, P)
            s >>= 1
        return Q

    @classmethod
    def _equal(cls, P, Q) -> bool:
        p = cls.p
        return (P[0] * Q[2] - Q[0] * P[2]) % p == 0 and (P[1] * Q[2] - Q[1] * P[2]) % p == 0

    @classmethod
    def _recover_x(cls, y: int, sign: int):
        p, d = cls.p, cls.d
        if y >= p:
            return None
        x2 = (y * y - 1) * pow(d * y * y + 1, p - 2, p)
        if x2 % p == 0:
            return None if sign else 0
        x = pow(x2, (p + 3) // 8, p)
        if (x * x - x2) % p != 0:
            x = x * cls.sqrt_m1 % p
        if (x * x - x2) % p != 0:
            return None
        if (x & 1) != sign:
            x = p - x
        return x

    @classmethod
    def decompress(cls, s: bytes):
        """The point a 32-byte encoding denotes, or None when it denotes none."""
        if len(s) != 32:
            return None
        y = int.from_bytes(s, "little")
        sign = y >> 255
        y &= (1 << 255) - 1
        x = cls._recover_x(y, sign)
        return None if x is None else (x, y, 1, x * y % cls.p)

    @classmethod
    def _compress(cls, P) -> bytes:
        zinv = pow(P[2], cls.p - 2, cls.p)
        x, y = P[0] * zinv % cls.p, P[1] * zinv % cls.p
        return int.to_bytes(y | ((x & 1) << 255), 32, "little")

    @classmethod
    def _sha512_modq(cls, s: bytes) -> int:
        return int.from_bytes(hashlib.sha512(s).digest(), "little") % cls.q

    @classmethod
    def _secret_expand(cls, secret: bytes):
        h = hashlib.sha512(secret).digest()
        a = int.from_bytes(h[:32], "little")
        a &= (1 << 254) - 8
        a |= 1 << 254
        return a, h[32:]

    @classmethod
    def public_key(cls, secret: bytes) -> bytes:
        a, _ = cls._secret_expand(secret)
        return cls._compress(cls._mul(a, cls.G))

    @classmethod
    def sign(cls, secret: bytes, msg: bytes) -> bytes:
        a, prefix = cls._secret_expand(secret)
        A = cls._compress(cls._mul(a, cls.G))
        r = cls._sha512_modq(prefix + msg)
        Rs = cls._compress(cls._mul(r, cls.G))
        h = cls._sha512_modq(Rs + A + msg)
        s = (r + h * a) % cls.q
        return Rs + int.to_bytes(s, 32, "little")

    @classmethod
    def verify(cls, public: bytes, msg: bytes, signature: bytes) -> bool:
        """RFC 8032 section 6 `verify`: [s]B = R + [h]A, with s < q and both points decodable.

        The only departure from the reference code is speed: [s]B and [h]A are computed from
        per-point tables of 4-bit windows (built once per public key), not by double-and-add.
        """
        if len(public) != 32 or len(signature) != 64:
            return False
        A = cls._points.get(public) or cls._points.setdefault(public, cls.decompress(public))
        if A is None:
            return False
        Rs = signature[:32]
        R = cls.decompress(Rs)
        if R is None:
            return False
        s = int.from_bytes(signature[32:], "little")
        if s >= cls.q:
            return False
        h = cls._sha512_modq(Rs + public + msg)
        sB = cls._mul_table(s, cls._table(b"base point", cls.G))
        hA = cls._mul_table(h, cls._table(public, A))
        return cls._equal(sB, cls._add(R, hA))

    _tables: dict = {}  # public key -> its window table; and the base point's
    _points: dict = {}  # public key -> the point it decodes to (None: not a point)

    @classmethod
    def _table(cls, key: bytes, P):
        """t[i][j] = [j * 16**i]P for i < 64 (scalars below 2**256), j < 16."""
        t = cls._tables.get(key)
        if t is None:
            t, base = [], P
            for _ in range(64):
                row = [(0, 1, 1, 0), base]
                for _ in range(14):
                    row.append(cls._add(row[-1], base))
                t.append(row)
                base = cls._add(row[-1], base)
            cls._tables[key] = t
        return t

    @classmethod
    def _mul_table(cls, s: int, t):
        Q, i = (0, 1, 1, 0), 0
        while s:
            if s & 15:
                Q = cls._add(Q, t[i][s & 15])
            s >>= 4
            i += 1
        return Q


_gy = 4 * pow(5, Ed25519.p - 2, Ed25519.p) % Ed25519.p
_gx = Ed25519._recover_x(_gy, 0)
Ed25519.G = (_gx, _gy, 1, _gx * _gy % Ed25519.p)


def fast_ed25519_verifier():
    """A verify(public, msg, signature) -> bool from `cryptography`, or None when it is not installed."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return None

    def verify(public: bytes, msg: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(signature, msg)
            return True
        except (InvalidSignature, ValueError):
            return False
    return verify


# --------------------------------------------------------------------------------------------------
# Checkpoints: an RFC 6962 Merkle tree over the feeds' heads
# --------------------------------------------------------------------------------------------------

def checkpoint_leaf(feed: str, seq: int, head_hash: bytes) -> bytes:
    """leaf = SHA-256(0x00 || feed UUID (16 bytes) || seq (8 bytes, big-endian) || head hash (32))."""
    return hashlib.sha256(b"\x00" + uuid.UUID(feed).bytes + struct.pack(">Q", seq)
                          + head_hash).digest()


def merkle_node(left: bytes, right: bytes) -> bytes:
    """node = SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 Merkle tree hash over leaf hashes already computed: the left subtree holds the largest
    power of two of leaves that is smaller than the count; a single leaf is its own root.

    An empty list has no root in the doc; RFC 6962 gives SHA-256 of nothing, which is used here.
    """
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return merkle_node(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


class BadCheckpoint(Exception):
    pass


@dataclass
class Checkpoint:
    study: str
    taken: str
    heads: list[tuple[str, int, bytes]]  # (feed, seq, hash), in the file's order
    root: bytes

    def computed_root(self) -> bytes:
        return merkle_root([checkpoint_leaf(f, s, h) for f, s, h in self.heads])


CHECKPOINT_FEED = re.compile(r"feed ([0-9a-f-]{36}) ([1-9][0-9]*) ([0-9a-f]{64})")
CHECKPOINT_ROOT = re.compile(r"root ([0-9a-f]{64})")


def parse_checkpoint(text: str) -> Checkpoint:
    """The checkpoint text, as "Checkpoints" in the doc gives it; BadCheckpoint says which line is off.

    Tolerated beyond the doc: CRLF line ends and one final line break (a checkpoint that travelled
    by mail). Anything else is refused, including feed lines out of UUID order or repeated.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) < 4:
        raise BadCheckpoint(f"{len(lines)} lines; a checkpoint has at least 4")
    if lines[0] != CHECKPOINT_MAGIC:
        raise BadCheckpoint(f"line 1 is {lines[0]!r}, not {CHECKPOINT_MAGIC!r}")
    if not lines[1].startswith("study: "):
        raise BadCheckpoint(f"line 2 is {lines[1]!r}, not 'study: <name>'")
    if not lines[2].startswith("taken: ") or not RECORDED_AT.fullmatch(lines[2][7:]) \
            or not valid_time(lines[2][7:]):
        raise BadCheckpoint(f"line 3 is {lines[2]!r}, not 'taken: YYYY-MM-DDTHH:MM:SS.sssZ'")
    heads = []
    for number, line in enumerate(lines[3:-1], start=4):
        m = CHECKPOINT_FEED.fullmatch(line)
        if m is None or not is_lower_uuid(m.group(1)) or int(m.group(2)) >= 2**63:
            raise BadCheckpoint(f"line {number} is {line!r}, not 'feed <uuid> <seq> <hash>'")
        if heads and m.group(1) <= heads[-1][0]:
            raise BadCheckpoint(f"line {number}: feed {m.group(1)} is not after {heads[-1][0]} "
                                f"(feed lines are sorted by UUID, each feed once)")
        heads.append((m.group(1), int(m.group(2)), bytes.fromhex(m.group(3))))
    m = CHECKPOINT_ROOT.fullmatch(lines[-1])
    if m is None:
        raise BadCheckpoint(f"line {len(lines)} is {lines[-1]!r}, not 'root <hex>'")
    cp = Checkpoint(study=lines[1][7:], taken=lines[2][7:], heads=heads,
                    root=bytes.fromhex(m.group(1)))
    if cp.computed_root() != cp.root:
        raise BadCheckpoint(f"the root does not match its feed lines (computed "
                            f"{cp.computed_root().hex()}): the checkpoint was edited; refused")
    return cp


# --------------------------------------------------------------------------------------------------
# Canonical JSON
# --------------------------------------------------------------------------------------------------

class NotCanonical(ValueError):
    """The value cannot be represented in canonical JSON at all."""


def _reject_float(text: str):
    raise NotCanonical(f"number with a fraction or exponent: {text}")


def _reject_constant(text: str):
    raise NotCanonical(f"non-JSON constant {text}")


def _unique_pairs(pairs):
    """object_pairs_hook: keys are unique (json.loads would silently keep the last one)."""
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise NotCanonical(f"duplicate key {k!r}")
        obj[k] = v
    return obj


def parse_strict(text: str):
    """json.loads, but rejecting fractions, exponents, NaN/Infinity and duplicate keys."""
    return json.loads(text, parse_float=_reject_float, parse_int=int,
                      parse_constant=_reject_constant, object_pairs_hook=_unique_pairs)


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                  "\t": "\\t"}


def _canonical_string(s: str) -> str:
    s = unicodedata.normalize("NFC", s)
    out = ['"']
    for ch in s:
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")  # lowercase hex digits
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            # Only reachable through a "\udXXX" escape in the input; has no UTF-8 encoding.
            raise NotCanonical(f"unpaired surrogate U+{ord(ch):04X} in a string")
        else:
            out.append(ch)  # unescaped, including "/", DEL, U+2028/U+2029 and non-ASCII
    out.append('"')
    return "".join(out)


def canonical_json(value) -> str:
    """Serialise a parsed JSON value canonically (see "Canonical JSON" in the doc)."""
    if value is None:
        return "null"
    if value is True:  # bool before int: True is an int in Python
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)  # decimal, leading "-" if negative, no leading zeros, no "+"
    if isinstance(value, float):
        raise NotCanonical("number with a fraction or exponent")
    if isinstance(value, str):
        return _canonical_string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if isinstance(value, dict):
        members = {}
        for k, v in value.items():
            # Keys are strings too, so they are normalised to NFC as well; two keys that differ
            # only in normalisation would collide, which canonical JSON cannot express.
            nk = unicodedata.normalize("NFC", k)
            if nk in members:
                raise NotCanonical(f"keys {k!r} collide after NFC normalisation")
            members[nk] = v
        # Sorted by the UTF-8 bytes of the keys. (For valid text this equals code point order, but
        # NOT UTF-16 code unit order: U+FF61 sorts before U+1F600 here.)
        keys = sorted(members, key=lambda k: k.encode("utf-8", "surrogatepass"))
        return "{" + ",".join(_canonical_string(k) + ":" + canonical_json(members[k])
                              for k in keys) + "}"
    raise NotCanonical(f"not a JSON value: {type(value).__name__}")


def canonical_problem(stored: bytes) -> str | None:
    """None when `stored` is exactly the canonical JSON of the value it denotes, else why not."""
    try:
        text = stored.decode("utf-8")  # strict: invalid UTF-8 is not canonical JSON
    except UnicodeDecodeError as e:
        return f"payload json is not valid UTF-8 ({e.reason} at byte {e.start})"
    try:
        value = parse_strict(text)
        canonical = canonical_json(value).encode("utf-8")
    except NotCanonical as e:
        return f"payload json is not canonical: {e}"
    except (ValueError, RecursionError) as e:  # JSONDecodeError is a ValueError
        return f"payload json does not parse: {e}"
    if canonical != stored:
        i = next((i for i, (a, b) in enumerate(zip(stored, canonical)) if a != b),
                 min(len(stored), len(canonical)))
        return f"payload json is not in canonical form (first difference at byte {i})"
    return None


# --------------------------------------------------------------------------------------------------
# Reading the journal
# --------------------------------------------------------------------------------------------------

@dataclass
class Problem:
    feed: str | None
    seq: int | None
    type: str | None
    problem: str
    where: str | None = None  # label for problems that belong to no event ("payload ab12cd34")

    def line(self) -> str:
        return f"damaged: {self.label()}: {self.problem}"

    def label(self) -> str:
        if self.where is not None:
            return self.where
        if self.seq is not None:
            return f"feed {short(self.feed)} seq {self.seq} ({self.type})"
        if self.feed is not None:
            return f"feed {short(self.feed)}"
        return "journal"

    def as_json(self) -> dict:
        text = self.problem if self.where is None else f"{self.where}: {self.problem}"
        return {"feed": self.feed, "seq": self.seq, "type": self.type, "problem": text}


@dataclass
class Event:
    feed: str
    seq: int | None
    prev: bytes | None
    recorded_at: bytes | None
    type: str
    subject: str | None
    target: bytes | None
    commitment: bytes | None
    hash: bytes | None
    problems: list[str] = field(default_factory=list)  # column-level problems found on reading


def short(feed: str | None) -> str:
    return (feed or "?")[:8]


def is_lower_uuid(s: str | None) -> bool:
    """The doc's "lowercase UUID": exactly the 36-character form str(uuid.UUID(s)) gives."""
    try:
        return s is not None and str(uuid.UUID(s)) == s
    except ValueError:
        return False


def is_uuid(s: str | None) -> bool:
    """Any spelling uuid.UUID accepts; enough to know the 16 bytes the hash is over."""
    try:
        return s is not None and uuid.UUID(s) is not None
    except ValueError:
        return False


def as_text(value) -> str | None:
    """With text_factory=bytes, TEXT comes back as bytes; decode strictly."""
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return value if isinstance(value, str) else None


def read_events(conn) -> list[Event]:
    events = []
    cols = ["feed", "seq", "prev", "recorded_at", "type", "subject", "target", "commitment", "hash"]
    select = ", ".join(cols + [f"typeof({c})" for c in cols])
    for row in conn.execute(f"SELECT {select} FROM event"):
        v = dict(zip(cols, row[:9]))
        t = dict(zip(cols, (as_text(x) for x in row[9:])))  # storage classes
        probs = []
        # The doc gives a storage type for every column; check them, and the 32-byte lengths.
        want = {"feed": "text", "seq": "integer", "prev": "blob", "recorded_at": "text",
                "type": "text", "subject": "text", "commitment": "blob", "hash": "blob"}
        for c, w in want.items():
            if t[c] != w:
                probs.append(f"{c} is stored as {t[c]}, not {w}")
        if t["target"] not in ("blob", "null"):
            probs.append(f"target is stored as {t['target']}, not blob or NULL")
        for c in ("prev", "commitment", "hash", "target"):
            if isinstance(v[c], bytes) and len(v[c]) != 32:
                probs.append(f"{c} is {len(v[c])} bytes, not 32")
        feed = as_text(v["feed"])
        if not is_lower_uuid(feed):
            probs.append(f"feed {feed or v['feed']!r} is not a lowercase UUID")
        subject = as_text(v["subject"])
        if not is_lower_uuid(subject):
            probs.append(f"subject {subject or v['subject']!r} is not a lowercase UUID")
        type_ = as_text(v["type"])
        if type_ is None:
            probs.append("type is not UTF-8 text")
        rec = v["recorded_at"] if isinstance(v["recorded_at"], bytes) else None
        rec_text = as_text(rec)
        if rec_text is None or not RECORDED_AT.fullmatch(rec_text) or not valid_time(rec_text):
            probs.append(f"recorded_at {rec_text or v['recorded_at']!r} is not YYYY-MM-DDTHH:MM:SS.sssZ")
        seq = v["seq"] if isinstance(v["seq"], int) else None
        if seq is not None and not 1 <= seq < 2**63:
            probs.append(f"seq {seq} is not >= 1")
            seq = None if seq < 0 else seq
        events.append(Event(
            feed=feed if feed is not None else repr(v["feed"]),
            seq=seq,
            prev=v["prev"] if isinstance(v["prev"], bytes) else None,
            recorded_at=rec,
            type=type_ if type_ is not None else repr(v["type"]),
            subject=subject,
            target=v["target"] if isinstance(v["target"], bytes) else None,
            commitment=v["commitment"] if isinstance(v["commitment"], bytes) else None,
            hash=v["hash"] if isinstance(v["hash"], bytes) else None,
            problems=probs))
    return events


def valid_time(text: str) -> bool:
    try:
        datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
        return True
    except ValueError:
        return False


def recompute_hash(ev: Event) -> bytes | None:
    """The event hash from the columns, or None when a column cannot be encoded at all."""
    if None in (ev.seq, ev.prev, ev.recorded_at, ev.commitment, ev.subject):
        return None
    # A wrongly spelled (e.g. upper case) UUID is reported on its own; the hash is over the 16 bytes.
    if not (is_uuid(ev.feed) and is_uuid(ev.subject)):
        return None
    return event_hash(ev.feed, ev.seq, ev.prev, ev.recorded_at, ev.type.encode("utf-8"),
                      ev.subject, ev.target, ev.commitment)


# --------------------------------------------------------------------------------------------------
# The guard triggers, checked by behaviour on an in-memory copy (the file itself is never written)
# --------------------------------------------------------------------------------------------------

def check_guards(conn, events: list[Event], redacted_commitments: set[bytes]) -> list[str]:
    """Try the writes the doc says triggers refuse, on an in-memory copy, and report any that succeed.

    Checking behaviour rather than trigger names keeps this independent of how the schema spells
    them. Upserts are covered: an upsert either inserts (the INSERT guard) or updates (UPDATE guard).
    """
    mem = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.backup(mem)
        found = []

        def accepted(sql, params=()) -> bool:
            """True when the write went through and changed at least one row. (A statement that
            matched no row proves nothing, e.g. when a damaged index hides the row; and a trigger
            using RAISE(IGNORE) refuses silently, which also shows as no change.)"""
            mem.execute("SAVEPOINT probe")
            try:
                return mem.execute(sql, params).rowcount > 0
            except sqlite3.DatabaseError:
                return False
            finally:
                mem.execute("ROLLBACK TO probe")
                mem.execute("RELEASE probe")

        sample = next((e for e in events if e.hash is not None), None)
        if sample is not None:
            h = sample.hash
            cols = [r[1] for r in mem.execute("PRAGMA table_info(event)")]
            for c in cols:
                if accepted(f'UPDATE event SET "{c}" = "{c}" WHERE hash = ?', (h,)):
                    found.append(f"an UPDATE of event.{c} is not refused")
            if accepted("DELETE FROM event WHERE hash = ?", (h,)):
                found.append("a DELETE from event is not refused")

            def copy_with(replace: dict) -> str:
                exprs = ", ".join(replace.get(c, f'"{c}"') for c in cols)
                names = ", ".join(f'"{c}"' for c in cols)
                return f"INTO event ({names}) SELECT {exprs} FROM event WHERE hash = ?"

            same_seq = copy_with({"hash": "randomblob(32)"})  # (feed, seq) exists, hash is new
            same_hash = copy_with({"seq": "seq + 1000000000"})  # (feed, seq) is new, hash exists
            for verb in ("INSERT", "INSERT OR REPLACE", "REPLACE"):
                if accepted(f"{verb} {same_seq}", (h,)):
                    found.append(f"{verb} of an existing (feed, seq) is not refused")
                if accepted(f"{verb} {same_hash}", (h,)):
                    found.append(f"{verb} of an existing hash is not refused")

        pcols = [r[1] for r in mem.execute("PRAGMA table_info(payload)")]
        row = mem.execute("SELECT commitment FROM payload LIMIT 1").fetchone()
        if row is not None:
            for c in pcols:
                if accepted(f'UPDATE payload SET "{c}" = "{c}" WHERE commitment = ?', (row[0],)):
                    found.append(f"an UPDATE of payload.{c} is not refused")
        # A payload delete is allowed only after a redaction; try one that has none.
        for (c,) in mem.execute("SELECT commitment FROM payload").fetchall():
            if c not in redacted_commitments:
                if accepted("DELETE FROM payload WHERE commitment = ?", (c,)):
                    found.append("a DELETE of an unredacted payload is not refused")
                break

        # feed_key and signature rows are never updated, deleted or replaced.
        for table, key, other, fresh in (("feed_key", "feed", "public_key", "randomblob(32)"),
                                         ("signature", "hash", "signature", "randomblob(64)")):
            if mem.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           (table,)).fetchone() is None:
                continue  # reported by the schema check
            row = mem.execute(f'SELECT "{key}" FROM "{table}" LIMIT 1').fetchone()
            if row is None:
                continue
            for c in (key, other):
                if accepted(f'UPDATE "{table}" SET "{c}" = "{c}" WHERE "{key}" = ?', row):
                    found.append(f"an UPDATE of {table}.{c} is not refused")
            if accepted(f'DELETE FROM "{table}" WHERE "{key}" = ?', row):
                found.append(f"a DELETE from {table} is not refused")
            for verb in ("INSERT", "INSERT OR REPLACE", "REPLACE"):
                sql = (f'{verb} INTO "{table}" ("{key}", "{other}") '
                       f'SELECT "{key}", {fresh} FROM "{table}" WHERE "{key}" = ?')
                if accepted(sql, row):
                    found.append(f"{verb} of an existing {table} row is not refused")
        return found
    finally:
        mem.close()


# --------------------------------------------------------------------------------------------------
# The truth tables and their triggers, exactly as Schemas/journal.sql states them
# --------------------------------------------------------------------------------------------------

class BadSchema(Exception):
    pass


def statements(sql: str) -> list[str]:
    """The SQL statements of a script, split where SQLite itself would (sqlite3.complete_statement),
    so that the semicolons inside a trigger's BEGIN ... END do not split it."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip() and not all(l.strip().startswith("--") or not l.strip()
                               for l in buf.splitlines()):
        raise BadSchema("the schema ends in an incomplete statement")
    return out


def truth_schema(schema_sql: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(type, name) -> (table, sql) for the truth tables and every trigger on them, as SQLite stores
    them (sqlite_master.sql) when the statements of Schemas/journal.sql are run."""
    mem = sqlite3.connect(":memory:")
    try:
        for stmt in statements(schema_sql):
            try:
                mem.execute(stmt)
            except sqlite3.Error:
                # A projection this Python's SQLite cannot make (e.g. without FTS5) is no matter;
                # a truth table that fails is caught just below.
                pass
        want = {}
        for type_, name, tbl, sql in mem.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE type IN ('table', 'trigger')"):
            if tbl in TRUTH_TABLES:
                want[(type_, name)] = (tbl, sql)
    finally:
        mem.close()
    missing = [t for t in TRUTH_TABLES if ("table", t) not in want]
    if missing:
        raise BadSchema(f"the schema does not create table {', '.join(missing)}")
    return want


def check_schema(conn, want: dict[tuple[str, str], tuple[str, str]]) -> list[str]:
    """The truth tables and guard triggers are exactly as the schema states them, and no other
    trigger acts on those tables (is defined on one, or names one in its body)."""
    found = []
    have = {}
    for type_, name, tbl, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'trigger')"):
        have[(as_text(type_), as_text(name))] = (as_text(tbl), as_text(sql))
    for (type_, name), (tbl, sql) in sorted(want.items()):
        got = have.get((type_, name))
        what = f"table {name}" if type_ == "table" else f"trigger {name} on {tbl}"
        if got is None:
            found.append(f"{what} is missing")
        elif got != (tbl, sql):
            found.append(f"{what} is not as Schemas/journal.sql states it")
    names = re.compile(r"\b(" + "|".join(TRUTH_TABLES) + r")\b", re.IGNORECASE)
    for (type_, name), (tbl, sql) in sorted(have.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if type_ != "trigger" or (type_, name) in want:
            continue
        if (tbl or "").lower() in TRUTH_TABLES:
            found.append(f"trigger {name} on {tbl} is not in Schemas/journal.sql")
        elif sql is not None and (m := names.search(sql)) is not None:
            found.append(f"trigger {name} on {tbl} names table {m.group(1)} "
                         f"and is not in Schemas/journal.sql")
    return found


# --------------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------------

@dataclass
class Report:
    feeds: int = 0
    events: int = 0
    payloads: int = 0
    signatures: int = 0  # events whose signature verified
    checkpoint_feeds: int | None = None  # feeds of the checkpoint the journal still holds
    redacted: list[Event] = field(default_factory=list)
    events_by_feed: dict[str, list[Event]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # damaged/redacted lines in reading order

    def damage(self, p: Problem):
        self.problems.append(p)
        self.lines.append(p.line())

    def event_damage(self, ev: Event, why: str):
        self.damage(Problem(ev.feed, ev.seq, ev.type, why))


class Unreadable(Exception):
    pass


def open_journal(path: str):
    uri = f"file:{urllib.parse.quote(path)}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        conn.text_factory = bytes  # read TEXT as raw bytes: commitments are over the stored bytes
        names = {as_text(r[0]) for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as e:
        raise Unreadable(f"cannot read {path}: {e}") from e
    missing = [t for t in ("event", "payload", "feed") if t not in names]
    if missing:
        raise Unreadable(f"{path} is not a fieldlog journal: no table {', '.join(missing)}")
    return conn


def verify(conn, want_schema: dict | None = None, ed25519_verify=Ed25519.verify) -> Report:
    """Every check of "Verifying a journal". `want_schema` is truth_schema(Schemas/journal.sql);
    `ed25519_verify(public, message, signature) -> bool` checks one signature."""
    r = Report()

    # The file as a whole.
    rows = [as_text(x[0]) for x in conn.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        for text in rows[:20]:
            r.damage(Problem(None, None, None, f"integrity_check: {text}", where="journal"))
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        r.damage(Problem(None, None, None,
                         f"application_id is {app_id}, not {APPLICATION_ID} (FLOG)", where="journal"))

    events = read_events(conn)
    r.events = len(events)

    # Payloads, keyed by commitment; each checked once here, reported against its events below.
    payloads: dict[bytes, list[str]] = {}  # commitment -> problems (empty: verified)
    payload_rows = conn.execute(
        "SELECT commitment, salt, json, typeof(commitment), typeof(salt), typeof(json) FROM payload"
    ).fetchall()
    for commitment, salt, text, tc, ts, tj in payload_rows:
        tc, ts, tj = as_text(tc), as_text(ts), as_text(tj)
        probs = []
        if tc != "blob" or len(commitment) != 32:
            name = commitment.hex()[:8] if isinstance(commitment, bytes) else repr(commitment)
            r.damage(Problem(None, None, None, "commitment is not a 32-byte blob",
                             where=f"payload {name}"))
            continue
        if commitment in payloads:
            probs.append("payload commitment appears in more than one row")
        if ts != "blob" or len(salt) != 32:
            probs.append("payload salt is not a 32-byte blob")
        if tj != "text":
            probs.append(f"payload json is stored as {tj}, not text")
        if isinstance(salt, bytes) and isinstance(text, bytes):
            # The commitment is over the stored text's UTF-8 bytes, exactly as stored.
            if payload_commitment(salt, text) != commitment:
                probs.append("payload commitment does not recompute from salt and json")
            why = canonical_problem(text)
            if why is not None:
                probs.append(why)
        payloads[commitment] = payloads.get(commitment, []) + probs

    # Indexes over all events.
    by_hash: dict[bytes, Event] = {}
    for ev in events:
        if ev.hash is not None:
            if ev.hash in by_hash:
                o = by_hash[ev.hash]
                ev.problems.append(f"hash also used by feed {short(o.feed)} seq {o.seq}")
            else:
                by_hash[ev.hash] = ev
    # Events named by a redaction: an event of type "redaction" whose target is their hash.
    redaction_targets = {e.target for e in events if e.type == REDACTION and e.target is not None}
    committed = {e.commitment for e in events if e.commitment is not None}

    # The feed table.
    heads: dict[str, tuple] = {}
    feed_problems: dict[str, list[str]] = {}
    for fid, hseq, hhash, tseq, thash in conn.execute(
            "SELECT id, head_seq, head_hash, typeof(head_seq), typeof(head_hash) FROM feed"):
        tseq, thash = as_text(tseq), as_text(thash)
        fid_text = as_text(fid) if as_text(fid) is not None else repr(fid)
        probs = feed_problems.setdefault(fid_text, [])
        if not is_lower_uuid(fid_text):
            probs.append("feed id in table feed is not a lowercase UUID")
        if fid_text in heads:
            probs.append("feed appears more than once in table feed")
        heads[fid_text] = (hseq if tseq == "integer" else None,
                           hhash if thash == "blob" else None)

    # Public keys (feed_key) and signatures. A journal without these tables is reported by the
    # schema check; here it simply has no keys and no signatures.
    tables = {as_text(x[0]) for x in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    keys: dict[str, bytes] = {}
    if "feed_key" in tables:
        for fid, pk, tfid, tpk in conn.execute(
                "SELECT feed, public_key, typeof(feed), typeof(public_key) FROM feed_key"):
            fid_text = as_text(fid) if as_text(fid) is not None else repr(fid)
            probs = feed_problems.setdefault(fid_text, [])
            if as_text(tfid) != "text" or not is_lower_uuid(fid_text):
                probs.append("feed in table feed_key is not a lowercase UUID")
            if as_text(tpk) != "blob" or len(pk) != 32:
                probs.append("public key in feed_key is not a 32-byte blob")
            elif Ed25519.decompress(pk) is None:
                probs.append("public key in feed_key is not an Ed25519 point")
            elif fid_text in keys:
                probs.append("feed appears more than once in table feed_key")
            else:
                keys[fid_text] = pk
    signatures: dict[bytes, object] = {}  # event hash -> the stored signature value
    if "signature" in tables:
        for h, sig, th, ts in conn.execute(
                "SELECT hash, signature, typeof(hash), typeof(signature) FROM signature"):
            if as_text(th) != "blob" or len(h) != 32:
                name = h.hex()[:8] if isinstance(h, bytes) else repr(h)
                r.damage(Problem(None, None, None, "hash is not a 32-byte blob",
                                 where=f"signature {name}"))
                continue
            if h in signatures:
                r.damage(Problem(None, None, None, "more than one signature for this hash",
                                 where=f"signature {h.hex()[:8]}"))
            signatures[h] = sig if as_text(ts) == "blob" else None
            if h not in by_hash:
                r.damage(Problem(None, None, None, "signature belongs to no event",
                                 where=f"signature {h.hex()[:8]}"))

    chains: dict[str, list[Event]] = {}
    for ev in events:
        chains.setdefault(ev.feed, []).append(ev)
    all_feeds = sorted(set(chains) | set(heads))
    r.feeds = len(all_feeds)

    for fid in all_feeds:
        chain = chains.get(fid, [])
        # seq order; events whose seq is unreadable go last (they are damaged anyway).
        chain.sort(key=lambda e: (e.seq is None, e.seq or 0))
        for why in feed_problems.get(fid, []):
            r.damage(Problem(fid, None, None, why))
        if fid not in heads:
            r.damage(Problem(fid, None, None, "feed has events but is not in table feed"))
        key = keys.get(fid)
        if key is None and chain and not any("feed_key" in why for why in feed_problems.get(fid, [])):
            r.damage(Problem(fid, None, None, f"feed has no public key in feed_key: "
                                              f"none of its {len(chain)} events can be checked"))

        expected = 1
        before: Event | None = None
        for ev in chain:
            for why in ev.problems:
                r.event_damage(ev, why)

            # 1. seq is 1, 2, 3 ... without gap or repeat.
            if ev.seq is not None:
                if ev.seq > expected:
                    missing = f"{expected}" if ev.seq == expected + 1 else f"{expected}..{ev.seq - 1}"
                    r.event_damage(ev, f"gap in the chain: seq {missing} missing")
                elif ev.seq < expected:
                    r.event_damage(ev, f"seq {ev.seq} repeats")
                expected = max(expected, ev.seq + 1)

            # 2. prev links to the previous event's hash (32 zero bytes for seq 1). When the
            #    predecessor is missing the gap is reported above and there is nothing to compare.
            if ev.seq == 1:
                if ev.prev != ZERO32:
                    r.event_damage(ev, "prev is not 32 zero bytes for seq 1")
            elif before is not None and ev.seq is not None and before.seq == ev.seq - 1:
                if ev.prev != before.hash:
                    r.event_damage(ev, f"prev does not match the hash of seq {before.seq}")

            # Every type is one this version writes; seq 1, and only seq 1, is feed.opened.
            if ev.type not in EVENT_TYPES:
                r.event_damage(ev, f"type {ev.type!r} is not one this version writes")
            if ev.seq == 1 and ev.type != FEED_OPENED:
                r.event_damage(ev, f"seq 1 is {ev.type}, not {FEED_OPENED}")
            elif ev.seq is not None and ev.seq != 1 and ev.type == FEED_OPENED:
                r.event_damage(ev, f"{FEED_OPENED} at seq {ev.seq}: only seq 1 opens a feed")

            # 3. hash recomputes from the columns.
            h = recompute_hash(ev)
            if h is None:
                r.event_damage(ev, "hash cannot be recomputed (columns unreadable)")
            elif h != ev.hash:
                r.event_damage(ev, "hash does not recompute from the columns")

            # 4. the payload exists and recomputes, or a redaction names this event.
            if ev.commitment in payloads:
                for why in payloads[ev.commitment]:
                    r.event_damage(ev, why)
            elif ev.hash is not None and ev.hash in redaction_targets:
                r.redacted.append(ev)
                r.lines.append(f"redacted: feed {short(ev.feed)} seq {ev.seq} ({ev.type})")
            else:
                r.event_damage(ev, "payload is missing and no redaction names this event")

            # Every target names an existing event (and a redaction has one).
            if ev.target is not None and ev.target not in by_hash:
                r.event_damage(ev, "target names no event in this journal")
            if ev.type == REDACTION and ev.target is None:
                r.event_damage(ev, "redaction without a target")

            # 5. a signature, where there is one, verifies under the feed's public key; the feed's
            #    last event must have one (each transaction signs its last event, whose hash chains
            #    all before it). It signs the stored hash; whether that recomputes is checked in 3.
            if ev.hash is not None:
                sig = signatures.get(ev.hash, False)
                if sig is False:
                    if ev is chain[-1] and key is not None:
                        r.event_damage(ev, "unsigned: the last event of its feed has no signature")
                elif not isinstance(sig, bytes) or len(sig) != 64:
                    r.event_damage(ev, "signature is not a 64-byte blob")
                elif key is not None:
                    if ed25519_verify(key, signed_message(ev.hash), sig):
                        r.signatures += 1
                    else:
                        r.event_damage(ev, "bad signature: it does not verify under the feed's "
                                           "public key")
            before = ev

        # 6. the last event is the feed's recorded head.
        if fid in heads:
            hseq, hhash = heads[fid]
            if hseq is None:
                r.damage(Problem(fid, None, None, "head_seq in table feed is not an integer"))
            elif not chain:
                # A feed with no events can only have head 0. (The doc does not say; this is the
                # natural reading, and head_hash is not looked at.)
                if hseq != 0:
                    r.damage(Problem(fid, None, None,
                                     f"no events, but the recorded head is seq {hseq}: lost its tail"))
            else:
                last = chain[-1]
                if last.seq is not None and last.seq < hseq:
                    r.event_damage(last, f"chain ends here but the recorded head is seq {hseq}: "
                                         f"it has lost its tail")
                elif last.seq is not None and last.seq > hseq:
                    r.event_damage(last, f"chain goes on past the recorded head seq {hseq}: "
                                         f"events not written through fieldlog")
                elif last.hash != hhash:
                    r.event_damage(last, "last event's hash differs from head_hash in table feed")

    # No payload is left that no event commits to.
    for commitment in payloads:
        if commitment not in committed:
            r.damage(Problem(None, None, None, "no event commits to this payload",
                             where=f"payload {commitment.hex()[:8]}"))

    r.payloads = sum(1 for c, probs in payloads.items() if not probs)

    # The guard triggers exist (by behaviour).
    redacted_commitments = {e.commitment for e in events if e.hash in redaction_targets}
    for why in check_guards(conn, events, redacted_commitments):
        r.damage(Problem(None, None, None, f"guard missing: {why}", where="journal"))
    # ... and the truth tables and their triggers are exactly as the schema states them.
    if want_schema is not None:
        for why in check_schema(conn, want_schema):
            r.damage(Problem(None, None, None, f"schema: {why}", where="journal"))
    r.events_by_feed = chains  # for a checkpoint
    return r


def check_checkpoint(r: Report, cp: Checkpoint):
    """Each feed of the checkpoint (whose root was checked when it was read) must still reach the
    checkpoint's seq (else truncated; "gone" when none of its events is left) with the same event
    there (else rewritten)."""
    held = 0
    chains = r.events_by_feed
    for fid, seq, head in cp.heads:
        chain = [e for e in chains.get(fid, []) if e.seq is not None]
        where = f"checkpoint feed {short(fid)}"
        at = [e for e in chain if e.seq == seq]
        if not chain:
            r.damage(Problem(fid, seq, None, f"truncated: the feed is gone, the journal holds none "
                                             f"of its events (checkpoint head seq {seq})",
                             where=where))
        elif not at:
            reach = max(e.seq for e in chain)
            r.damage(Problem(fid, seq, None, f"truncated: the journal reaches seq {reach}, the "
                                             f"checkpoint has seq {seq}", where=where))
        elif all(e.hash != head for e in at):
            r.damage(Problem(fid, seq, None, f"rewritten: the event at seq {seq} has hash "
                                             f"{at[0].hash.hex() if at[0].hash else '?'}, the "
                                             f"checkpoint has {head.hex()}", where=where))
        else:
            held += 1
    r.checkpoint_feeds = held


# --------------------------------------------------------------------------------------------------
# Self-test: the known-answer vectors at the end of docs/journal-format.md
# --------------------------------------------------------------------------------------------------

def self_test() -> int:
    failures = []

    def expect(what, got, want):
        if got != want:
            failures.append(f"{what}: got {got!r}, want {want!r}")

    # Vector 1: payload. The value as the doc writes it (JSON with spaces), and as a Python value.
    value_text = '{"naam": "Caf\u00e9 \\"De Buurt\\"\\n", "b": [1, -2, true, null]}'
    value = {"naam": 'Caf\u00e9 "De Buurt"\n', "b": [1, -2, True, None]}
    want_json = '{"b":[1,-2,true,null],"naam":"Caf\u00e9 \\"De Buurt\\"\\n"}'
    salt = bytes(range(32))
    expect("canonical JSON of the value", canonical_json(value), want_json)
    expect("canonical JSON of the parsed text", canonical_json(parse_strict(value_text)), want_json)
    expect("canonical check of the canonical text", canonical_problem(want_json.encode()), None)
    commitment = payload_commitment(salt, want_json.encode("utf-8"))
    expect("payload commitment", commitment.hex(),
           "206da3325654bb614557ef0e254e27e065c6fd350de6d1245cadd3878c54c632")

    # Vector 2: event hash, over the commitment of vector 1.
    h = event_hash("00000000-0000-4000-8000-000000000001", 1, ZERO32, b"2024-03-12T13:30:00.000Z",
                   b"entry.recorded", "00000000-0000-4000-8000-0000000000aa", None, commitment)
    expect("event hash", h.hex(), "129ac164757aada02dc73465f2fd09997aaf6dfd5206851b49f72774289ce019")

    # Vector 3: derived id.
    expect("derived id", derived_id("neighbourhood", "holendrecht"),
           "d7232aa4-7a79-8ce8-973e-9cb11337b4bd")

    # Not vectors from the doc, but its serialisation rules spelled out, so that a regression in the
    # serialiser shows here rather than as a false alarm on a real journal.
    rules = [
        ("\u001f\u0000\u007f/\u2028\b\f\t\r", '"\\u001f\\u0000\u007f/\u2028\\b\\f\\t\\r"'),
        ("e\u0301", '"\u00e9"'),  # NFC
        ({"\uff61": 1, "\U0001f600": 2, "a": 3, "B": 4},  # UTF-8 byte order, not UTF-16 order
         '{"B":4,"a":3,"\uff61":1,"\U0001f600":2}'),
        ([-0, 10, -12345678901234567890], "[0,10,-12345678901234567890]"),
    ]
    for v, want in rules:
        expect(f"canonical JSON of {v!r}", canonical_json(v), want)
    for bad in ('{"a":1.0}', '{"a":1e3}', '{"a":1,"a":2}', '{"a": 1}', '{"b":1,"a":2}', '"\\/"',
                '"\\u00e9"', '"\\u001F"', "-0", "NaN", '"\\ud800"'):
        if canonical_problem(bad.encode()) is None:
            failures.append(f"{bad!r} was accepted as canonical")

    # RFC 8032 section 7.1, tests 1 and 2: (secret, public, message, signature).
    rfc8032 = [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ]
    fast = fast_ed25519_verifier()
    verifiers = [("pure", Ed25519.verify)] + ([("cryptography", fast)] if fast else [])
    for number, (sk, pk, msg, sig) in enumerate(rfc8032, start=1):
        sk, pk, msg, sig = (bytes.fromhex(x) for x in (sk, pk, msg, sig))
        expect(f"RFC 8032 test {number}: public key", Ed25519.public_key(sk).hex(), pk.hex())
        expect(f"RFC 8032 test {number}: signature", Ed25519.sign(sk, msg).hex(), sig.hex())
        flipped = sig[:40] + bytes([sig[40] ^ 0x01]) + sig[41:]
        s_plus_q = sig[:32] + int.to_bytes(int.from_bytes(sig[32:], "little") + Ed25519.q, 32,
                                            "little")  # the same S, not reduced: must be refused
        for name, check in verifiers:
            expect(f"RFC 8032 test {number} verifies ({name})", check(pk, msg, sig), True)
            expect(f"RFC 8032 test {number}, one bit flipped ({name})", check(pk, msg, flipped),
                   False)
            expect(f"RFC 8032 test {number}, another message ({name})",
                   check(pk, msg + b"!", sig), False)
            expect(f"RFC 8032 test {number}, S + q ({name})", check(pk, msg, s_plus_q), False)
    expect("the signed message of the event vector",
           signed_message(h).hex(), b"fieldlog.signature.v1".hex() + "00" + h.hex())

    # The Merkle root, composed by hand from the doc's definition: leaf = SHA-256(00 || 16-byte
    # UUID || 8-byte seq || 32-byte hash), node = SHA-256(01 || left || right), the left subtree
    # holding the largest power of two of leaves below the count.
    sha = lambda b: hashlib.sha256(b).digest()
    heads = [(f"00000000-0000-4000-8000-{i:012x}", i * 3 + 1, sha(bytes([i]))) for i in range(7)]
    leaf = [sha(b"\x00" + bytes.fromhex(f"00000000000040008000{i:012x}")
                + (i * 3 + 1).to_bytes(8, "big") + sha(bytes([i]))) for i in range(7)]
    for i, (f, seq, hh) in enumerate(heads):
        expect(f"checkpoint leaf {i}", checkpoint_leaf(f, seq, hh), leaf[i])
    node = lambda a, b: sha(b"\x01" + a + b)
    by_hand = {
        1: leaf[0],
        2: node(leaf[0], leaf[1]),
        3: node(node(leaf[0], leaf[1]), leaf[2]),
        4: node(node(leaf[0], leaf[1]), node(leaf[2], leaf[3])),
        5: node(node(node(leaf[0], leaf[1]), node(leaf[2], leaf[3])), leaf[4]),
        7: node(node(node(leaf[0], leaf[1]), node(leaf[2], leaf[3])),
                node(node(leaf[4], leaf[5]), leaf[6])),
    }
    for n, want in by_hand.items():
        expect(f"Merkle root of {n} leaves", merkle_root(leaf[:n]).hex(), want.hex())

    # A checkpoint text round-trips through the parser; an edited line no longer matches its root.
    lines = ["fieldlog checkpoint 1", "study: Een studie", "taken: 2026-03-12T10:00:00.000Z"]
    lines += [f"feed {f} {seq} {hh.hex()}" for f, seq, hh in heads[:3]]
    text = "\n".join(lines + [f"root {by_hand[3].hex()}"]) + "\n"
    cp = parse_checkpoint(text)
    expect("checkpoint heads", cp.heads, heads[:3])
    expect("checkpoint root recomputes", cp.computed_root(), cp.root)
    expect("checkpoint with CRLF", parse_checkpoint(text.replace("\n", "\r\n")).heads, heads[:3])
    for bad in (text.replace(f" {heads[1][1]} ", f" {heads[1][1] + 1} "),  # root no longer matches
                text.replace("feed 00000000-0000-4000-8000-000000000001", "feed x"),
                "\n".join(lines[:3] + [lines[4], lines[3], lines[5]])
                + f"\nroot {by_hand[3].hex()}\n",  # not sorted by UUID
                text.replace("fieldlog checkpoint 1", "fieldlog checkpoint 2"),
                text.replace(" 4 ", " 04 "), text.replace("root ", "root  "),
                text.replace("00000000-0000-4000-8000-000000000002",
                             "000000000-000-4000-8000-000000000002")):
        try:
            parse_checkpoint(bad)
            failures.append(f"a malformed checkpoint was accepted: {bad!r}")
        except BadCheckpoint:
            pass

    # A small journal made here, signed with the pure Ed25519, through the whole verifier: whole at
    # first; then each kind of signature damage must be reported.
    failures += journal_self_test()

    if failures:
        for f in failures:
            print(f"self-test: {f}")
        return 1
    print(f"self-test: 3 format vectors, RFC 8032 tests 1 and 2 "
          f"({', '.join(n for n, _ in verifiers)} Ed25519), Merkle roots of "
          f"{', '.join(str(n) for n in by_hand)} leaves, checkpoint parsing, signed journal ok")
    return 0


def journal_self_test() -> list[str]:
    """Builds a two-event journal from Schemas/journal.sql in a temporary folder, signs it with the
    pure-Python Ed25519, and checks what verify() says about it whole and after each tampering."""
    import os
    import tempfile
    failures = []
    try:
        schema_sql = DEFAULT_SCHEMA.read_text(encoding="utf-8")
        want = truth_schema(schema_sql)
    except (OSError, BadSchema) as e:
        return [f"cannot read the schema {DEFAULT_SCHEMA}: {e}"]
    secret = bytes(range(32))
    public = Ed25519.public_key(secret)
    feed = "00000000-0000-4000-8000-000000000001"

    def make(path):
        db = sqlite3.connect(path)
        db.executescript(schema_sql)
        prev, rows = ZERO32, []
        for seq, (type_, subject, value) in enumerate([
                ("feed.opened", feed, {"author": "A", "study": "S", "format": 1}),
                ("neighbourhood.added", derived_id("neighbourhood", "holendrecht"),
                 {"name": "Holendrecht"})], start=1):
            text = canonical_json(value).encode()
            salt = bytes([seq]) * 32
            c = payload_commitment(salt, text)
            at = f"2026-03-12T10:00:0{seq}.000Z"
            h = event_hash(feed, seq, prev, at.encode(), type_.encode(), subject, None, c)
            db.execute("INSERT INTO payload VALUES (?, ?, ?)", (c, salt, text.decode()))
            db.execute("INSERT INTO event (feed, seq, prev, recorded_at, type, subject, target, "
                       "commitment, hash) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
                       (feed, seq, prev, at, type_, subject, c, h))
            db.execute("INSERT INTO signature VALUES (?, ?)",
                       (h, Ed25519.sign(secret, signed_message(h))))
            rows.append(h)
            prev = h
        db.execute("INSERT INTO feed VALUES (?, ?, ?)", (feed, 2, prev))
        db.execute("INSERT INTO feed_key VALUES (?, ?)", (feed, public))
        db.commit()
        return db, rows

    def report(path):
        conn = open_journal(path)
        try:
            return verify(conn, want, Ed25519.verify)
        finally:
            conn.close()

    cases = [
        ("whole", None, None),
        ("a signature altered",
         "DROP TRIGGER signature_no_update; UPDATE signature SET signature = :s2x WHERE hash = :h2",
         "feed 00000000 seq 2 (neighbourhood.added): bad signature"),
        ("the head's signature removed",
         "DROP TRIGGER signature_no_delete; DELETE FROM signature WHERE hash = :h2",
         "feed 00000000 seq 2 (neighbourhood.added): unsigned"),
        ("an earlier event's signature removed: the head's covers it",
         "DROP TRIGGER signature_no_delete; DELETE FROM signature WHERE hash = :h1",
         None),
        ("a signature of no event",
         "INSERT INTO signature VALUES (zeroblob(32), zeroblob(64))",
         "signature 00000000: signature belongs to no event"),
        ("the public key removed",
         "DROP TRIGGER feed_key_no_delete; DELETE FROM feed_key",
         "feed 00000000: feed has no public key"),
        ("another public key",
         f"DROP TRIGGER feed_key_no_update; UPDATE feed_key SET public_key = "
         f"X'{Ed25519.public_key(bytes(32)).hex()}'",
         "feed 00000000 seq 1 (feed.opened): bad signature"),
        ("a trigger on a projection that writes to event",
         "CREATE TRIGGER sneaky AFTER INSERT ON local BEGIN DELETE FROM event; END",
         "schema: trigger sneaky on local names table event"),
        ("a trigger of its own on event",
         "CREATE TRIGGER audit AFTER INSERT ON event BEGIN SELECT 1; END",
         "schema: trigger audit on event is not in Schemas/journal.sql"),
        ("a guard trigger changed",
         "DROP TRIGGER signature_no_replace; CREATE TRIGGER signature_no_replace BEFORE INSERT "
         "ON signature WHEN 0 BEGIN SELECT 1; END",
         "schema: trigger signature_no_replace on signature is not as"),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, sql, want_line) in enumerate(cases):
            path = os.path.join(folder, f"j{number}.sqlite")
            db, hashes = make(path)
            if sql is not None:
                sig = db.execute("SELECT signature FROM signature WHERE hash = ?",
                                 (hashes[1],)).fetchone()[0]
                altered = sig[:10] + bytes([sig[10] ^ 0x40]) + sig[11:]
                triggers = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
                db.executescript(sql.replace(":h1", f"X'{hashes[0].hex()}'")
                                 .replace(":h2", f"X'{hashes[1].hex()}'")
                                 .replace(":s2x", f"X'{altered.hex()}'") + ";")
                if want_line is None:
                    # A harmless change: its dropped guards are put back as they were.
                    now = {name for (name,) in db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
                    for name in sorted(set(triggers) - now):
                        db.execute(triggers[name])
                    db.commit()
            db.close()
            r = report(path)
            if want_line is None:
                if r.problems or r.signatures != (2 if sql is None else 1):
                    failures.append(f"signed journal, {name}: {r.lines}, "
                                    f"{r.signatures} signatures verified")
            elif not any(want_line in line for line in r.lines):
                failures.append(f"signed journal, {name}: no line with {want_line!r} in {r.lines}")

        # A checkpoint against the whole journal: held at seq 2 and 1; seq 3, or another feed, is
        # truncated (the second: gone); another hash at seq 2 is rewritten.
        other = "00000000-0000-4000-8000-000000000002"
        for heads, want_line in [
                ([(feed, 2, hashes[1])], None), ([(feed, 1, hashes[0])], None),
                ([(feed, 3, hashes[1])], "checkpoint feed 00000000: truncated: the journal reaches"
                                         " seq 2, the checkpoint has seq 3"),
                ([(feed, 2, hashes[0])], "checkpoint feed 00000000: rewritten: the event at seq 2"),
                ([(feed, 2, hashes[1]), (other, 1, hashes[0])],
                 "checkpoint feed 00000000: truncated: the feed is gone")]:
            r = report(os.path.join(folder, "j0.sqlite"))
            check_checkpoint(r, Checkpoint("S", "2026-03-12T10:00:00.000Z", heads, b""))
            if want_line is None:
                if r.problems or r.checkpoint_feeds != len(heads):
                    failures.append(f"checkpoint {heads} on the whole journal: {r.lines}")
            elif not any(want_line in line for line in r.lines):
                failures.append(f"checkpoint {heads}: no line with {want_line!r} in {r.lines}")
    return failures


# --------------------------------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="verify-journal.py",
        description="Verify a fieldlog journal against docs/journal-format.md.")
    parser.add_argument("journal", nargs="?", help="the journal's SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--self-test", action="store_true", help="check the known-answer vectors")
    parser.add_argument("--checkpoint", metavar="FILE",
                        help="also check that the journal still holds this checkpoint's heads")
    parser.add_argument("--schema", metavar="FILE", default=str(DEFAULT_SCHEMA),
                        help="the schema the truth tables must match (default: %(default)s)")
    parser.add_argument("--pure-ed25519", action="store_true",
                        help="verify signatures in pure Python even when 'cryptography' is there")
    args = parser.parse_args(argv)  # exits 2 on a usage error
    if args.self_test:
        if args.journal is not None or args.checkpoint is not None:
            parser.error("--self-test takes no journal and no checkpoint")
        return self_test()
    if args.journal is None:
        parser.error("a journal file is required")

    try:
        with open(args.schema, encoding="utf-8") as f:
            want_schema = truth_schema(f.read())
    except (OSError, UnicodeDecodeError, BadSchema) as e:
        print(f"verify-journal: cannot use the schema {args.schema}: {e}", file=sys.stderr)
        return 2
    checkpoint = None
    if args.checkpoint is not None:
        try:
            with open(args.checkpoint, encoding="utf-8", newline="") as f:
                checkpoint = parse_checkpoint(f.read())
        except (OSError, UnicodeDecodeError, BadCheckpoint) as e:
            print(f"verify-journal: cannot use the checkpoint {args.checkpoint}: {e}",
                  file=sys.stderr)
            return 2
    fast = None if args.pure_ed25519 else fast_ed25519_verifier()
    ed25519 = "pure" if fast is None else "cryptography"

    try:
        conn = open_journal(args.journal)
    except Unreadable as e:
        print(f"verify-journal: {e}", file=sys.stderr)
        return 2
    try:
        report = verify(conn, want_schema, fast or Ed25519.verify)
    except sqlite3.DatabaseError as e:
        # The file opened but reading it failed part-way: a damaged file.
        report = Report()
        report.damage(Problem(None, None, None, f"cannot be read: {e}", where="journal"))
    finally:
        conn.close()
    if checkpoint is not None:
        check_checkpoint(report, checkpoint)

    ok = not report.problems
    if args.json:
        print(json.dumps({
            "ok": ok, "feeds": report.feeds, "events": report.events,
            "payloads": report.payloads, "signatures": report.signatures,
            "redacted": len(report.redacted), "ed25519": ed25519,
            "checkpoint": None if checkpoint is None else {
                "feeds": len(checkpoint.heads), "held": report.checkpoint_feeds},
            "problems": [p.as_json() for p in report.problems]}))
    else:
        for line in report.lines:
            print(line)
        if checkpoint is not None and report.checkpoint_feeds is not None:
            print(f"checkpoint: root matches; {report.checkpoint_feeds} of "
                  f"{len(checkpoint.heads)} feeds still hold their checkpointed head")
        if ok:
            print(f"ok: {report.feeds} feeds, {report.events} events, "
                  f"{report.payloads} payloads verified, {report.signatures} signatures verified "
                  f"({ed25519} Ed25519), {len(report.redacted)} redacted")
        else:
            print(f"damaged: {len(report.problems)} problems")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
