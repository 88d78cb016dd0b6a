package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Superuser is the bootstrap superuser initdb creates (-U).
const Superuser = "postgres"

// Database is the name of the database Start creates for the test.
const Database = "roomtest"

// Server is one running test server. Its fields are fixed for its life,
// across Stop and Restart.
type Server struct {
	DSN  string // the superuser's DSN to Database
	Host string // always 127.0.0.1
	Port int
	Dir  string // the temporary directory: data/, the socket and server.log

	bin     string // directory of initdb and pg_ctl
	runAs   string // "postgres" when we are root, "" to run as ourselves
	data    string
	stopped bool
}

// Start runs initdb, starts the server and creates Database. It skips the
// test when the binaries are absent (fails when CI=true), and fails when
// they are present but the server does not start.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := findBin()
	if err != nil {
		unavailable(tb, "PostgreSQL server binaries not found (%v): install Debian's postgresql (make deps)", err)
	}
	s := &Server{Host: "127.0.0.1", bin: bin}
	if os.Geteuid() == 0 {
		// postgres refuses to run as root; Debian's package creates this user.
		if _, err := user.Lookup("postgres"); err != nil {
			unavailable(tb, "running as root and there is no postgres user to run the server as: %v", err)
		}
		s.runAs = "postgres"
	}
	// Not tb.TempDir: its parent is 0700 root, which the postgres user
	// could not enter. /tmp is world-traversable, and this directory is
	// handed to the server's user whole.
	s.Dir, err = os.MkdirTemp("", "pgtest-")
	if err != nil {
		tb.Fatalf("pgtest: temp dir: %v", err)
	}
	tb.Cleanup(func() {
		s.stop(tb)
		if err := os.RemoveAll(s.Dir); err != nil {
			tb.Logf("pgtest: removing %s: %v", s.Dir, err)
		}
	})
	if err := s.chown(s.Dir); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	s.data = filepath.Join(s.Dir, "data")
	// --no-sync: the directory dies with the test, so initdb's own flush
	// buys nothing; the server itself runs with fsync on, so commits (and
	// the benchmarks' figures) stay durable.
	if out, err := s.run("initdb", "-D", s.data, "-A", "trust", "-U", Superuser, "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		tb.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	// A free port can be taken by another process between our probe and
	// the server's bind (other packages test at the same time): retry.
	for attempt := 1; ; attempt++ {
		if s.Port, err = freePort(); err != nil {
			tb.Fatalf("pgtest: %v", err)
		}
		if err = s.start(); err == nil {
			break
		}
		if attempt == 3 {
			tb.Fatalf("pgtest: starting the server: %v\n%s", err, s.log())
		}
	}
	if err := s.createDatabase(); err != nil {
		tb.Fatalf("pgtest: %v", err) // the binaries are there: a broken install, never a skip
	}
	s.DSN = s.As(Superuser)
	return s
}

// As is the DSN of Database for user (any role: the server trusts every
// loopback connection).
func (s *Server) As(user string) string {
	return s.dsn(user, Database)
}

func (s *Server) dsn(user, db string) string {
	u := url.URL{Scheme: "postgres", User: url.User(user), Host: net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), Path: "/" + db}
	u.RawQuery = "sslmode=disable"
	return u.String()
}

// Stop stops the server as a crash would (immediate mode: no checkpoint),
// keeping its data for Restart. Committed transactions survive it.
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	if out, err := s.run("pg_ctl", "-D", s.data, "-m", "immediate", "-w", "stop"); err != nil {
		tb.Fatalf("pgtest: stopping the server: %v\n%s", err, out)
	}
	s.stopped = true
}

// Restart starts a stopped server again on the same port and data.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	if err := s.start(); err != nil {
		tb.Fatalf("pgtest: restarting the server: %v\n%s", err, s.log())
	}
	s.stopped = false
}

func (s *Server) start() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=%s -c fsync=on -c synchronous_commit=on", s.Port, s.Dir, s.Host)
	out, err := s.run("pg_ctl", "-D", s.data, "-l", filepath.Join(s.Dir, "server.log"), "-o", opts, "-w", "-t", "60", "start")
	if err != nil {
		return fmt.Errorf("pg_ctl start: %w: %s", err, out)
	}
	return nil
}

// stop is the cleanup's stop: it only logs, since the test is over.
func (s *Server) stop(tb testing.TB) {
	if s.data == "" || s.stopped {
		return
	}
	if _, err := os.Stat(filepath.Join(s.data, "postmaster.pid")); err != nil {
		return // never started
	}
	if out, err := s.run("pg_ctl", "-D", s.data, "-m", "immediate", "-w", "stop"); err != nil {
		tb.Logf("pgtest: stopping the server: %v\n%s", err, out)
	}
	s.stopped = true
}

func (s *Server) createDatabase() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.dsn(Superuser, "postgres"))
	if err != nil {
		return fmt.Errorf("connecting to the new server: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+Database); err != nil {
		return fmt.Errorf("create database %s: %w", Database, err)
	}
	return nil
}

// run runs one of the server's binaries, as the postgres user when we are
// root. Output goes to a file, not a pipe: pg_ctl start leaves the
// postmaster running, and a pipe it inherited would keep Wait waiting.
func (s *Server) run(name string, args ...string) (string, error) {
	path := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.Dir // the server's user may not be able to enter our cwd
	out, err := os.CreateTemp("", "pgtest-out-")
	if err != nil {
		return "", err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Run()
	b, _ := os.ReadFile(out.Name())
	return strings.TrimSpace(string(b)), err
}

func (s *Server) chown(dir string) error {
	if s.runAs == "" {
		return nil
	}
	u, err := user.Lookup(s.runAs)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("handing %s to %s: %w", dir, s.runAs, err)
	}
	return nil
}

// log is the tail of the server's log, for a failure message.
func (s *Server) log() string {
	b, err := os.ReadFile(filepath.Join(s.Dir, "server.log"))
	if err != nil {
		return "(no server log: " + err.Error() + ")"
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// findBin finds initdb and pg_ctl: in $PGBIN alone when it is set (to
// pick one installed version), else in Debian's newest
// /usr/lib/postgresql/N/bin (not on PATH), then on PATH.
func findBin() (string, error) {
	var dirs []string
	if d := os.Getenv("PGBIN"); d != "" {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
		return "", fmt.Errorf("no initdb and pg_ctl in PGBIN=%s", d)
	}
	deb, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(deb, func(i, j int) bool { return version(deb[i]) > version(deb[j]) })
	dirs = append(dirs, deb...)
	if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", errors.New("no initdb and pg_ctl in $PGBIN, /usr/lib/postgresql/*/bin or PATH")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// unavailable skips, or fails under CI, where a skipped database test would
// pass a run that proved nothing.
func unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("pgtest (CI=true, so failing rather than skipping): "+format, args...)
	}
	tb.Skipf("pgtest: "+format, args...)
}

// SchemaVersions reads the room schema's migration record: how many
// versions are recorded and the latest.
func (s *Server) SchemaVersions(tb testing.TB) (rows, latest int) {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.DSN)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SELECT count(*), max(version) FROM room.schema_version").Scan(&rows, &latest); err != nil {
		tb.Fatal(err)
	}
	return rows, latest
}
