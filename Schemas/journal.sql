-- The schema of a new fieldlog journal (format 1), as SQLite stores it.
-- Generated from a new journal; SchemaTests fails when this file and the code drift apart.
-- docs/journal-format.md explains the event, payload and feed tables; the rest are projections.
PRAGMA application_id = 1179406151;
PRAGMA journal_mode = WAL;

CREATE TABLE allowed_word (
  folded TEXT PRIMARY KEY,
  word TEXT NOT NULL
) STRICT;

CREATE TABLE code (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (name <> ''),
  folded TEXT NOT NULL,
  parent_id TEXT REFERENCES code(id),
  description TEXT,
  color TEXT CHECK (color IS NULL OR color GLOB '#[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]')
) STRICT;

CREATE TABLE coder (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (name <> ''),
  folded TEXT NOT NULL UNIQUE,
  added_at TEXT NOT NULL
) STRICT;

CREATE TABLE coding (
  id TEXT PRIMARY KEY,
  entry_id TEXT NOT NULL REFERENCES entry(id),
  code_id TEXT NOT NULL REFERENCES code(id),
  start_offset INTEGER,
  end_offset INTEGER,
  quote TEXT,
  memo TEXT,
  coder TEXT NOT NULL,
  coded_at TEXT NOT NULL,
  orphaned INTEGER NOT NULL DEFAULT 0 CHECK (orphaned IN (0, 1)),
  CHECK ((start_offset IS NULL) = (end_offset IS NULL)),
  CHECK (start_offset IS NULL OR (start_offset >= 0 AND end_offset > start_offset))
) STRICT;

CREATE TABLE consent (
  participant_id TEXT NOT NULL REFERENCES participant(id),
  scope TEXT NOT NULL CHECK (scope IN ('recording', 'quotation', 'archive',
    'share-consortium', 'member-check')),
  state TEXT NOT NULL CHECK (state IN ('given', 'withdrawn')),
  form TEXT CHECK (form IS NULL OR form IN ('written', 'verbal')),
  date TEXT NOT NULL,
  letter TEXT,
  PRIMARY KEY (participant_id, scope)
) WITHOUT ROWID, STRICT;

CREATE TABLE consent_letter (
  participant_id TEXT NOT NULL REFERENCES participant(id),
  letter TEXT NOT NULL,
  date TEXT NOT NULL,
  PRIMARY KEY (participant_id, letter, date)
) WITHOUT ROWID, STRICT;

