package roomdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/sqlitedb"
)

// SpoolConfig tunes a Spool. Path is required.
type SpoolConfig struct {
	// Path is the spool's SQLite file (created 0600 in a 0700 directory by
	// sqlitedb): the console's own disk, so it outlives the server, the
	// network and the console process.
	Path string
	// Retry is how often the drainer tries the server again while it is
	// unreachable (default 2 s).
	Retry time.Duration
	// MaxBatch bounds the entries drained in one transaction (default 256).
	MaxBatch int
	// OnState is called, from the spool's goroutines, each time the room
	// goes offline (false) or comes back (true): the console's "offline"
	// banner. It must not block; it is never called concurrently with
	// itself.
	OnState func(online bool)
	// Log receives drain progress and failures (default slog.Default()).
	Log *slog.Logger
	// Now stamps entries whose Time is zero (default time.Now). The stamp
	// is given when the entry is queued, so a drained entry keeps the time
	// of the act, not of the drain.
	Now func() time.Time
}

// SpoolReceipt is what Spool.Append gives back. When Queued is false the
// entry is in the room's chain and Receipt says where; when Queued is true
// it is durably on the console's disk (SpoolID in order) and will be
// appended to the chain, in order, when the server is back: Receipt has
// only its Time.
type SpoolReceipt struct {
	audit.Receipt
	Queued  bool
	SpoolID int64
}

