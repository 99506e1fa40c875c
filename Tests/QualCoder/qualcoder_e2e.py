#!/usr/bin/env python3
"""fieldlog's .qdpx as QualCoder reads it: QualCoder's own REFI-QDA import, run headless.

usage: qualcoder_e2e.py QUALCODER_DIR FIELDLOG_BIN STUDY_YAML WORKDIR

Builds a journal with fieldlog (sources with emoji and astral letters, nested codes, segment and
whole-entry codings, coding memos, memos about entries, codes and codings, participants), exports
it with `export qdpx` and `export qdpx --offsets utf16`, imports each file with QualCoder's
`RefiImport` (file dialogs and message boxes replaced, QT_QPA_PLATFORM=offscreen), and compares
what arrived with what fieldlog's own exports say. Prints the counts, then one line per check and
'N passed, N failed'. Exits 1 when a check fails.

None of QualCoder's code is copied here: it is imported from QUALCODER_DIR/src, and the project
database is created with the CREATE TABLE statements of QualCoder's own `new_project`.
"""

import ast
import builtins
import gettext
import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

AUTHOR = "Sanne de Vries"
PARTICIPANTS = [f"P-{n}" for n in range(101, 109)]
CODES = [
    "informele steun", "buurtmoeders", "geloofsgemeenschap", "samenwerking wijkteam",
    "warme overdracht", "schuring", "sociale participatie", "toegankelijkheid", "drempels",
    "samen leren",
]
# Sentences to build bodies from; some carry characters beyond U+FFFF (emoji, a skin-tone
# modifier, a ZWJ family, mathematical and CJK Extension B letters), which UTF-16 counts twice.
PLAIN = [
    "Twaalf bewoners bij de koffieochtend in de buurtkamer.",
    "De buurtmoeder neemt een nieuwe bewoner mee naar het spreekuur.",
    "Het wijkteam belt pas terug na drie dagen.",
    "Na het vrijdaggebed vraagt de imam wie er hulp nodig heeft.",
    "Het formulier voor de toeslag is alleen digitaal te vinden.",
    "Een vrijwilliger vertaalt de brief van de gemeente.",
    "De cliëntondersteuner komt mee naar het gesprek.",
    "Niemand weet wie de sleutel van de buurtkamer heeft.",
    "Samen eten op donderdag trekt steeds meer ouderen.",
    "De wijkcoach en de buurtmoeder spreken een vaste dag af.",
]
ASTRAL = [
    "Ze steekt haar duim op 👍🏾 als het gelukt is.",
    "Moeder en dochter 👩‍👧 komen samen binnen.",
    "Op het bord staat 𝔅𝔲𝔲𝔯𝔱𝔨𝔞𝔪𝔢𝔯 in sierletters.",
    "De buurman schrijft zijn naam als 𠜎 op de lijst.",
    "Iedereen klapt 👏 voor de kok 🙏🏽 na afloop.",
]