CREATE TABLE cycle (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL CHECK (code <> ''),
  folded TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL CHECK (name <> ''),
  starts TEXT NOT NULL CHECK (starts GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  ends TEXT NOT NULL
    CHECK (ends GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND ends >= starts),
  neighbourhood_id TEXT REFERENCES neighbourhood(id),
  initiative_id TEXT REFERENCES initiative(id)
) STRICT;

CREATE TABLE data_management (
  field TEXT PRIMARY KEY CHECK (field IN ('study_end', 'research_data_until',
    'research_data_years', 'key_file_until', 'sensitive_data')),
  value TEXT NOT NULL
) STRICT;

CREATE TABLE entry (
  key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE CHECK (length(id) = 36 AND id = lower(id)),
  kind TEXT NOT NULL
    CHECK (kind IN ('observation', 'network-conversation', 'interview', 'nabije-kennis',
      'reflection')),
  title TEXT NOT NULL CHECK (title <> ''),
  body TEXT NOT NULL,
  neighbourhood_id TEXT REFERENCES neighbourhood(id),
  initiative_id TEXT REFERENCES initiative(id),
  fields TEXT NOT NULL CHECK (json_valid(fields)),
  occurred_at TEXT NOT NULL,
  occurred_utc TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  author TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  event_hash BLOB NOT NULL,
  retracted_at TEXT,
  retraction_reason TEXT,
  redaction_reason TEXT,
  cycle_id TEXT REFERENCES cycle(id),
  phase TEXT CHECK (phase IS NULL OR phase IN ('plan', 'act', 'observe', 'reflect')),
  CHECK (neighbourhood_id IS NOT NULL OR kind = 'reflection')
) STRICT;

CREATE TABLE entry_conflict (
  entry_id TEXT NOT NULL REFERENCES entry(id),
  event_hash BLOB NOT NULL CHECK (length(event_hash) = 32),
  PRIMARY KEY (entry_id, event_hash)
) WITHOUT ROWID, STRICT;

CREATE VIRTUAL TABLE entry_fts USING fts5(
  title, body, tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE entry_participant (
  entry_id TEXT NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  pseudonym TEXT NOT NULL,
  role TEXT,
  position INTEGER NOT NULL,
  PRIMARY KEY (entry_id, pseudonym)
) WITHOUT ROWID, STRICT;

CREATE TABLE entry_question (
  entry_id TEXT NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  question_id TEXT NOT NULL REFERENCES question(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (entry_id, question_id)
) WITHOUT ROWID, STRICT;

CREATE TABLE entry_tag (
  entry_id TEXT NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  folded TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (entry_id, folded)
) WITHOUT ROWID, STRICT;

CREATE TABLE event (
  position INTEGER PRIMARY KEY,
  feed TEXT NOT NULL CHECK (length(feed) = 36 AND feed = lower(feed)),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  prev BLOB NOT NULL CHECK (length(prev) = 32),
  recorded_at TEXT NOT NULL,
  type TEXT NOT NULL,
  subject TEXT NOT NULL CHECK (length(subject) = 36 AND subject = lower(subject)),
  target BLOB CHECK (target IS NULL OR length(target) = 32),
  commitment BLOB NOT NULL CHECK (length(commitment) = 32),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  UNIQUE (feed, seq)
) STRICT;

CREATE TABLE feed (
  id TEXT PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id)),
  head_seq INTEGER NOT NULL CHECK (head_seq >= 1),
  head_hash BLOB NOT NULL CHECK (length(head_hash) = 32)
) STRICT;

CREATE TABLE feed_key (
  feed TEXT PRIMARY KEY CHECK (length(feed) = 36 AND feed = lower(feed)),
  public_key BLOB NOT NULL CHECK (length(public_key) = 32)
) STRICT;

CREATE TABLE initiative (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (name <> ''),
  folded TEXT NOT NULL,
  neighbourhood_id TEXT NOT NULL REFERENCES neighbourhood(id),
  description TEXT,
  UNIQUE (neighbourhood_id, folded)
) STRICT;

CREATE TABLE key_file_use (
  fingerprint TEXT PRIMARY KEY,
  first_used_at TEXT NOT NULL
) STRICT;

CREATE TABLE letter (
  id TEXT PRIMARY KEY,
  version TEXT NOT NULL CHECK (version <> ''),
  folded TEXT NOT NULL UNIQUE,
  date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
) STRICT;

CREATE TABLE local (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE member_check (
  id TEXT PRIMARY KEY,
  participant_id TEXT NOT NULL REFERENCES participant(id),
  response TEXT NOT NULL
    CHECK (response IN ('agrees', 'amends', 'disagrees', 'no-response')),
  text TEXT NOT NULL,
  entry_id TEXT REFERENCES entry(id),
  version INTEGER CHECK (version IS NULL OR version >= 1),
  cycle_id TEXT REFERENCES cycle(id),
  date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  author TEXT NOT NULL,
  recorded_at TEXT NOT NULL
) STRICT;

CREATE TABLE memo (
  id TEXT PRIMARY KEY,
  about_id TEXT NOT NULL,
  about_kind TEXT NOT NULL CHECK (about_kind IN ('entry', 'code', 'coding')),
  text TEXT NOT NULL,
  author TEXT NOT NULL,
  written_at TEXT NOT NULL
, cycle_id TEXT REFERENCES cycle(id), phase TEXT
  CHECK (phase IS NULL OR phase IN ('plan', 'act', 'observe', 'reflect')), shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1))) STRICT;

CREATE TABLE merged (
  feed TEXT PRIMARY KEY,
  merged_at TEXT NOT NULL,
  source TEXT NOT NULL
) STRICT;

CREATE TABLE neighbourhood (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (name <> ''),
  folded TEXT NOT NULL UNIQUE,
  description TEXT
) STRICT;

CREATE TABLE network_member (
  id TEXT PRIMARY KEY,
  network_id TEXT NOT NULL REFERENCES participant(id),
  member TEXT NOT NULL CHECK (member <> ''),
  folded TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('client', 'family', 'friend', 'neighbour',
    'volunteer', 'professional', 'faith-community', 'other')),
  formal INTEGER NOT NULL CHECK (formal IN (0, 1)),
  initiative_id TEXT REFERENCES initiative(id),
  since TEXT NOT NULL CHECK (since GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  note TEXT,
  author TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  event_hash BLOB NOT NULL UNIQUE,
  UNIQUE (network_id, folded)
) STRICT;

CREATE TABLE network_tie (
  event_hash BLOB PRIMARY KEY,
  tie_id TEXT NOT NULL,
  network_id TEXT NOT NULL REFERENCES participant(id),
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('support', 'contact', 'conflict', 'referral')),
  strength INTEGER CHECK (strength IS NULL OR strength BETWEEN 1 AND 3),
  direction TEXT NOT NULL CHECK (direction IN ('none', 'a>b', 'b>a', 'mutual')),
  date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  ended INTEGER NOT NULL CHECK (ended IN (0, 1)),
  entry_id TEXT,
  author TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  CHECK (a < b),
  CHECK (ended = 1 OR strength IS NOT NULL)
) STRICT;

CREATE TABLE participant (
  id TEXT PRIMARY KEY,
  pseudonym TEXT NOT NULL,
  folded TEXT NOT NULL UNIQUE,
  role TEXT,
  neighbourhood_id TEXT REFERENCES neighbourhood(id),
  added_at TEXT NOT NULL
) STRICT;