// Spool is an offline queue in front of an AuditAppender. While the
// server answers, entries go straight to the chain; while it is
// unreachable (ErrUnavailable) they are written to the spool file, and
// every later entry joins them there until the spool is drained, so the
// chain receives the console's entries in the order Append returned them.
// One goroutine drains the spool, oldest first, as soon as the server is
// back. Entries are never dropped: an entry the server refuses for another
// reason stays at the head of the spool, logged, and is retried.
type Spool struct {
	a   *AuditAppender
	db  *sql.DB
	cfg SpoolConfig

	mu      sync.Mutex
	pending int  // rows in the spool file; Append goes to the spool while > 0
	online  bool // last known state of the server
	stateMu sync.Mutex

	kick chan struct{} // buffered 1: "there is something to drain"
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

const spoolSchema = `CREATE TABLE IF NOT EXISTS spool (
	id    INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids never reused, so order survives a drained, empty table
	kind  TEXT NOT NULL,                     -- 'audit'; room for views and sessions events later
	entry TEXT NOT NULL                      -- the audit.Entry as JSON, Time stamped at queueing
)`

const spoolKindAudit = "audit"

// OpenSpool opens (or creates) the spool file at cfg.Path in front of a
// and starts its drainer, which at once appends whatever an earlier run
// left queued. The Spool starts as online when nothing is queued. Close
// the Spool before a.
func OpenSpool(a *AuditAppender, cfg SpoolConfig) (*Spool, error) {
	if cfg.Path == "" {
		return nil, errors.New("roomdb: open spool: a path is required")
	}
	if cfg.Retry <= 0 {
		cfg.Retry = 2 * time.Second
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 256
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// Immediate: Append and the drainer both write; one waits at BEGIN
	// instead of failing on a lock upgrade.
	db, err := sqlitedb.Open(cfg.Path, sqlitedb.Options{Immediate: true})
	if err != nil {
		return nil, fmt.Errorf("roomdb: open spool %s: %w", cfg.Path, err)
	}
	if _, err := db.Exec(spoolSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("roomdb: open spool %s: creating the table: %w", cfg.Path, err)
	}
	s := &Spool{a: a, db: db, cfg: cfg, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	if err := db.QueryRow("SELECT count(*) FROM spool").Scan(&s.pending); err != nil {
		db.Close()
		return nil, fmt.Errorf("roomdb: open spool %s: counting queued entries: %w", cfg.Path, err)
	}
	s.online = s.pending == 0
	if s.pending > 0 {
		cfg.Log.Info("roomdb: spool holds entries from an earlier run; draining", "path", cfg.Path, "queued", s.pending)
		s.poke()
	}
	go s.run()
	return s, nil
}

// Append stores e in the room's chain, or, while the server is out of
// reach or earlier entries still wait in the spool, in the spool. An error
// means e is stored nowhere and the caller fails closed, as with
// AuditAppender.Append. When the server fails in the middle of a commit
// the entry is queued although it may have been committed: the drain then
// finds it in the chain and does not append it twice.
func (s *Spool) Append(ctx context.Context, e audit.Entry) (SpoolReceipt, error) {
	if err := checkText(&e); err != nil {
		return SpoolReceipt{}, fmt.Errorf("roomdb: spool append: %w", err)
	}
	select {
	case <-s.stop:
		return SpoolReceipt{}, ErrClosed
	default:
	}
	if e.Time.IsZero() {
		e.Time = s.cfg.Now()
	}
	// Nanoseconds in UTC, as the chain stores and hashes them: the drain's
	// duplicate check compares time_ns.
	e.Time = e.Time.UTC()
	s.mu.Lock()
	direct := s.pending == 0 && s.online
	s.mu.Unlock()
	if direct {
		rc, err := s.a.Append(ctx, e)
		if err == nil {
			return SpoolReceipt{Receipt: rc}, nil
		}
		if !errors.Is(err, ErrUnavailable) {
			return SpoolReceipt{}, err
		}
		s.setOnline(false)
		s.cfg.Log.Warn("roomdb: room database unreachable; queueing audit entries on disk", "path", s.cfg.Path, "err", err)
	}
	id, err := s.enqueue(e)
	if err != nil {
		return SpoolReceipt{}, err
	}
	s.poke()
	return SpoolReceipt{Receipt: audit.Receipt{Time: e.Time}, Queued: true, SpoolID: id}, nil
}

// enqueue writes e to the spool file, durably (synchronous FULL), and
// counts it, under mu so that the count and the file agree for Append's
// choice.
func (s *Spool) enqueue(e audit.Entry) (int64, error) {
	b, err := json.Marshal(&e)
	if err != nil {
		return 0, fmt.Errorf("roomdb: spool append: encoding the entry: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res, err := s.db.Exec("INSERT INTO spool (kind, entry) VALUES (?, ?)", spoolKindAudit, string(b))
	if err != nil {
		return 0, fmt.Errorf("roomdb: spool append: writing %s: %w", s.cfg.Path, err)
	}
	s.pending++
	id, _ := res.LastInsertId()
	return id, nil
}

// Online says whether the room's server answered the last time it was
// tried and nothing waits in the spool.
func (s *Spool) Online() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.online && s.pending == 0
}

// Pending is the number of entries waiting in the spool.
func (s *Spool) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending
}

// Close stops the drainer (after the batch under way) and closes the
// spool file. What is still queued stays on disk for the next OpenSpool.
// It is idempotent.
func (s *Spool) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		<-s.done
		if cerr := s.db.Close(); cerr != nil {
			err = fmt.Errorf("roomdb: closing spool %s: %w", s.cfg.Path, cerr)
		}
	})
	return err
}

func (s *Spool) poke() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// setOnline records the server's state and tells OnState of a change.
// stateMu orders the callbacks as the changes happened.
func (s *Spool) setOnline(on bool) {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	s.mu.Lock()
	changed := s.online != on
	s.online = on
	s.mu.Unlock()
	if changed {
		if on {
			s.cfg.Log.Info("roomdb: room database reachable again")
		}
		if s.cfg.OnState != nil {
			s.cfg.OnState(on)
		}
	}
}

// run drains when poked, and every Retry while entries wait.
func (s *Spool) run() {
	defer close(s.done)
	t := time.NewTicker(s.cfg.Retry)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.kick:
		case <-t.C:
			if s.Pending() == 0 {
				continue
			}
		}
		s.drain()
	}
}

