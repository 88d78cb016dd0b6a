package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/policy"
)

func auditStore(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	l, err := audit.Open(filepath.Join(dir, "audit.db"), audit.Options{CheckpointEvery: 10})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	for i := range n {
		e := audit.Entry{Time: t0.Add(time.Duration(i) * time.Hour), User: []string{"ann", "bob"}[i%2], Role: "dispatcher",
			Console: "c1", Action: audit.ActLiveStart, Subject: []string{"camera:a", "camera:b", "camera:c"}[i%3],
			JustKind: "shift", JustText: "=cmd", Outcome: audit.OutcomeAllowed, Detail: "view=1"}
		if _, err := l.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// The reviewer who exports: audit export logs in like the console.
	users, err := identity.OpenUsers(filepath.Join(dir, "users.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer users.Close()
	if err := users.Add(context.Background(), identity.User{Name: "chef", Role: policy.RoleTeamChief}, reviewerPW); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZONECONSOLE_PASSWORD", reviewerPW)
	return dir
}

const reviewerPW = "reviewer-password"

func runAudit(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{DataDir: dir, Log: slog.New(slog.DiscardHandler), Stdout: &out, Stderr: &errb}
	code := Main(context.Background(), env, Wiring{}, append([]string{"audit"}, args...))
	return code, out.String(), errb.String()
}

func TestCmdAudit(t *testing.T) {
	dir := auditStore(t, 30)
	other := t.TempDir()
	notStore := filepath.Join(other, "x.db")
	if err := os.WriteFile(notStore, bytes.Repeat([]byte("not sqlite\n"), 100), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		out  string
		rows int // CSV data rows, -1 when not CSV
	}{
		{"verify default store", []string{"verify"}, 0, "intact", -1},
		{"verify explicit store", []string{"verify", filepath.Join(dir, "audit.db")}, 0, "30 entries", -1},
		{"verify missing store", []string{"verify", filepath.Join(other, "missing.db")}, 2, "", -1},
		{"verify not a store", []string{"verify", "--key", filepath.Join(dir, "keys", "audit.ed25519"), notStore}, 2, "", -1},
		{"no subcommand", nil, 2, "", -1},
		{"verify -h", []string{"verify", "-h"}, 0, "", -1},
		{"verify unknown flag", []string{"verify", "--shred"}, 2, "", -1},
		{"unknown subcommand", []string{"shred"}, 2, "", -1},
		{"export csv by day", []string{"export", "--user", "chef", "--from", "2026-11-03", "--to", "2026-11-03"}, 0, "seq,time,user", 16},
		{"export csv by user", []string{"export", "--user", "chef", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "bob"}, 0, "", 15},
		{"export csv by camera", []string{"export", "--user", "chef", "--from", "2026-11-03T08:00:00Z", "--to", "2026-11-03T20:00:00+01:00", "--camera", "b"}, 0, "", 4},
		{"export html", []string{"export", "--user", "chef", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "html"}, 0, "Chain intact", -1},
		{"export without --to", []string{"export", "--user", "chef", "--from", "2026-11-01"}, 2, "", -1},
		{"export bad time", []string{"export", "--user", "chef", "--from", "yesterday", "--to", "2026-11-30"}, 2, "", -1},
		{"export bad format", []string{"export", "--user", "chef", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "pdf"}, 2, "", -1},
		{"export empty period", []string{"export", "--user", "chef", "--from", "2026-11-30", "--to", "2026-11-01"}, 2, "", -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runAudit(t, dir, c.args...)
			if code != c.code || !strings.Contains(out, c.out) {
				t.Fatalf("audit %q = %d, stdout %q, stderr %q; want %d and %q", c.args, code, out, errs, c.code, c.out)
			}
			if c.rows >= 0 {
				recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				if err != nil || len(recs)-1 != c.rows {
					t.Fatalf("audit %q: %d CSV rows (%v), want %d:\n%s", c.args, len(recs)-1, err, c.rows, out)
				}
			}
		})
	}

	// An intruder edits one entry with plain SQL: verify exits 1 and names it.
	db, err := sql.Open("sqlite", filepath.Join(dir, "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER entries_no_update`, `UPDATE entries SET just_kind='judicial' WHERE seq=7`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code, out, _ := runAudit(t, dir, "verify")
	if code != 1 || !strings.Contains(out, "first bad entry: seq 7: hash mismatch") || !strings.Contains(out, `justification=judicial`) {
		t.Fatalf("verify after edit = %d:\n%s", code, out)
	}
	// Nothing is exported from a broken chain, in any format: the store is
	// refused before a row is read.
	for _, format := range []string{"csv", "html"} {
		code, out, errs := runAudit(t, dir, "export", "--user", "chef", "--from", "2026-11-01", "--to", "2026-11-30", "--format", format)
		if code != 1 || strings.Contains(out, "ann") || !strings.Contains(errs, "7") {
			t.Fatalf("%s export after edit = %d, stdout %q, stderr %q", format, code, out, errs)
		}
	}
	// Without a login there is no export at all.
	t.Setenv("ZONECONSOLE_PASSWORD", "wrong")
	if code, out, _ := runAudit(t, dir, "export", "--user", "chef", "--from", "2026-11-01", "--to", "2026-11-30"); code != 1 || out != "" {
		t.Fatalf("export with a wrong password = %d, %q", code, out)
	}
}

// TestAuditVerifyTrustsOnlyThePinnedKey: an attacker with the console
// account's files writes a fresh key pair over DATA/keys and re-signs; a
// verify that trusts the key given from outside (audit key's PEM, kept
// elsewhere) says so, exit 1.
func TestAuditVerifyTrustsOnlyThePinnedKey(t *testing.T) {
	dir := auditStore(t, 12)
	code, out, _ := runAudit(t, dir, "key")
	if code != 0 || !strings.HasPrefix(out, "fingerprint ") || !strings.Contains(out, "BEGIN PUBLIC KEY") {
		t.Fatalf("audit key = %d %q", code, out)
	}
	pemFile := filepath.Join(t.TempDir(), "audit-key.pem")
	pemStart := strings.Index(out, "-----BEGIN")
	if err := os.WriteFile(pemFile, []byte(out[pemStart:]), 0o600); err != nil {
		t.Fatal(err)
	}
	fp := strings.Fields(out)[1]
	if code, out, _ := runAudit(t, dir, "verify", "--pubkey", pemFile); code != 0 || !strings.Contains(out, "key pinned") {
		t.Fatalf("verify with the right key = %d %q", code, out)
	}
	// Another store, another key: signed by a key that is not the trusted one.
	other := auditStore(t, 3)
	if code, out, _ := runAudit(t, other, "verify", "--fingerprint", fp); code != 1 || !strings.Contains(out, "not the trusted one") {
		t.Fatalf("verify of a store signed by another key = %d %q", code, out)
	}
	if code, out, _ := runAudit(t, other, "verify"); code != 0 || !strings.Contains(out, "NOT pinned") {
		t.Fatalf("verify without a pin = %d %q: it must say the key was not pinned", code, out)
	}
}