CREATE TABLE payload (
  commitment BLOB PRIMARY KEY CHECK (length(commitment) = 32),
  salt BLOB NOT NULL CHECK (length(salt) = 32),
  json TEXT NOT NULL CHECK (json_valid(json))
) STRICT;

CREATE TABLE question (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL CHECK (code <> ''),
  folded TEXT NOT NULL UNIQUE,
  text TEXT NOT NULL
) STRICT;

CREATE TABLE signature (
  hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
  signature BLOB NOT NULL CHECK (length(signature) = 64)
) STRICT;

CREATE TABLE study_profile (
  field TEXT PRIMARY KEY CHECK (field IN ('name', 'description')),
  value TEXT
) STRICT;

CREATE TABLE vocabulary_removed (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('neighbourhood', 'initiative', 'question')),
  removed_at TEXT NOT NULL
) STRICT;

CREATE TABLE withheld (
  hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
  source TEXT NOT NULL
) STRICT;

CREATE TABLE writer (
  feed TEXT PRIMARY KEY,
  author TEXT NOT NULL,
  study TEXT NOT NULL,
  description TEXT,
  opened_at TEXT NOT NULL
) STRICT;

CREATE INDEX code_by_sibling_name ON code(ifnull(parent_id, ''), folded);

CREATE INDEX coding_by_code ON coding(code_id);

CREATE INDEX coding_by_entry ON coding(entry_id);

CREATE INDEX entry_by_neighbourhood ON entry(neighbourhood_id, occurred_utc);

CREATE INDEX entry_by_time ON entry(occurred_utc, recorded_at);

CREATE INDEX entry_question_by_question ON entry_question(question_id);

CREATE INDEX entry_tag_by_tag ON entry_tag(folded);

CREATE INDEX event_by_commitment ON event(commitment);

CREATE UNIQUE INDEX event_by_hash ON event(hash);

CREATE INDEX event_by_subject ON event(subject);

CREATE INDEX event_by_target ON event(target) WHERE target IS NOT NULL;

CREATE INDEX member_check_by_participant ON member_check(participant_id, date);

CREATE INDEX memo_by_about ON memo(about_id);

CREATE INDEX network_tie_by_network ON network_tie(network_id, tie_id, date);

CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN SELECT RAISE(ABORT, 'fieldlog: events are append-only and cannot be deleted'); END;

CREATE TRIGGER event_no_replace BEFORE INSERT ON event
WHEN EXISTS (SELECT 1 FROM event WHERE (feed = NEW.feed AND seq = NEW.seq) OR hash = NEW.hash)
BEGIN SELECT RAISE(ABORT, 'fieldlog: an event with this feed and seq or hash exists and cannot be replaced'); END;

CREATE TRIGGER event_no_update BEFORE UPDATE ON event
BEGIN SELECT RAISE(ABORT, 'fieldlog: events are append-only and cannot be updated'); END;

CREATE TRIGGER feed_key_no_delete BEFORE DELETE ON feed_key
BEGIN SELECT RAISE(ABORT, 'fieldlog: the public key of a feed cannot be deleted'); END;

CREATE TRIGGER feed_key_no_replace BEFORE INSERT ON feed_key
WHEN EXISTS (SELECT 1 FROM feed_key WHERE feed = NEW.feed)
BEGIN SELECT RAISE(ABORT, 'fieldlog: the public key of this feed exists and cannot be replaced'); END;

CREATE TRIGGER feed_key_no_update BEFORE UPDATE ON feed_key
BEGIN SELECT RAISE(ABORT, 'fieldlog: the public key of a feed cannot be changed'); END;

CREATE TRIGGER payload_delete_only_redacted BEFORE DELETE ON payload
WHEN NOT EXISTS (
  SELECT 1 FROM event AS corrected JOIN event AS redaction ON redaction.target = corrected.hash
  WHERE corrected.commitment = OLD.commitment AND redaction.type = 'redaction')
BEGIN SELECT RAISE(ABORT, 'fieldlog: a payload can only be deleted by a redaction event'); END;

CREATE TRIGGER payload_no_replace BEFORE INSERT ON payload
WHEN EXISTS (SELECT 1 FROM payload WHERE commitment = NEW.commitment)
BEGIN SELECT RAISE(ABORT, 'fieldlog: a payload with this commitment exists and cannot be replaced'); END;

CREATE TRIGGER payload_no_update BEFORE UPDATE ON payload
BEGIN SELECT RAISE(ABORT, 'fieldlog: payloads cannot be updated'); END;

CREATE TRIGGER signature_no_delete BEFORE DELETE ON signature
BEGIN SELECT RAISE(ABORT, 'fieldlog: signatures cannot be deleted'); END;

CREATE TRIGGER signature_no_replace BEFORE INSERT ON signature
WHEN EXISTS (SELECT 1 FROM signature WHERE hash = NEW.hash)
BEGIN SELECT RAISE(ABORT, 'fieldlog: a signature for this event exists and cannot be replaced'); END;

CREATE TRIGGER signature_no_update BEFORE UPDATE ON signature
BEGIN SELECT RAISE(ABORT, 'fieldlog: signatures cannot be updated'); END;
