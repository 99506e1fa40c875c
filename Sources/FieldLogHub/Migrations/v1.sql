-- fieldlog-hub schema, version 1. Frozen once released: a change is a new file (v2.sql).
-- Every table is the truth or keyed by it; the hub holds no state outside PostgreSQL.
CREATE TABLE study (
  name text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE member (
  study text NOT NULL REFERENCES study (name),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('coordinator', 'fieldworker', 'analyst', 'reader')),
  token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
  expires timestamptz NOT NULL,
  revoked timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (study, name)
);
CREATE TABLE feed (
  id uuid PRIMARY KEY,
  study text NOT NULL REFERENCES study (name),
  public_key bytea NOT NULL CHECK (length(public_key) = 32),
  owner text NOT NULL,
  head_seq bigint NOT NULL CHECK (head_seq >= 0),
  head_hash bytea NOT NULL CHECK (length(head_hash) = 32),
  -- Pushed first by a coordinator relaying a colleague's journal: the first member who pushes
  -- it afterwards (its writer) becomes its owner.
  relayed boolean NOT NULL DEFAULT false,
  FOREIGN KEY (study, owner) REFERENCES member (study, name)
);
CREATE INDEX feed_study ON feed (study);
CREATE TABLE event (
  feed uuid NOT NULL REFERENCES feed (id),
  seq bigint NOT NULL CHECK (seq >= 1),
  prev bytea NOT NULL,
  hash bytea NOT NULL UNIQUE,
  signature bytea,
  type text NOT NULL,
  subject uuid NOT NULL,
  target bytea,
  commitment bytea NOT NULL,
  recorded_at text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (feed, seq)
);
CREATE INDEX event_target ON event (target) WHERE target IS NOT NULL;
-- A payload belongs to its study: a pull serves only the study's own.
CREATE TABLE payload (
  study text NOT NULL REFERENCES study (name),
  commitment bytea NOT NULL,
  salt bytea NOT NULL,
  bytes bytea NOT NULL,
  PRIMARY KEY (study, commitment)
);
