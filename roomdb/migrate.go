package roomdb

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The two roles of a room's database. Roles are per server (cluster), not
// per database, so one server holds one room's roles.
const (
	// OwnerRole owns the schema and its tables. Nobody logs in as it; the
	// administrator who runs Migrate becomes a member to create the tables.
	OwnerRole = "zoneconsole_owner"
	// ConsoleRole is what a console logs in as (or a login role granted
	// it): it may add audit rows and read them, never change or remove
	// them, and keep the room's presence tables.
	ConsoleRole = "zoneconsole_console"
)

// Schema is the schema that holds the room's tables.
const Schema = "room"

// migrateLock is the advisory lock key that serialises Migrate: two
// consoles started at once must not both apply version 1.
const migrateLock = 0x726f6f6d6d6967 // "roommig"

// migrations are applied in order, each once, as OwnerRole; version i+1 is
// migrations[i]. A released migration is never edited: a change is a new one.
var migrations = [...]string{
	// 1: the audit chain, presence and the change feed.
	`
CREATE TABLE room.audit (
	seq        bigint PRIMARY KEY CHECK (seq > 0),
	time_ns    bigint NOT NULL, -- hashed as UnixNano: timestamptz keeps only microseconds
	user_name  text NOT NULL,
	role       text NOT NULL,
	console    text NOT NULL,
	action     text NOT NULL,
	subject    text NOT NULL,
	just_kind  text NOT NULL,
	just_text  text NOT NULL,
	just_ref   text NOT NULL,
	auth_ref   text NOT NULL,
	outcome    text NOT NULL,
	reason     text NOT NULL,
	detail     text NOT NULL,
	prev_hash  bytea NOT NULL CHECK (length(prev_hash) = 32),
	hash       bytea NOT NULL UNIQUE CHECK (length(hash) = 32)
);
CREATE INDEX audit_time ON room.audit (time_ns);
CREATE INDEX audit_user ON room.audit (user_name, time_ns);
CREATE INDEX audit_subject ON room.audit (subject, time_ns);

-- Whoever appends must extend the chain: entry n names entry n-1's hash
-- (the first, 32 zero bytes). With the primary key this leaves one chain
-- with no gap and no fork whatever a client does; it cannot check the
-- hash itself (that is audit's encoding, verified by Verify).
CREATE FUNCTION room.audit_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.seq = 1 THEN
		IF NEW.prev_hash <> decode(repeat('00', 32), 'hex') THEN
			RAISE EXCEPTION 'audit entry 1 must link to the zero hash';
		END IF;
	ELSIF NOT EXISTS (SELECT 1 FROM room.audit WHERE seq = NEW.seq - 1 AND hash = NEW.prev_hash) THEN
		RAISE EXCEPTION 'audit entry % does not extend the chain: no entry % with its previous hash', NEW.seq, NEW.seq - 1;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER audit_link BEFORE INSERT ON room.audit FOR EACH ROW EXECUTE FUNCTION room.audit_link();

-- The console role has no UPDATE or DELETE grant; this refuses them to
-- the owner too (defence in depth: the owner can still drop the trigger,
-- which the chain's verification then has to catch).
CREATE FUNCTION room.audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'room.audit is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON room.audit FOR EACH ROW EXECUTE FUNCTION room.audit_refuse();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON room.audit FOR EACH STATEMENT EXECUTE FUNCTION room.audit_refuse();

-- Names are bounded so that a whole row always fits a notification
-- (8000 bytes): an oversized payload would fail the insert itself.
CREATE TABLE room.sessions (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	room       text NOT NULL CHECK (char_length(room) BETWEEN 1 AND 100),
	console    text NOT NULL CHECK (char_length(console) BETWEEN 1 AND 100),
	user_name  text NOT NULL CHECK (char_length(user_name) BETWEEN 1 AND 100),
	role       text NOT NULL CHECK (char_length(role) <= 100),
	started_at timestamptz NOT NULL DEFAULT now(),
	ended_at   timestamptz CHECK (ended_at >= started_at)
);
CREATE INDEX sessions_open ON room.sessions (room) WHERE ended_at IS NULL;

CREATE TABLE room.views (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	room       text NOT NULL CHECK (char_length(room) BETWEEN 1 AND 100),
	console    text NOT NULL CHECK (char_length(console) BETWEEN 1 AND 100),
	user_name  text NOT NULL CHECK (char_length(user_name) BETWEEN 1 AND 100),
	camera     text NOT NULL CHECK (char_length(camera) BETWEEN 1 AND 100),
	reason     text NOT NULL CHECK (char_length(reason) <= 500),
	session_id bigint REFERENCES room.sessions (id),
	started_at timestamptz NOT NULL DEFAULT now(),
	ended_at   timestamptz CHECK (ended_at >= started_at)
);
CREATE INDEX views_open ON room.views (room) WHERE ended_at IS NULL;

-- The change feed: every insert or update of a presence row is sent,
-- whole, on the channel named by the trigger's argument, at commit.
CREATE FUNCTION room.notify_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify(TG_ARGV[0], row_to_json(NEW)::text);
	RETURN NULL;
END $$;
CREATE TRIGGER sessions_notify AFTER INSERT OR UPDATE ON room.sessions
	FOR EACH ROW EXECUTE FUNCTION room.notify_row('` + string(ChannelSessions) + `');
CREATE TRIGGER views_notify AFTER INSERT OR UPDATE ON room.views
	FOR EACH ROW EXECUTE FUNCTION room.notify_row('` + string(ChannelViews) + `');

GRANT USAGE ON SCHEMA room TO ` + ConsoleRole + `;
GRANT SELECT ON room.schema_version TO ` + ConsoleRole + `;
GRANT SELECT, INSERT ON room.audit TO ` + ConsoleRole + `;
GRANT SELECT, INSERT, UPDATE (ended_at) ON room.sessions, room.views TO ` + ConsoleRole + `;
`,
	// 2: the review screen's indexes. Its page is "this user's (or this
	// camera's) entries in a period, newest first, 100 at a time", ordered
	// by (time_ns, seq) so that equal times page stably: with seq in the
	// index a backward scan yields the page in order and stops after 100
	// rows, whatever the period's size. They replace version 1's
	// (user_name, time_ns) and (subject, time_ns), of which they are a
	// superset.
	`
CREATE INDEX audit_user_review ON room.audit (user_name, time_ns, seq);
CREATE INDEX audit_subject_review ON room.audit (subject, time_ns, seq);
DROP INDEX room.audit_user;
DROP INDEX room.audit_subject;
`,
	// 3: the room's hits. Every console reads the plates of the cameras it
	// shows, so one vehicle on a hotlist is raised by each of them; the
	// room knows it as one hit (camera, list, listed plate, within a
	// minute) with one decision, taken by the first dispatcher to decide.
	// The decision columns are written once: the update that takes it
	// names status 'new', so a second dispatcher's finds nothing to take.
	`
CREATE TABLE room.hits (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	room            text NOT NULL CHECK (char_length(room) BETWEEN 1 AND 100),
	camera          text NOT NULL CHECK (char_length(camera) BETWEEN 1 AND 100),
	list            text NOT NULL CHECK (char_length(list) BETWEEN 1 AND 100),
	listed          text NOT NULL CHECK (char_length(listed) BETWEEN 1 AND 32),
	first_seen      timestamptz NOT NULL,
	raised_by       text NOT NULL CHECK (char_length(raised_by) BETWEEN 1 AND 100),
	status          text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'confirmed', 'rejected')),
	decided_by      text CHECK (char_length(decided_by) <= 100),
	decided_console text CHECK (char_length(decided_console) <= 100),
	decided_at      timestamptz,
	reason          text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 100),
	note            text NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
	CHECK ((status = 'new') = (decided_at IS NULL))
);
CREATE INDEX hits_vehicle ON room.hits (room, camera, list, listed, first_seen);
CREATE TRIGGER hits_notify AFTER UPDATE ON room.hits
	FOR EACH ROW EXECUTE FUNCTION room.notify_row('` + string(ChannelHits) + `');
GRANT SELECT, INSERT, UPDATE (status, decided_by, decided_console, decided_at, reason, note) ON room.hits TO ` + ConsoleRole + `;
`,
	// 4: patrol assignments. A unit sent by one console is claimed for the
	// room until a dispatcher frees it: the unique index lets only one
	// open claim per unit exist, so two dispatchers at two consoles
	// sending at once never send the same unit.
	`
CREATE TABLE room.patrol_claims (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	room        text NOT NULL CHECK (char_length(room) BETWEEN 1 AND 100),
	call_sign   text NOT NULL CHECK (char_length(call_sign) BETWEEN 1 AND 64),
	console     text NOT NULL CHECK (char_length(console) BETWEEN 1 AND 100),
	user_name   text NOT NULL CHECK (char_length(user_name) BETWEEN 1 AND 100),
	hit         text NOT NULL DEFAULT '' CHECK (char_length(hit) <= 100),
	lat         double precision NOT NULL,
	lon         double precision NOT NULL,
	claimed_at  timestamptz NOT NULL DEFAULT now(),
	released_at timestamptz CHECK (released_at >= claimed_at)
);
CREATE UNIQUE INDEX patrol_claims_open ON room.patrol_claims (room, call_sign) WHERE released_at IS NULL;
CREATE TRIGGER patrol_claims_notify AFTER INSERT OR UPDATE ON room.patrol_claims
	FOR EACH ROW EXECUTE FUNCTION room.notify_row('` + string(ChannelPatrols) + `');
GRANT SELECT, INSERT, UPDATE (released_at) ON room.patrol_claims TO ` + ConsoleRole + `;
`,
	// 5: municipal operators' live grants, given by a team chief at one
	// console and in force at all. A console may only shorten a grant
	// (revoke it), never lengthen one: the trigger refuses.
	`
CREATE TABLE room.grants (
	id          text PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 64),
	room        text NOT NULL CHECK (char_length(room) BETWEEN 1 AND 100),
	to_user     text NOT NULL CHECK (char_length(to_user) BETWEEN 1 AND 100),
	by_user     text NOT NULL CHECK (char_length(by_user) BETWEEN 1 AND 100),
	console     text NOT NULL CHECK (char_length(console) BETWEEN 1 AND 100),
	cameras     text[] NOT NULL CHECK (cardinality(cameras) BETWEEN 1 AND 1000),
	valid_from  timestamptz NOT NULL,
	valid_until timestamptz NOT NULL CHECK (valid_until >= valid_from),
	reason      text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 2000)
);
CREATE INDEX grants_room ON room.grants (room, valid_until);
CREATE FUNCTION room.grant_only_shorter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.valid_until > OLD.valid_until THEN
		RAISE EXCEPTION 'room.grants: a grant is never lengthened (grant %)', OLD.id USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER grants_only_shorter BEFORE UPDATE ON room.grants
	FOR EACH ROW EXECUTE FUNCTION room.grant_only_shorter();
CREATE TRIGGER grants_notify AFTER INSERT OR UPDATE ON room.grants
	FOR EACH ROW EXECUTE FUNCTION room.notify_row('` + string(ChannelGrants) + `');
GRANT SELECT, INSERT, UPDATE (valid_until) ON room.grants TO ` + ConsoleRole + `;
`,
	// 6: the room's accounts. Each console keeps its own account store
	// (logins, back-off) and copies every change to and from here, so an
	// account made, disabled or re-roled at one console is so at all; the
	// newest change wins (changed_ns), deletions stay as tombstones.
	`
CREATE TABLE room.accounts (
	room         text NOT NULL CHECK (char_length(room) BETWEEN 1 AND 100),
	name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
	full_name    text NOT NULL DEFAULT '' CHECK (char_length(full_name) <= 200),
	role         text NOT NULL DEFAULT '' CHECK (char_length(role) <= 64),
	municipality text NOT NULL DEFAULT '' CHECK (char_length(municipality) <= 100),
	disabled     boolean NOT NULL DEFAULT false,
	pw_hash      text NOT NULL DEFAULT '' CHECK (char_length(pw_hash) <= 500),
	changed_ns   bigint NOT NULL,
	deleted      boolean NOT NULL DEFAULT false,
	console      text NOT NULL CHECK (char_length(console) BETWEEN 1 AND 100),
	PRIMARY KEY (room, name)
);
CREATE TRIGGER accounts_notify AFTER INSERT OR UPDATE ON room.accounts
	FOR EACH ROW EXECUTE FUNCTION room.notify_row('` + string(ChannelAccounts) + `');
GRANT SELECT, INSERT, UPDATE ON room.accounts TO ` + ConsoleRole + `;
`,
	// 7: finished virtual patrol reports, so the team chief reads every
	// console's rounds (the console keeps its own copy, snapshots and all).
	`
CREATE TABLE room.round_reports (
	room       text NOT NULL CHECK (char_length(room) BETWEEN 1 AND 100),
	run_id     text NOT NULL CHECK (char_length(run_id) BETWEEN 1 AND 100),
	console    text NOT NULL CHECK (char_length(console) BETWEEN 1 AND 100),
	started_at timestamptz NOT NULL,
	report     jsonb NOT NULL,
	PRIMARY KEY (room, run_id)
);
CREATE INDEX round_reports_started ON room.round_reports (room, started_at);
GRANT SELECT, INSERT ON room.round_reports TO ` + ConsoleRole + `;
`,
}