def run(binary, journal, args, stdin=None):
    result = subprocess.run(
        [binary, *args, "--journal", journal], input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"fieldlog {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result.stdout


def make_journal(binary, study, work):
    """A journal like a small study's: 24 entries, about 110 codings and 30 memos."""
    journal = str(work / "journal.sqlite")
    subprocess.run([binary, "init", "--study", study, "--author", AUTHOR, "--journal", journal],
                   check=True, capture_output=True)
    for pseudonym in PARTICIPANTS:
        run(binary, journal, ["participant", "add", pseudonym])
        run(binary, journal, ["consent", pseudonym, "--given", "written", "--scope", "quotation"])
    rng = random.Random(20)
    neighbourhoods = ["Holendrecht", "Jan van Maijenbuurt"]
    entries = []
    for number in range(24):
        sentences = rng.sample(PLAIN, 4)
        if number % 3 == 0:
            for sentence in rng.sample(ASTRAL, 2):
                sentences.insert(rng.randrange(len(sentences) + 1), sentence)
        body = " ".join(sentences[:3]) + "\n" + " ".join(sentences[3:])
        args = ["add", "observation", "--title", f"Observatie {number + 1:02d}", "--text", body,
                "--neighbourhood", neighbourhoods[number % 2], "--question", "RQ1",
                "--at", f"2024-03-{number + 1:02d} 10:00"]
        for pseudonym in rng.sample(PARTICIPANTS, number % 3):
            args += ["--participant", pseudonym]
        entry_id = run(binary, journal, args).strip().split()[-1]
        entries.append((entry_id, sentences))
    codings = []
    for number, (entry_id, sentences) in enumerate(entries):
        used = set()
        for sentence in rng.sample(sentences, min(4, len(sentences))):
            code = rng.choice(CODES)
            if (code, sentence) in used:
                continue
            used.add((code, sentence))
            args = ["code", "apply", entry_id, code, "--quote", sentence.rstrip(".")]
            if rng.random() < 0.25:
                args += ["--memo", f"codeermemo {len(codings) + 1}: waarom {code}?"]
            codings.append(run(binary, journal, args).strip().split()[-1])
        # A whole-entry coding on every second entry.
        if number % 2 == 0:
            codings.append(run(binary, journal, ["code", "apply", entry_id, "samen leren"]).strip())
    for number, (entry_id, _) in enumerate(entries[:10]):
        run(binary, journal, ["memo", "add", "--about", entry_id, f"memo over verslag {number + 1} 👀"])
    for code in CODES[:8]:
        run(binary, journal, ["memo", "add", "--about", code, f"memo over de code {code}"])
    for number, coding in enumerate(codings[:12]):
        run(binary, journal, ["memo", "add", "--about", coding, f"memo over codering {number + 1}."])
    return journal


def expected(binary, journal):
    """What fieldlog says it holds, from its own exports."""
    def jsonl(table):
        text = run(binary, journal, ["export", table, "--format", "jsonl"])
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    entries = {e["id"]: e for e in jsonl("entries")}
    codings = [c for c in jsonl("codings") if not c["orphaned"]]
    for coding in codings:
        body = entries[coding["entry"]]["body"]
        coding["text"] = body if coding["start"] is None else body[coding["start"]:coding["end"]]
    memos = jsonl("memos")
    coding_memos = [c["memo"] for c in codings if c.get("memo")]
    links = {(p["pseudonym"], e["id"]) for e in entries.values() for p in e["participants"]}
    return {"entries": entries, "codes": jsonl("codebook"), "codings": codings, "memos": memos,
            "coding_memos": coding_memos, "links": links}


class TextLog:
    """Stands in for QualCoder's action-log widget."""

    def __init__(self):
        self.lines = []

    def append(self, text):
        self.lines.append(str(text))


class App:
    """The parts of QualCoder's App that RefiImport touches."""

    def __init__(self, project):
        self.project_path = str(project)
        self.conn = sqlite3.connect(project / "data.qda")
        self.settings = {"directory": str(project.parent), "codername": "default",
                         "ai_enable": "False"}
        self.ai_models = []
        self.project_events = None

    def write_config_ini(self, *args):
        pass


def qualcoder_tables(qualcoder):
    """QualCoder's CREATE TABLE statements, read from its own new_project()."""
    tree = ast.parse((qualcoder / "src/qualcoder/__main__.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "new_project":
            return [call.args[0].value for call in ast.walk(node)
                    if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "execute"
                    and call.args and isinstance(call.args[0], ast.Constant)
                    and str(call.args[0].value).startswith("CREATE TABLE")]
    raise SystemExit("QualCoder's new_project() was not found in __main__.py")


def import_into_qualcoder(qualcoder, qdpx, project, refi, QtWidgets):
    project.mkdir(parents=True)
    for folder in ("images", "audio", "video", "documents"):
        (project / folder).mkdir()
    app = App(project)
    for statement in qualcoder_tables(qualcoder):
        app.conn.execute(statement)
    app.conn.commit()
    # The dialog's answer: the file and the filter it was chosen with (an empty one means cancel).
    QtWidgets.QFileDialog.getOpenFileName = staticmethod(
        lambda *a, **k: (str(qdpx), "(*.qdpx *.QDPX)"))
    log = TextLog()
    importer = refi.RefiImport(app, log, "qdpx")
    return app.conn, importer, log


def highlight(QtGui, text, start, end):
    """The text that QualCoder's editor highlights for a coding: a QTextCursor from pos0 to pos1."""
    document = QtGui.QTextDocument()
    document.setPlainText(text)
    cursor = QtGui.QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QtGui.QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n")


def count(db, importer, want, QtGui):
    source_ids = {s["guid"]: s["id"] for s in importer.sources}
    code_ids = {c["guid"]: c["cid"] for c in importer.codes}
    fulltext = dict(db.execute("select id, fulltext from source"))
    rows = db.execute("select cid, fid, seltext, pos0, pos1 from code_text").fetchall()
    by_key = {}
    for cid, fid, seltext, pos0, pos1 in rows:
        by_key.setdefault((cid, fid), []).append((seltext, pos0, pos1))
    codings_arrived = text_right = highlight_right = 0
    astral = {guid for guid, e in want["entries"].items() if any(ord(c) > 0xFFFF for c in e["body"])}
    astral_codings = astral_highlights = 0
    for coding in want["codings"]:
        fid = source_ids.get(coding["entry"])
        found = by_key.get((code_ids.get(coding["code_id"]), fid), [])
        if not found:
            continue
        codings_arrived += 1
        if any(seltext == coding["text"] for seltext, _, _ in found):
            text_right += 1
        shown = any(highlight(QtGui, fulltext[fid], p0, p1) == coding["text"] for _, p0, p1 in found)
        highlight_right += shown
        if coding["entry"] in astral:
            astral_codings += 1
            astral_highlights += shown
    # A memo arrives when QualCoder holds its text as a journal, or as the memo of a file, code,
    # coding or annotation; a file memo holds each memo about the entry as "text\n(author, time)".
    texts = {t for (t,) in db.execute(
        "select jentry from journal union all select memo from source union all "
        "select memo from code_name union all select memo from code_text union all "
        "select memo from annotation") if t}
    texts |= {part.rsplit("\n(", 1)[0] for (t,) in db.execute("select memo from source") if t
              for part in t.split("\n\n")}
    memos = {}
    for memo in want["memos"]:
        about = {"entry": "entries"}.get(memo["about_kind"], memo["about_kind"] + "s")
        memos.setdefault(f"memos about {about}", []).append(memo["text"])
    memos["coding memos (--memo)"] = want["coding_memos"]
    cases = dict(db.execute("select caseid, name from cases"))
    names = dict(db.execute("select id, name from source"))
    links = {(cases[c], f) for c, f in db.execute("select caseid, fid from case_text") if c in cases}
    wanted_links = {(p, source_ids.get(e)) for p, e in want["links"]}
    participants = dict(db.execute(
        "select id, value from attribute where attr_type='file' and name='participants'"))
    named = sum(
        1 for p, e in want["links"]
        if p in (participants.get(source_ids.get(e)) or "").split(", "))
    return {
        "sources": (sum(1 for g, e in want["entries"].items()
                        if fulltext.get(source_ids.get(g)) == e["body"]), len(want["entries"])),
        "codes": (len(importer.codes), len(want["codes"])),
        "codings": (codings_arrived, len(want["codings"])),
        "codings with the right text": (text_right, len(want["codings"])),
        "highlights on the right text": (highlight_right, len(want["codings"])),
        "highlights right in sources beyond U+FFFF": (
            astral_highlights, astral_codings, f"{len(astral)} sources"),
        **{kind: (sum(text in texts for text in wanted), len(wanted))
           for kind, wanted in sorted(memos.items())},
        "cases": (len(cases), len({p for p, _ in want["links"]})),
        "case -> source links": (len(links & wanted_links), len(wanted_links)),
        "case -> source links named in the participants variable": (named, len(want["links"])),
        "journals": (db.execute("select count(*) from journal").fetchone()[0],),
        "names": names,
    }


def main():
    qualcoder, binary, study, work = (Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4]))
    work.mkdir(parents=True, exist_ok=True)
    journal = make_journal(binary, study, work)
    want = expected(binary, journal)
    # A code path in fieldlog's codings export; QualCoder knows codes by GUID (the code's id).
    codebook = {c["path"]: c["id"] for c in want["codes"]}
    for coding in want["codings"]:
        coding["code_id"] = codebook[coding["code_path"]]

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not callable(getattr(builtins, "_", None)):
        builtins._ = gettext.gettext
    sys.path.insert(0, str(qualcoder / "src"))
    from PyQt6 import QtGui, QtWidgets
    application = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    from qualcoder import refi

    class Message:
        """QualCoder's message box, which would wait for a click: noted, not shown."""
        shown = []

        def __init__(self, app, title, text, *rest):
            Message.shown.append(f"{title}: {text}")

        def exec(self):
            return 0

    refi.Message = Message
    results = {}
    for offsets in ("codepoints", "utf16"):
        qdpx = work / f"{offsets}.qdpx"
        args = ["export", "qdpx", "-o", str(qdpx)]
        if offsets == "utf16":
            args += ["--offsets", "utf16"]
        exported = subprocess.run([binary, *args, "--journal", journal],
                                  capture_output=True, text=True)
        print(f"== export {' '.join(args[1:])}: exit {exported.returncode}")
        print("   " + exported.stderr.strip().replace("\n", "\n   "))
        if exported.returncode != 0:
            continue
        db, importer, log = import_into_qualcoder(
            qualcoder, qdpx, work / f"qualcoder-{offsets}.qda", refi, QtWidgets)
        results[offsets] = count(db, importer, want, QtGui)
        for name, value in results[offsets].items():
            if name != "names":
                print(f"   {name}: {' of '.join(map(str, value[:2]))}"
                      + (f" ({value[2]})" if len(value) > 2 else ""))
    del application

    checks = []

    def check(name, ok):
        checks.append(ok)
        print(f"{'ok' if ok else 'FAILED'}: {name}")

    def whole(offsets, name):
        value = results.get(offsets, {}).get(name)
        return value is not None and value[0] == value[1] and value[1] > 0

    for offsets in ("codepoints", "utf16"):
        check(f"{offsets}: the export is imported", offsets in results)
        for name in ("sources", "codes", "codings", "cases",
                     "case -> source links named in the participants variable"):
            check(f"{offsets}: all {name} arrive", whole(offsets, name))
        for name in sorted(n for n in results.get(offsets, {"memos": 0}) if "memo" in n):
            check(f"{offsets}: all {name} arrive", whole(offsets, name))
    check("codepoints: every coding holds the text it codes",
          whole("codepoints", "codings with the right text"))
    check("utf16: every highlight covers the coded text, emoji or not",
          whole("utf16", "highlights on the right text"))
    failed = checks.count(False)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
