package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/politiezone/zoneconsole/access"
	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/footage"
	"github.com/politiezone/zoneconsole/hotlist"
	"github.com/politiezone/zoneconsole/identity"
	"github.com/politiezone/zoneconsole/rounds"
)

// Shell is the console's stores and rules for the command line: the user
// logs in (console "shell"), the policy decides, and every consultation or
// change is audited exactly as from the console's screens. The subcommands
// that read or change what the law protects (audit export, round report,
// hotlist import) go through it; none of them reads a store directly.
type Shell struct {
	dataDir  string
	log      *slog.Logger
	users    *identity.Users
	audit    *audit.Log
	sessions *identity.Sessions
	access   *access.Gate
	sess     *Session

	hotOnce sync.Once
	hot     *hotlist.Store
	hotErr  error
}

// OpenShell opens the user and audit stores of dataDir; trust pins the
// audit key and names the witness as the zone file does.
func OpenShell(ctx context.Context, dataDir string, trust AuditTrust, log *slog.Logger) (*Shell, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	users, err := identity.OpenUsers(filepath.Join(dataDir, "users.db"), log)
	if err != nil {
		return nil, err
	}
	al, err := openAudit(dataDir, trust, log)
	if err != nil {
		users.Close()
		return nil, err
	}
	sessions := identity.NewSessions(users, al, nil)
	return &Shell{dataDir: dataDir, log: log, users: users, audit: al, sessions: sessions,
		access: access.New(al, sessions, nil)}, nil
}

// Login checks the user's password (audited like any login).
func (h *Shell) Login(ctx context.Context, name, password string) error {
	s, err := h.sessions.Login(ctx, name, password, "shell", "")
	if err != nil {
		return err
	}
	h.sess = s
	return nil
}

func (h *Shell) hotlists(ctx context.Context) (*hotlist.Store, error) {
	h.hotOnce.Do(func() {
		h.hot, h.hotErr = hotlist.Open(ctx, filepath.Join(h.dataDir, "hotlist.db"), hotlist.Options{Logger: h.log})
	})
	return h.hot, h.hotErr
}

// ImportHotlist is Console.ImportHotlist for the logged-in user.
func (h *Shell) ImportHotlist(ctx context.Context, list, fileName string, data io.Reader) (HotlistImport, error) {
	if h.sess == nil {
		return HotlistImport{}, ErrNoSession
	}
	hot, err := h.hotlists(ctx)
	if err != nil {
		return HotlistImport{}, err
	}
	return importList(ctx, h.access, hot, h.sess, list, fileName, data)
}

// HotlistVersions lists every version of every list, for a user who may
// change lists.
func (h *Shell) HotlistVersions(ctx context.Context) ([]HotlistVersion, error) {
	if !h.access.May(h.sess, ActLists) {
		return nil, ErrNoSession
	}
	hot, err := h.hotlists(ctx)
	if err != nil {
		return nil, err
	}
	return listVersions(ctx, hot)
}

// ExportReview is Console.ExportReview for the logged-in user. src, when
// not nil, is another audit store to read (a copy under review); the
// decision is audited in this data directory's trail either way.
func (h *Shell) ExportReview(ctx context.Context, f ReviewFilter, format ExportFormat, w io.Writer, src *audit.Reader) error {
	if h.sess == nil {
		return ErrNoSession
	}
	var from auditSource = h.audit
	if src != nil {
		from = src
	}
	return exportReview(ctx, h.access, h.sess, from, f, format, w)
}

// ExportRoundReports is Console.ExportRoundReports for the logged-in user;
// z gives the camera names and coverage (empty: the report lists ids).
func (h *Shell) ExportRoundReports(ctx context.Context, z Zone, from, to time.Time, format ExportFormat, w io.Writer) error {
	if h.sess == nil {
		return ErrNoSession
	}
	rs, err := rounds.Load(ctx, h.dataDir, "", z)
	if err != nil {
		rs = z.Rounds
	}
	return rounds.ExportReports(ctx, h.access, h.sess, h.dataDir, z, rs, from, to, rounds.Format(format), w)
}

// Close logs out and closes the stores; idempotent.
func (h *Shell) Close() error {
	var errs []error
	if h.sess != nil {
		errs = append(errs, h.sessions.Logout(context.Background(), h.sess))
		h.sess = nil
	}
	if h.hot != nil {
		errs = append(errs, h.hot.Close())
		h.hot = nil
	}
	if h.users != nil {
		errs = append(errs, h.users.Close())
		h.users = nil
	}
	if h.audit != nil {
		errs = append(errs, h.audit.Close())
		h.audit = nil
	}
	return errors.Join(errs...)
}

// holds opens the evidence holds of the data directory (not the
// recordings: the console or the service may be recording).
func (h *Shell) holds(z Zone) (*footage.Archive, error) {
	if h.sess == nil {
		return nil, ErrNoSession
	}
	return footage.OpenIndexOnly(footage.Config{Access: h.access, Zone: z, DataDir: h.dataDir, Console: "shell", Logger: h.log})
}

// PlaceHold is Console.PlaceHold for the logged-in user; z names the
// zone's cameras.
func (h *Shell) PlaceHold(ctx context.Context, z Zone, req HoldRequest, why Reason) (Hold, error) {
	a, err := h.holds(z)
	if err != nil {
		return Hold{}, err
	}
	defer a.Close()
	return a.PlaceHold(ctx, h.sess, req, why)
}

// ReleaseHold is Console.ReleaseHold for the logged-in user.
func (h *Shell) ReleaseHold(ctx context.Context, id int64, why Reason) (Hold, error) {
	a, err := h.holds(Zone{})
	if err != nil {
		return Hold{}, err
	}
	defer a.Close()
	return a.ReleaseHold(ctx, h.sess, id, why)
}

// Holds is Console.Holds for the logged-in user.
func (h *Shell) Holds(ctx context.Context, why Reason) ([]Hold, error) {
	a, err := h.holds(Zone{})
	if err != nil {
		return nil, err
	}
	defer a.Close()
	return a.Holds(ctx, h.sess, why)
}

// SearchPassages is Console.SearchPassages for the logged-in user; z names
// the zone's cameras (their covertness and places).
func (h *Shell) SearchPassages(ctx context.Context, z Zone, q PassageQuery, why Reason) ([]Passage, error) {
	if h.sess == nil {
		return nil, ErrNoSession
	}
	store, err := anpr.OpenPassages(h.dataDir, anpr.PassagesOptions{Logger: h.log, Retention: z.ANPR.RetentionPeriod()})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	return searchPassages(ctx, h.access, store, z, time.Now().UTC(), h.sess, q, why)
}

// Export is Console.Export for the logged-in user; z names the zone's
// cameras (their masks, owners and covertness).
func (h *Shell) Export(ctx context.Context, z Zone, req ExportRequest, why Reason) (ExportResult, error) {
	if h.sess == nil {
		return ExportResult{}, ErrNoSession
	}
	a, err := footage.OpenIndexOnly(footage.Config{Access: h.access, Zone: z, DataDir: h.dataDir, Console: "shell", Logger: h.log})
	if err != nil {
		return ExportResult{}, err
	}
	defer a.Close()
	return a.Export(ctx, h.sess, req, why)
}
