package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Login throttling (issue 16 item 3). A failed login slows down the next
// guesses at that name from that source (the console, or the source string
// Login is given), and a source that fails too often is shut for a while:
//
//   - the first MaxFailures-1 failures in a row cost nothing (typos);
//   - from the MaxFailures-th on, each failure closes the name to that
//     source for twice as long as the previous: 1 s, 2 s, 4 s ... capped
//     at LockoutPeriod;
//   - SourceMaxFailures failures from one source within SourceWindow, over
//     all names, shut that source for SourceWindow.
//
// The back-off counts per name and source so that a stranger guessing at
// the administrator's name from one console slows down that console only:
// the administrator logs in from another. Attempts refused while closed do
// not count and do not extend the wait: they check no password.
//
// The count and the lock are read and reserved in one critical section
// (admit) before the password is checked: attempts in flight count as
// failures until they settle, so concurrent guesses cannot all pass the
// check before the first failure is written.
const (
	MaxFailures       = 5
	LockoutPeriod     = 15 * time.Minute
	SourceMaxFailures = 30
	SourceWindow      = 15 * time.Minute
	firstBackoff      = time.Second
	// forgetFailures: a count left alone this long starts afresh.
	forgetFailures = 24 * time.Hour
)

// LockedError says until when logins are refused; errors.Is(err, ErrLocked).
// Source is set when the source is shut (too many failures from it), not
// only the name.
type LockedError struct {
	Until  time.Time
	Source string
}