// drain appends the spool to the chain batch by batch, oldest first, until
// it is empty, the server fails, or Close.
func (s *Spool) drain() {
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		ids, es, err := s.head()
		if err != nil {
			s.cfg.Log.Error("roomdb: reading the spool", "path", s.cfg.Path, "err", err)
			return
		}
		if len(ids) == 0 {
			s.setOnline(true)
			return
		}
		sent, err := s.send(es)
		if err != nil {
			if errors.Is(err, ErrUnavailable) {
				s.setOnline(false)
			} else {
				// Not dropped: the entry is evidence. It stays first in
				// line and is tried again at the next Retry.
				s.cfg.Log.Error("roomdb: the room refused queued audit entries; they stay queued", "path", s.cfg.Path, "first", ids[0], "err", err)
			}
			return
		}
		if err := s.remove(ids[len(ids)-1], len(ids)); err != nil {
			// They are in the chain; the next drain finds them there.
			s.cfg.Log.Error("roomdb: removing drained entries from the spool", "path", s.cfg.Path, "err", err)
			return
		}
		s.cfg.Log.Info("roomdb: queued audit entries appended to the room's chain", "count", sent, "left", s.Pending())
	}
}

// head reads the oldest MaxBatch entries of the spool.
func (s *Spool) head() ([]int64, []audit.Entry, error) {
	rows, err := s.db.Query("SELECT id, entry FROM spool WHERE kind = ? ORDER BY id LIMIT ?", spoolKindAudit, s.cfg.MaxBatch)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var es []audit.Entry
	for rows.Next() {
		var id int64
		var b string
		if err := rows.Scan(&id, &b); err != nil {
			return nil, nil, err
		}
		var e audit.Entry
		if err := json.Unmarshal([]byte(b), &e); err != nil {
			return nil, nil, fmt.Errorf("spool row %d: %w", id, err)
		}
		ids, es = append(ids, id), append(es, e)
	}
	return ids, es, rows.Err()
}

// send appends es in one transaction, leaving out a prefix already in the
// chain: a drain or a direct Append whose commit succeeded but whose
// answer was lost, or a crash between the commit and remove. Those form a
// prefix because es are appended in order, each batch whole or not at all.
func (s *Spool) send(es []audit.Entry) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.a.cfg.CommitTimeout+5*time.Second)
	defer cancel()
	done, err := s.alreadyStored(ctx, es)
	if err != nil {
		return 0, err
	}
	if done > 0 {
		s.cfg.Log.Info("roomdb: queued entries already in the chain (an earlier commit's answer was lost); not appending them twice", "count", done)
	}
	if done == len(es) {
		return 0, nil
	}
	if _, err := s.a.AppendBatch(ctx, es[done:]); err != nil {
		return 0, err
	}
	return len(es) - done, nil
}

// alreadyStored is the length of the prefix of es found in the chain. An
// entry is taken as stored when a row has its nanosecond time, user,
// console, action, subject and detail.
func (s *Spool) alreadyStored(ctx context.Context, es []audit.Entry) (int, error) {
	n := 0
	for i := range es {
		e := &es[i]
		var found bool
		err := s.a.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM room.audit WHERE user_name = $1 AND time_ns = $2
	AND console = $3 AND action = $4 AND subject = $5 AND detail = $6)`,
			e.User, e.Time.UnixNano(), e.Console, string(e.Action), e.Subject, e.Detail).Scan(&found)
		if err != nil {
			return 0, fmt.Errorf("roomdb: spool drain: looking for queued entries in the chain: %w", classify(err))
		}
		if !found {
			break
		}
		n++
	}
	return n, nil
}

// remove deletes the drained rows up to id.
func (s *Spool) remove(last int64, n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.db.Exec("DELETE FROM spool WHERE kind = ? AND id <= ?", spoolKindAudit, last); err != nil {
		return err
	}
	s.pending -= n
	return nil
}

// SpoolLog is a Spool seen as the console's audit log: the
// Append(ctx, audit.Entry) (audit.Receipt, error) that access.New and
// identity.NewSessions take. A queued entry's Receipt has Seq 0 and a zero
// Hash (its Time is set); callers that must tell queued from stored use
// Spool.Append.
type SpoolLog struct{ s *Spool }

// Log is s as an audit log.
func (s *Spool) Log() SpoolLog { return SpoolLog{s} }

// Append is Spool.Append without the Queued flag.
func (l SpoolLog) Append(ctx context.Context, e audit.Entry) (audit.Receipt, error) {
	rc, err := l.s.Append(ctx, e)
	return rc.Receipt, err
}