// SchemaVersion is the version Migrate brings a database to.
const SchemaVersion = len(migrations)

// Migrate creates or upgrades the room's schema in the database at dsn,
// which names an administrator: a superuser, or a role with CREATEROLE
// that owns the database. It creates the two roles when missing (the
// console role without a password: the administrator sets one), the
// schema, and applies every migration not yet in room.schema_version, all
// in one transaction. Running it again changes nothing.
func Migrate(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("roomdb: migrate: connecting: %w", classify(err))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("roomdb: migrate: begin: %w", classify(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	from, err := prepare(ctx, tx)
	if err != nil {
		return fmt.Errorf("roomdb: migrate: %w", err)
	}
	for v := from + 1; v <= SchemaVersion; v++ {
		if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
			return fmt.Errorf("roomdb: migrate: applying version %d: %w", v, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO room.schema_version (version) VALUES ($1)", v); err != nil {
			return fmt.Errorf("roomdb: migrate: recording version %d: %w", v, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("roomdb: migrate: commit: %w", classify(err))
	}
	return nil
}

// prepare takes the migration lock, makes sure of the roles, the schema
// and schema_version, switches to the owner role and returns the version
// the database is at.
func prepare(ctx context.Context, tx pgx.Tx) (int, error) {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrateLock)); err != nil {
		return 0, fmt.Errorf("taking the migration lock: %w", classify(err))
	}
	for _, r := range [...]string{OwnerRole, ConsoleRole} {
		login := "NOLOGIN"
		if r == ConsoleRole {
			login = "LOGIN"
		}
		// Roles are shared by the server's databases and CREATE ROLE has
		// no IF NOT EXISTS: a concurrent creator elsewhere is not an error.
		q := fmt.Sprintf(`DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%[1]s') THEN
		CREATE ROLE %[1]s %[2]s;
	END IF;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$`, r, login)
		if _, err := tx.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("creating role %s: %w", r, err)
		}
	}
	// A non-superuser administrator must be a member of the owner to
	// create objects it owns (SET ROLE below).
	if _, err := tx.Exec(ctx, `DO $$ BEGIN
	IF NOT pg_has_role(current_user, '`+OwnerRole+`', 'MEMBER') THEN
		GRANT `+OwnerRole+` TO CURRENT_USER;
	END IF;
END $$`); err != nil {
		return 0, fmt.Errorf("joining role %s: %w", OwnerRole, err)
	}
	for _, q := range [...]string{
		"CREATE SCHEMA IF NOT EXISTS " + Schema + " AUTHORIZATION " + OwnerRole,
		"SET LOCAL ROLE " + OwnerRole,
		`CREATE TABLE IF NOT EXISTS room.schema_version (
	version    int PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
)`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("%.40s: %w", q, err)
		}
	}
	var v int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM room.schema_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("reading the schema version: %w", err)
	}
	if v > SchemaVersion {
		return 0, fmt.Errorf("database is at schema version %d, newer than this console's %d: upgrade the console", v, SchemaVersion)
	}
	return v, nil
}
