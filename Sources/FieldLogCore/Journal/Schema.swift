import GRDB

/// The journal's schema, as named GRDB migrations that are never edited once released.
///
/// Each migration is the literal SQL it ran when it was released and reads no shared constant, so
/// that a journal made today takes the very steps an old one took. What today's code expects of
/// the schema (the guards `verify` insists on, the projection tables) is `SchemaExpectations`.
///
/// `Schemas/journal.sql` mirrors the schema a new journal gets; `SchemaTests` fails when they drift.
enum Schema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-journal") { db in
      // `position` is the order this file received its events: rebuild replays in it. Every table
      // is STRICT, so a value of the wrong type cannot be stored to trip a reader later.
      try db.execute(
        sql: """
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
          CREATE TABLE payload (
            commitment BLOB PRIMARY KEY CHECK (length(commitment) = 32),
            salt BLOB NOT NULL CHECK (length(salt) = 32),
            json TEXT NOT NULL CHECK (json_valid(json))
          ) STRICT;
          CREATE UNIQUE INDEX event_by_hash ON event(hash);
          CREATE INDEX event_by_subject ON event(subject);
          CREATE INDEX event_by_commitment ON event(commitment);
          CREATE INDEX event_by_target ON event(target) WHERE target IS NOT NULL;
          CREATE TABLE local (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
          ) STRICT;
          CREATE TABLE writer (
            feed TEXT PRIMARY KEY,
            author TEXT NOT NULL,
            study TEXT NOT NULL,
            description TEXT,
            opened_at TEXT NOT NULL
          ) STRICT;
          CREATE TABLE neighbourhood (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            folded TEXT NOT NULL UNIQUE,
            description TEXT
          ) STRICT;
          CREATE TABLE initiative (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            folded TEXT NOT NULL,
            neighbourhood_id TEXT NOT NULL REFERENCES neighbourhood(id),
            description TEXT,
            UNIQUE (neighbourhood_id, folded)
          ) STRICT;
          CREATE TABLE question (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL CHECK (code <> ''),
            folded TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL
          ) STRICT;
          CREATE TABLE code (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            folded TEXT NOT NULL,
            parent_id TEXT REFERENCES code(id),
            description TEXT,
            color TEXT CHECK (color IS NULL OR color GLOB '#[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]')
          ) STRICT;
          CREATE UNIQUE INDEX code_sibling_name ON code(ifnull(parent_id, ''), folded);
          CREATE TABLE entry (
            key INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE CHECK (length(id) = 36 AND id = lower(id)),
            kind TEXT NOT NULL
              CHECK (kind IN ('observation', 'network-conversation', 'interview', 'nabije-kennis')),
            title TEXT NOT NULL CHECK (title <> ''),
            body TEXT NOT NULL,
            neighbourhood_id TEXT NOT NULL REFERENCES neighbourhood(id),
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
            redaction_reason TEXT
          ) STRICT;
          CREATE INDEX entry_by_time ON entry(occurred_utc, recorded_at);
          CREATE INDEX entry_by_neighbourhood ON entry(neighbourhood_id, occurred_utc);
          CREATE TABLE entry_question (
            entry_id TEXT NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL REFERENCES question(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (entry_id, question_id)
          ) WITHOUT ROWID, STRICT;
          CREATE INDEX entry_question_by_question ON entry_question(question_id);
          CREATE TABLE entry_tag (
            entry_id TEXT NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            folded TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (entry_id, folded)
          ) WITHOUT ROWID, STRICT;
          CREATE INDEX entry_tag_by_tag ON entry_tag(folded);
          CREATE TABLE entry_participant (
            entry_id TEXT NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
            pseudonym TEXT NOT NULL,
            role TEXT,
            position INTEGER NOT NULL,
            PRIMARY KEY (entry_id, pseudonym)
          ) WITHOUT ROWID, STRICT;
          CREATE TABLE participant (
            id TEXT PRIMARY KEY,
            pseudonym TEXT NOT NULL,
            folded TEXT NOT NULL UNIQUE,
            role TEXT,
            neighbourhood_id TEXT REFERENCES neighbourhood(id),
            added_at TEXT NOT NULL
          ) STRICT;
          CREATE TABLE consent (
            participant_id TEXT NOT NULL REFERENCES participant(id),
            scope TEXT NOT NULL CHECK (scope IN ('recording', 'quotation', 'archive')),
            state TEXT NOT NULL CHECK (state IN ('given', 'withdrawn')),
            form TEXT CHECK (form IS NULL OR form IN ('written', 'verbal')),
            date TEXT NOT NULL,
            PRIMARY KEY (participant_id, scope)
          ) WITHOUT ROWID, STRICT;
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
          CREATE INDEX coding_by_entry ON coding(entry_id);
          CREATE INDEX coding_by_code ON coding(code_id);
          CREATE TABLE memo (
            id TEXT PRIMARY KEY,
            about_id TEXT NOT NULL,
            about_kind TEXT NOT NULL CHECK (about_kind IN ('entry', 'code', 'coding')),
            text TEXT NOT NULL,
            author TEXT NOT NULL,
            written_at TEXT NOT NULL
          ) STRICT;
          CREATE INDEX memo_by_about ON memo(about_id);
          -- Its rowid is entry.key.
          CREATE VIRTUAL TABLE entry_fts USING fts5(
            title, body, tokenize = 'unicode61 remove_diacritics 2'
          );
          CREATE TRIGGER event_no_delete BEFORE DELETE ON event
          BEGIN SELECT RAISE(ABORT, 'fieldlog: events are append-only and cannot be deleted'); END;
          CREATE TRIGGER event_no_replace BEFORE INSERT ON event
          WHEN EXISTS (SELECT 1 FROM event WHERE (feed = NEW.feed AND seq = NEW.seq) OR hash = NEW.hash)
          BEGIN SELECT RAISE(ABORT, 'fieldlog: an event with this feed and seq or hash exists and cannot be replaced'); END;
          CREATE TRIGGER event_no_update BEFORE UPDATE ON event
          BEGIN SELECT RAISE(ABORT, 'fieldlog: events are append-only and cannot be updated'); END;
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
          """)
    }
    // Signed feeds and merging. A code's name may now meet another code's of a different id (two
    // journals merged); `conflicts` lists such pairs, so the projection must be able to hold them.
    migrator.registerMigration("v2-signed-feeds") { db in
      try db.execute(
        sql: """
          CREATE TABLE feed_key (
            feed TEXT PRIMARY KEY CHECK (length(feed) = 36 AND feed = lower(feed)),
            public_key BLOB NOT NULL CHECK (length(public_key) = 32)
          ) STRICT;
          CREATE TABLE signature (
            hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
            signature BLOB NOT NULL CHECK (length(signature) = 64)
          ) STRICT;
          CREATE TRIGGER feed_key_no_delete BEFORE DELETE ON feed_key
          BEGIN SELECT RAISE(ABORT, 'fieldlog: the public key of a feed cannot be deleted'); END;
          CREATE TRIGGER feed_key_no_replace BEFORE INSERT ON feed_key
          WHEN EXISTS (SELECT 1 FROM feed_key WHERE feed = NEW.feed)
          BEGIN SELECT RAISE(ABORT, 'fieldlog: the public key of this feed exists and cannot be replaced'); END;
          CREATE TRIGGER feed_key_no_update BEFORE UPDATE ON feed_key
          BEGIN SELECT RAISE(ABORT, 'fieldlog: the public key of a feed cannot be changed'); END;
          CREATE TRIGGER signature_no_delete BEFORE DELETE ON signature
          BEGIN SELECT RAISE(ABORT, 'fieldlog: signatures cannot be deleted'); END;
          CREATE TRIGGER signature_no_replace BEFORE INSERT ON signature
          WHEN EXISTS (SELECT 1 FROM signature WHERE hash = NEW.hash)
          BEGIN SELECT RAISE(ABORT, 'fieldlog: a signature for this event exists and cannot be replaced'); END;
          CREATE TRIGGER signature_no_update BEFORE UPDATE ON signature
          BEGIN SELECT RAISE(ABORT, 'fieldlog: signatures cannot be updated'); END;
          DROP INDEX code_sibling_name;
          CREATE INDEX code_by_sibling_name ON code(ifnull(parent_id, ''), folded);
          CREATE TABLE entry_conflict (
            entry_id TEXT NOT NULL REFERENCES entry(id),
            event_hash BLOB NOT NULL CHECK (length(event_hash) = 32),
            PRIMARY KEY (entry_id, event_hash)
          ) WITHOUT ROWID, STRICT;
          CREATE TABLE merged (
            feed TEXT PRIMARY KEY,
            merged_at TEXT NOT NULL,
            source TEXT NOT NULL
          ) STRICT;
          """)
    }
    // The consent in force became the one dated last (a withdrawal wins on one day), instead of
    // the one recorded last: the consent projection is replayed under that rule (Projector).
    migrator.registerMigration(consentByDate) { db in
      try db.execute(
        sql: """
          DELETE FROM consent;
          INSERT INTO consent (participant_id, scope, state, form, date)
          SELECT e.subject, s.value,
            CASE e.type WHEN 'consent.given' THEN 'given' ELSE 'withdrawn' END,
            json_extract(p.json, '$.form'), json_extract(p.json, '$.date')
          FROM event e JOIN payload p ON p.commitment = e.commitment,
            json_each(p.json, '$.scopes') s
          WHERE e.type IN ('consent.given', 'consent.withdrawn')
          ORDER BY e.recorded_at, e.feed, e.seq
          ON CONFLICT (participant_id, scope)
          DO UPDATE SET state = excluded.state, form = excluded.form, date = excluded.date
          WHERE excluded.date > consent.date OR (excluded.date = consent.date
            AND (excluded.state = 'withdrawn' OR consent.state = 'given'));
          """)
    }
    // Search matches in `Text.matchFold`'s form (Turkish ı, look-alikes, ß ...), which FTS5's own
    // folding cannot give: the index now holds the folded title and body. Its rows are the folded
    // text of `entry`, so this step refills them with the fold of this version; a later change
    // to `Text.matchFold` needs a step like it.
    migrator.registerMigration(foldedSearch) { db in
      let rows = try Row.fetchAll(
        db, sql: "SELECT key, title, body FROM entry WHERE key IN (SELECT rowid FROM entry_fts)")
      try db.execute(sql: "DELETE FROM entry_fts")
      let insert = try db.makeStatement(
        sql: "INSERT INTO entry_fts (rowid, title, body) VALUES (?, ?, ?)")
      for row in rows {
        let title: String = row["title"]
        let body: String = row["body"]
        try insert.execute(arguments: [
          row["key"] as Int64, Text.matchFold(title), Text.matchFold(body),
        ])
      }
      try db.execute(sql: "INSERT INTO entry_fts (entry_fts) VALUES ('optimize')")
    }
    // What the real-name guard remembers of this installation (NameGuardMemory): the key files
    // the journal was used with, by fingerprint only, and the study's allowed ordinary words.
    migrator.registerMigration("v5-name-guard") { db in
      try db.execute(
        sql: """
          CREATE TABLE key_file_use (
            fingerprint TEXT PRIMARY KEY,
            first_used_at TEXT NOT NULL
          ) STRICT;
          CREATE TABLE allowed_word (
            folded TEXT PRIMARY KEY,
            word TEXT NOT NULL
          ) STRICT;
          """)
    }
    // The study's coders, its name and description as edited after init, and vocabulary items that
    // were removed. A removed item keeps its row: an entry merged in from a journal that still used
    // it must find it, so removal only hides it from new use and from `study show`.
    migrator.registerMigration("v6-coders-and-study-edits") { db in
      try db.execute(
        sql: """
          CREATE TABLE coder (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            folded TEXT NOT NULL UNIQUE,
            added_at TEXT NOT NULL
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
          """)
    }
    // Consent to share with the consortium (a team hub, partner institutions): a fourth scope.
    // And the events that reached this journal without their payload, because their writer's
    // participants had not consented to sharing (`withheld`): the one table of truth that a pull
    // or merge writes beside the events. SQLite cannot change a CHECK in place, so `consent` is
    // made anew with its rows (the old one renamed away first, so the new one's SQL names it
    // plainly, as the replay's temporary copies expect).
    migrator.registerMigration(sharing) { db in
      try db.execute(
        sql: """
          ALTER TABLE consent RENAME TO consent_v6;
          CREATE TABLE consent (
            participant_id TEXT NOT NULL REFERENCES participant(id),
            scope TEXT NOT NULL
              CHECK (scope IN ('recording', 'quotation', 'archive', 'share-consortium')),
            state TEXT NOT NULL CHECK (state IN ('given', 'withdrawn')),
            form TEXT CHECK (form IS NULL OR form IN ('written', 'verbal')),
            date TEXT NOT NULL,
            PRIMARY KEY (participant_id, scope)
          ) WITHOUT ROWID, STRICT;
          INSERT INTO consent SELECT participant_id, scope, state, form, date FROM consent_v6;
          DROP TABLE consent_v6;
          CREATE TABLE withheld (
            hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
            source TEXT NOT NULL
          ) STRICT;
          """)
    }
    // The participatory action-research loop (docs/par.md): cycles and their phases, reflections
    // (an entry kind without a neighbourhood), information-letter versions that consent names, a
    // fourth consent scope (member-check), member checks, and the study's retention and data
    // declarations. `entry` and `consent` are made anew for their CHECKs; the old ones are renamed
    // away with legacy_alter_table, so that the tables that reference them keep naming `entry`
    // and the new SQL reads `CREATE TABLE entry (` as the replay's temporary copies expect.
    migrator.registerMigration("v8-par-loop") { db in
      try db.execute(
        sql: """
          PRAGMA legacy_alter_table = ON;
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
          ALTER TABLE entry RENAME TO entry_v7;
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
          INSERT INTO entry (key, id, kind, title, body, neighbourhood_id, initiative_id, fields,
            occurred_at, occurred_utc, recorded_at, author, version, event_hash, retracted_at,
            retraction_reason, redaction_reason)
          SELECT key, id, kind, title, body, neighbourhood_id, initiative_id, fields, occurred_at,
            occurred_utc, recorded_at, author, version, event_hash, retracted_at,
            retraction_reason, redaction_reason
          FROM entry_v7;
          DROP TABLE entry_v7;
          CREATE INDEX entry_by_time ON entry(occurred_utc, recorded_at);
          CREATE INDEX entry_by_neighbourhood ON entry(neighbourhood_id, occurred_utc);
          ALTER TABLE consent RENAME TO consent_v7;
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
          INSERT INTO consent (participant_id, scope, state, form, date)
          SELECT participant_id, scope, state, form, date FROM consent_v7;
          DROP TABLE consent_v7;
          PRAGMA legacy_alter_table = OFF;
          ALTER TABLE memo ADD COLUMN cycle_id TEXT REFERENCES cycle(id);
          ALTER TABLE memo ADD COLUMN phase TEXT
            CHECK (phase IS NULL OR phase IN ('plan', 'act', 'observe', 'reflect'));
          ALTER TABLE memo ADD COLUMN shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1));
          CREATE TABLE letter (
            id TEXT PRIMARY KEY,
            version TEXT NOT NULL CHECK (version <> ''),
            folded TEXT NOT NULL UNIQUE,
            date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
          ) STRICT;
          CREATE TABLE consent_letter (
            participant_id TEXT NOT NULL REFERENCES participant(id),
            letter TEXT NOT NULL,
            date TEXT NOT NULL,
            PRIMARY KEY (participant_id, letter, date)
          ) WITHOUT ROWID, STRICT;
          INSERT OR IGNORE INTO consent_letter (participant_id, letter, date)
          SELECT e.subject, ifnull(lower(json_extract(p.json, '$.letter')), ''),
            json_extract(p.json, '$.date')
          FROM event e JOIN payload p ON p.commitment = e.commitment
          WHERE e.type = 'consent.given';
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
          CREATE INDEX member_check_by_participant ON member_check(participant_id, date);
          CREATE TABLE data_management (
            field TEXT PRIMARY KEY CHECK (field IN ('study_end', 'research_data_until',
              'research_data_years', 'key_file_until', 'sensitive_data')),
            value TEXT NOT NULL
          ) STRICT;
          """)
    }
    // Networks (issue 19): who is around a participant, and their ties over time. A tie's rows
    // are its history, one per event; its state on a day is worked out on reading.
    migrator.registerMigration("v9-networks") { db in
      try db.execute(
        sql: """
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
          CREATE INDEX network_tie_by_network ON network_tie(network_id, tie_id, date);
          """)
    }
    return migrator
  }

  static let sharing = "v7-sharing-consent"
  static let consentByDate = "v3-consent-by-date"
  static let foldedSearch = "v4-folded-search"

  /// Projection tables whose rule changed in a schema step this journal has not taken yet (it is
  /// read without being upgraded, e.g. by `verify`): a replay under today's rule may differ from
  /// them without anything being wrong.
  static func projectionsDerivedDifferently(_ db: Database) throws -> Set<String> {
    let applied = try migrator.appliedIdentifiers(db)
    var tables: Set<String> = []
    if !applied.contains(consentByDate) { tables.insert("consent") }
    if !applied.contains(foldedSearch) { tables.insert("entry_fts") }
    return tables
  }
}
