#!/usr/bin/env python3
"""Independent verifier for fieldlog journals (format version 1).

Written from docs/journal-format.md alone, without looking at the Swift implementation, so that a
second implementation checks that the program and the specification agree.

    python3 Tests/Tools/verify-journal.py JOURNAL.sqlite [--json]
    python3 Tests/Tools/verify-journal.py --self-test

Exit status: 0 the journal is whole, 1 it is damaged, 2 usage error or unreadable file.
Standard library only; Python 3.11.
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

APPLICATION_ID = 1179406151  # the ASCII bytes "FLOG"
EVENT_TAG = b"fieldlog.event.v1"  # 17 ASCII bytes, followed by one zero byte
PAYLOAD_TAG = b"fieldlog.payload.v1"  # 19 ASCII bytes, followed by one zero byte
ID_TAG = b"fieldlog.id.v1"
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
        return found
    finally:
        mem.close()


# --------------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------------

@dataclass
class Report:
    feeds: int = 0
    events: int = 0
    payloads: int = 0
    redacted: list[Event] = field(default_factory=list)
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


def verify(conn) -> Report:
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
            before = ev

        # 5. the last event is the feed's recorded head.
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
    return r


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

    if failures:
        for f in failures:
            print(f"self-test: {f}")
        return 1
    print("self-test: 3 vectors ok")
    return 0


# --------------------------------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="verify-journal.py",
        description="Verify a fieldlog journal against docs/journal-format.md.")
    parser.add_argument("journal", nargs="?", help="the journal's SQLite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--self-test", action="store_true", help="check the known-answer vectors")
    args = parser.parse_args(argv)  # exits 2 on a usage error
    if args.self_test:
        if args.journal is not None:
            parser.error("--self-test takes no journal")
        return self_test()
    if args.journal is None:
        parser.error("a journal file is required")

    try:
        conn = open_journal(args.journal)
    except Unreadable as e:
        print(f"verify-journal: {e}", file=sys.stderr)
        return 2
    try:
        report = verify(conn)
    except sqlite3.DatabaseError as e:
        # The file opened but reading it failed part-way: a damaged file.
        report = Report()
        report.damage(Problem(None, None, None, f"cannot be read: {e}", where="journal"))
    finally:
        conn.close()

    ok = not report.problems
    if args.json:
        print(json.dumps({
            "ok": ok, "feeds": report.feeds, "events": report.events,
            "payloads": report.payloads, "redacted": len(report.redacted),
            "problems": [p.as_json() for p in report.problems]}))
    else:
        for line in report.lines:
            print(line)
        if ok:
            print(f"ok: {report.feeds} feeds, {report.events} events, "
                  f"{report.payloads} payloads verified, {len(report.redacted)} redacted")
        else:
            print(f"damaged: {len(report.problems)} problems")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