func (e *LockedError) Error() string {
	if e.Source != "" {
		return fmt.Sprintf("too many failed logins from %s: wait until %s", e.Source, e.Until.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("%v until %s", ErrLocked, e.Until.UTC().Format(time.RFC3339))
}

func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// backoff is how long the name stays closed after its count-th failure.
func backoff(count int) time.Duration {
	n := count - MaxFailures
	if n < 0 {
		return 0
	}
	if n >= 20 {
		return LockoutPeriod
	}
	return min(firstBackoff<<n, LockoutPeriod)
}

type nameRow struct {
	count       int
	last, until int64
}

type sourceRow struct {
	count        int
	start, until int64
}

func pendingKey(name, source string) string { return name + "\x00" + source }

// admit reserves an attempt at name from source, or refuses it with a
// *LockedError. A reserved attempt must be settled or released.
func (u *Users) admit(ctx context.Context, name, source string, now time.Time) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	nr, err := u.nameRow(ctx, name, source, now)
	if err != nil {
		return err
	}
	sr, err := u.sourceRow(ctx, source, now)
	if err != nil {
		return err
	}
	if t := time.Unix(0, sr.until); sr.until != 0 && now.Before(t) {
		return &LockedError{Until: t.UTC(), Source: sourceName(source)}
	}
	if sr.count+u.pendingSource[source] >= SourceMaxFailures {
		return &LockedError{Until: now.Add(firstBackoff).UTC(), Source: sourceName(source)}
	}
	if t := time.Unix(0, nr.until); nr.until != 0 && now.Before(t) {
		return &LockedError{Until: t.UTC()}
	}
	k := pendingKey(name, source)
	p := u.pendingName[k]
	// Below MaxFailures, attempts in flight count as failures; in back-off,
	// one attempt at a time.
	if nr.count < MaxFailures && nr.count+p >= MaxFailures || nr.count >= MaxFailures && p > 0 {
		return &LockedError{Until: now.Add(firstBackoff).UTC()}
	}
	u.pendingName[k]++
	u.pendingSource[source]++
	return nil
}

func sourceName(s string) string {
	if s == "" {
		return "this console"
	}
	return s
}

// release gives back a reservation that neither failed nor succeeded (the
// store could not answer, the account is disabled).
func (u *Users) release(name, source string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.unreserve(name, source)
}

func (u *Users) unreserve(name, source string) {
	k := pendingKey(name, source)
	if u.pendingName[k]--; u.pendingName[k] <= 0 {
		delete(u.pendingName, k)
	}
	if u.pendingSource[source]--; u.pendingSource[source] <= 0 {
		delete(u.pendingSource, source)
	}
}

// settle ends a reserved attempt. A success clears the name's count at the
// source; a failure counts at the name and the source and returns the end
// of the wait it starts (zero when none).
func (u *Users) settle(ctx context.Context, name, source string, failed bool, now time.Time) (time.Time, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.unreserve(name, source)
	if !failed {
		if _, err := u.db.ExecContext(ctx, `DELETE FROM login_backoff WHERE name=? AND source=?`, name, source); err != nil {
			return time.Time{}, fmt.Errorf("user %s: clear failures: %w", name, err)
		}
		return time.Time{}, nil
	}
	nr, err := u.nameRow(ctx, name, source, now)
	if err != nil {
		return time.Time{}, err
	}
	sr, err := u.sourceRow(ctx, source, now)
	if err != nil {
		return time.Time{}, err
	}
	nr.count++
	nr.last = now.UnixNano()
	var lock time.Time
	if d := backoff(nr.count); d > 0 {
		lock = now.Add(d).UTC()
		nr.until = lock.UnixNano()
	}
	if sr.count == 0 {
		sr.start = now.UnixNano()
	}
	sr.count++
	if sr.count >= SourceMaxFailures {
		t := now.Add(SourceWindow).UTC()
		sr.until = t.UnixNano()
		if t.After(lock) {
			lock = t
		}
		u.log.Warn("login source shut", "source", source, "until", t)
	}
	if _, err := u.db.ExecContext(ctx, `INSERT INTO login_backoff(name, source, count, last_failure, locked_until) VALUES(?,?,?,?,?)
		ON CONFLICT(name, source) DO UPDATE SET count=excluded.count, last_failure=excluded.last_failure, locked_until=excluded.locked_until`,
		name, source, nr.count, nr.last, nr.until); err != nil {
		return time.Time{}, fmt.Errorf("user %s: failures: %w", name, err)
	}
	if _, err := u.db.ExecContext(ctx, `INSERT INTO source_failures(source, count, window_start, locked_until) VALUES(?,?,?,?)
		ON CONFLICT(source) DO UPDATE SET count=excluded.count, window_start=excluded.window_start, locked_until=excluded.locked_until`,
		source, sr.count, sr.start, sr.until); err != nil {
		return time.Time{}, fmt.Errorf("source %s: failures: %w", source, err)
	}
	// Names nobody uses any more need no row: keep the tables from growing
	// with every typo and every guessed name.
	old := now.Add(-forgetFailures).UnixNano()
	if _, err := u.db.ExecContext(ctx, `DELETE FROM login_backoff WHERE last_failure < ? AND locked_until < ?`, old, now.UnixNano()); err != nil {
		u.log.Warn("old login failures not pruned", "err", err)
	}
	if !lock.IsZero() {
		u.log.Warn("login slowed down", "user", name, "source", source, "failures", nr.count, "until", lock)
	}
	return lock, nil
}

// nameRow reads the name's count at source, forgotten when old.
func (u *Users) nameRow(ctx context.Context, name, source string, now time.Time) (nameRow, error) {
	var r nameRow
	err := u.db.QueryRowContext(ctx, `SELECT count, last_failure, locked_until FROM login_backoff WHERE name=? AND source=?`, name, source).
		Scan(&r.count, &r.last, &r.until)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nameRow{}, fmt.Errorf("user %s: failures: %w", name, err)
	}
	if now.Sub(time.Unix(0, r.last)) > forgetFailures && !now.Before(time.Unix(0, r.until)) {
		r = nameRow{}
	}
	return r, nil
}

// sourceRow reads the source's failures in the current window.
func (u *Users) sourceRow(ctx context.Context, source string, now time.Time) (sourceRow, error) {
	var r sourceRow
	err := u.db.QueryRowContext(ctx, `SELECT count, window_start, locked_until FROM source_failures WHERE source=?`, source).
		Scan(&r.count, &r.start, &r.until)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return sourceRow{}, fmt.Errorf("source %s: failures: %w", source, err)
	}
	if now.Sub(time.Unix(0, r.start)) >= SourceWindow && !now.Before(time.Unix(0, r.until)) {
		r = sourceRow{}
	}
	return r, nil
}
