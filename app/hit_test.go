package app

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
)

// anprModels is where the tests find the reader's models:
// $ZONECONSOLE_ANPR_MODELS, else <repo>/.tools/anpr-models (make deps).
func anprModels(t testing.TB) string {
	t.Helper()
	d := os.Getenv("ZONECONSOLE_ANPR_MODELS")
	if d == "" {
		d, _ = filepath.Abs(filepath.Join("..", ".tools", "anpr-models"))
	}
	if _, err := os.Stat(filepath.Join(d, "rec.onnx")); err != nil {
		t.Fatalf("ANPR models missing in %s (run: anpr/install-models.sh %s): %v", d, d, err)
	}
	return d
}

// dispatchConsole is a console on the simulated zone with ANPR and the
// patrol feed running, closed in the right order.
func dispatchConsole(t testing.TB) *Console {
	t.Helper()
	c := openTestConsoleTB(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		if err := c.CloseDispatch(); err != nil {
			t.Errorf("CloseDispatch: %v", err)
		}
	})
	// Console.Open may have started it already (with models from the env).
	if err := c.StartANPR(ctx, ANPRConfig{ModelDir: anprModels(t)}); err != nil && !errors.Is(err, ErrANPRStarted) {
		t.Fatalf("StartANPR: %v", err)
	}
	if err := c.StartPatrols(ctx, PatrolConfig{}); err != nil {
		t.Fatalf("StartPatrols: %v", err)
	}
	return c
}

func openTestConsoleTB(t testing.TB) *Console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c, err := openSim(ctx, t, Config{DataDir: t.TempDir(), Console: "test-console", Logger: testLog()}, 4)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func loginTB(t testing.TB, c *Console, name string) *Session {
	t.Helper()
	s, err := c.Login(context.Background(), name, DemoPassword)
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	return s
}

func auditOf(t testing.TB, c *Console, act audit.Action) []audit.Entry {
	t.Helper()
	es, err := c.audit.Query(context.Background(), audit.Filter{Actions: []audit.Action{act}})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

const listCSVHeader = "plate,country,source,measure,priority,valid_from,valid_until,remarks\n"

func importCSV(t testing.TB, c *Console, list, body string) HotlistImport {
	t.Helper()
	adm := loginTB(t, c, "beheerder")
	r, err := c.ImportHotlist(context.Background(), adm, list, list+".csv", strings.NewReader(listCSVHeader+body))
	if err != nil {
		t.Fatalf("ImportHotlist: %v", err)
	}
	return r
}

func waitAlert(t testing.TB, f *HitFeed, plate string, within time.Duration) HitEvent {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-f.C():
			if !ok {
				t.Fatal("hit feed closed")
			}
			if ev.Kind == HitAlert && ev.Hit.Listed == plate {
				return ev
			}
		case <-deadline:
			t.Fatalf("no alert for %s within %s", plate, within)
		}
	}
}

func waitFor(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestHitPathOnSimulatedZone: a listed plate passes an ANPR camera of the
// simulated zone -> alert -> confirm -> dispatch -> audit entries, the unit
// en route and the simulator's unit driving to the camera.
func TestHitPathOnSimulatedZone(t *testing.T) {
	c := dispatchConsole(t)
	const display, norm = "2-HKT-584", "2HKT584"
	imp := importCSV(t, c, "national", norm+",BE,national wanted notices,intercept: stolen vehicle,1,,,test\n")
	if imp.Version.Version != 1 || imp.Entries != 1 {
		t.Fatalf("import = %+v", imp)
	}
	feed := mustFeed(t, c, 16)
	defer feed.Close()

	var cam Camera
	for _, cm := range c.Zone().Cameras {
		if cm.Kind.ANPR() {
			cam = cm
			break
		}
	}
	truth, err := simOf(c).Inject(cam.ID, display, "BE")
	if err != nil {
		t.Fatalf("Inject: %v", err)
	}
	ev := waitAlert(t, feed, norm, time.Until(truth.Time)+20*time.Second)
	h := ev.Hit
	if h.Camera.ID != cam.ID || h.List != "national" || h.Source != "national wanted notices" || h.Priority != 1 ||
		h.Measure != "intercept: stolen vehicle" || h.Crop == nil || h.Status != HitNew {
		t.Fatalf("alert = %+v", h)
	}
	t.Logf("alert: read %s (%s, conf %.2f) at %s, alerted %s after the read, truth %s",
		h.Plate, h.Match, h.Confidence, h.Time.Format("15:04:05.000"), ev.Sent.Sub(h.Time), truth.Time.Format("15:04:05.000"))

	disp := loginTB(t, c, "dispatcher")
	if _, err := c.Dispatch(context.Background(), disp, h.ID); !errors.Is(err, ErrHitNotConfirmed) {
		t.Fatalf("Dispatch before confirm = %v, want ErrHitNotConfirmed", err)
	}
	if err := c.ConfirmHit(context.Background(), disp, h.ID); err != nil {
		t.Fatalf("ConfirmHit: %v", err)
	}
	if err := c.ConfirmHit(context.Background(), disp, h.ID); !errors.Is(err, ErrHitHandled) {
		t.Fatalf("second ConfirmHit = %v, want ErrHitHandled", err)
	}
	waitFor(t, "patrol positions", 10*time.Second, func() bool { return len(unitsOf(c)) >= 4 })
	prop, err := c.ProposePatrol(context.Background(), disp, h.ID)
	if err != nil {
		t.Fatalf("ProposePatrol: %v", err)
	}
	a, err := c.Dispatch(context.Background(), disp, h.ID)
	if err != nil {
		t.Fatalf("Dispatch: %v", err)
	}
	if a.Unit.CallSign != prop.Unit.CallSign || a.Unit.Status != PatrolEnRoute || a.Distance <= 0 || a.ETA <= 0 {
		t.Fatalf("Dispatch = %+v, proposed %+v", a, prop)
	}
	for _, p := range simOf(c).Patrols() {
		if p.CallSign == a.Unit.CallSign && p.State != "en_route" && p.State != "arrived" {
			t.Errorf("simulator unit %s is %s: the GOTO did not arrive", p.CallSign, p.State)
		}
	}
	got, _ := c.Hit(viewer(t, c), h.ID)
	var steps []string
	for _, s := range got.History {
		steps = append(steps, s.What)
	}
	if got.Status != HitDispatched || got.Unit != a.Unit.CallSign || !strings.Contains(strings.Join(steps, ","), "read,alert") ||
		!strings.Contains(strings.Join(steps, ","), "confirm") || !strings.Contains(strings.Join(steps, ","), "dispatch") {
		t.Fatalf("hit after dispatch: status %s unit %s history %v", got.Status, got.Unit, steps)
	}

	lc := auditOf(t, c, audit.ActListChange)
	if len(lc) != 2 || lc[0].Subject != "list:national" || !strings.Contains(lc[1].Detail, `"outcome":"imported","version":1`) ||
		!strings.Contains(lc[1].Detail, `"sha256":"`+imp.SHA256+`"`) {
		t.Errorf("list.change entries = %+v", lc)
	}
	hc := auditOf(t, c, audit.ActHitConfirm)
	if len(hc) != 1 || hc[0].User != "dispatcher" || hc[0].Subject != "plate:"+norm || hc[0].Outcome != audit.OutcomeAllowed ||
		!strings.Contains(hc[0].Detail, `"hit":"`+h.ID+`"`) {
		t.Errorf("hit.confirm entries = %+v", hc)
	}
	de := auditOf(t, c, audit.ActDispatch)
	if len(de) != 1 || !strings.Contains(de[0].Detail, a.Unit.CallSign) || !strings.Contains(de[0].Detail, `"hit":"`+h.ID+`"`) {
		t.Errorf("dispatch entries = %+v", de)
	}
	if st := c.ANPRStats(); st.Processed == 0 {
		t.Errorf("ANPR stats = %s", st)
	}
	if rs := c.latestReads(cam.ID, 5); len(rs) == 0 {
		t.Errorf("LatestReads(%s) is empty", cam.ID)
	}

	// The dispatcher frees the unit; the simulator resumes patrolling.
	if err := c.SetPatrolStatus(context.Background(), disp, a.Unit.CallSign, PatrolFree); err != nil {
		t.Fatalf("SetPatrolStatus free: %v", err)
	}
	for _, p := range unitsOf(c) {
		if p.CallSign == a.Unit.CallSign && p.Status != PatrolFree {
			t.Errorf("unit %s is %s after being freed", p.CallSign, p.Status)
		}
	}
}

// fakeHit raises a hit without video: the matcher's answer for a read.
func fakeHit(t testing.TB, c *Console, camID, read string) Hit {
	t.Helper()
	hot, _, err := c.stores(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ms := hot.Matcher().Match(read, "BE", c.now())
	if len(ms) == 0 {
		t.Fatalf("no list entry matches %s", read)
	}
	c.Raise(ms[0], Read{Camera: camID, Time: c.now(), Plate: read, Display: read, Country: "BE", Confidence: 0.7}, 0)
	hs := mustHits(t)(c.SearchHits(viewer(t, c), HitFilter{Camera: camID}))
	if len(hs) == 0 {
		t.Fatal("hit not raised")
	}
	return hs[0]
}

func TestHitRejectAndRoles(t *testing.T) {
	c := openTestConsoleTB(t)
	t.Cleanup(func() { c.CloseDispatch() })
	importCSV(t, c, "local", "1ABC123,BE,local list,stop and check,3,,,\n")
	feed := mustFeed(t, c, 4)
	defer feed.Close()
	// 1A8C123: B read as 8, a look-alike match.
	h := fakeHit(t, c, "cam03", "1A8C123")
	if h.Match != MatchLookalike || len(h.Diffs) != 1 || h.Diffs[0].ReadPos != 2 || h.Diffs[0].Read != "8" || h.Diffs[0].Listed != "B" {
		t.Fatalf("hit = %+v", h)
	}
	if ev := <-feed.C(); ev.Kind != HitAlert || ev.Hit.ID != h.ID {
		t.Fatalf("event = %+v", ev)
	}
	// The same vehicle read again is no second alert.
	fakeHit(t, c, "cam03", "1A8C123")
	if n := len(mustHits(t)(c.Hits(viewer(t, c)))); n != 1 {
		t.Fatalf("%d hits after a second read of the same vehicle, want 1", n)
	}

	inv := loginTB(t, c, "recherche")
	var de *DeniedError
	if err := c.ConfirmHit(context.Background(), inv, h.ID); !errors.As(err, &de) || de.Decision.Code != CodeRoleNotPermitted {
		t.Fatalf("investigator ConfirmHit = %v, want role_not_permitted", err)
	}
	disp := loginTB(t, c, "dispatcher")
	if err := c.RejectHit(context.Background(), disp, h.ID, "bogus", ""); !errors.Is(err, ErrRejectReason) {
		t.Fatalf("RejectHit(bogus) = %v", err)
	}
	if err := c.RejectHit(context.Background(), disp, h.ID, RejectOther, " "); !errors.Is(err, ErrRejectReason) {
		t.Fatalf("RejectHit(other, no note) = %v", err)
	}
	if err := c.RejectHit(context.Background(), disp, h.ID, RejectMisread, "8 is a B on the crop"); err != nil {
		t.Fatalf("RejectHit: %v", err)
	}
	if err := c.ConfirmHit(context.Background(), disp, h.ID); !errors.Is(err, ErrHitHandled) {
		t.Fatalf("ConfirmHit after reject = %v", err)
	}
	if _, err := c.Dispatch(context.Background(), disp, h.ID); !errors.Is(err, ErrHitNotConfirmed) {
		t.Fatalf("Dispatch after reject = %v", err)
	}
	if hs := mustHits(t)(c.SearchHits(viewer(t, c), HitFilter{RejectReason: RejectMisread})); len(hs) != 1 || hs[0].Status != HitRejected {
		t.Fatalf("SearchHits(misread) = %+v", hs)
	}

	// A restart keeps the hit, its status and its history.
	if err := c.CloseDispatch(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.stores(context.Background()); err != nil {
		t.Fatal(err)
	}
	back, ok := c.Hit(viewer(t, c), h.ID)
	if !ok || back.Status != HitRejected || back.RejectReason != RejectMisread || back.Note != "8 is a B on the crop" ||
		back.Match != MatchLookalike || len(back.Diffs) != 1 || back.Camera.ID != "cam03" || len(back.History) < 3 ||
		back.History[len(back.History)-1].User != "dispatcher" {
		t.Fatalf("after a restart: %+v (found %v)", back, ok)
	}
	rej := auditOf(t, c, audit.ActHitReject)
	if len(rej) != 1 || rej[0].User != "dispatcher" || !strings.Contains(rej[0].Detail, `"reject":"misread"`) ||
		!strings.Contains(rej[0].Detail, `"match":"lookalike"`) {
		t.Fatalf("hit.reject entries = %+v", rej)
	}
	denied := auditOf(t, c, audit.ActHitConfirm)
	if len(denied) != 1 || denied[0].Outcome != audit.OutcomeDenied || denied[0].User != "recherche" {
		t.Fatalf("hit.confirm entries = %+v", denied)
	}
}

func TestHitFeedNeverBlocks(t *testing.T) {
	c := openTestConsoleTB(t)
	t.Cleanup(func() { c.CloseDispatch() })
	importCSV(t, c, "local", "1ABC123,BE,local list,stop and check,3,,,\n2ABC123,BE,local list,stop,2,,,\n3ABC123,BE,local list,stop,2,,,\n")
	feed := mustFeed(t, c, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, p := range []string{"1ABC123", "2ABC123", "3ABC123"} {
			fakeHit(t, c, "cam04", p)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("raising hits blocked on a full feed")
	}
	if feed.Dropped() != 2 {
		t.Errorf("Dropped = %d, want 2", feed.Dropped())
	}
	feed.Close()
	feed.Close() // idempotent
	n := 0
	for range feed.C() {
		n++
	}
	if n != 1 {
		t.Errorf("%d events buffered, want 1", n)
	}
}

func testLog() *slog.Logger {
	if os.Getenv("ZONECONSOLE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// viewer is a session that may see hits: the simulated zone's dispatcher.
func viewer(tb testing.TB, c *Console) *Session {
	tb.Helper()
	s, err := c.Login(context.Background(), "dispatcher", DemoPassword)
	if err != nil {
		tb.Fatalf("login dispatcher: %v", err)
	}
	return s
}

func mustFeed(tb testing.TB, c *Console, n int) *HitFeed {
	tb.Helper()
	f, err := c.SubscribeHits(viewer(tb, c), n)
	if err != nil {
		tb.Fatalf("SubscribeHits: %v", err)
	}
	return f
}

func mustHits(tb testing.TB) func([]Hit, error) []Hit {
	return func(hs []Hit, err error) []Hit {
		tb.Helper()
		if err != nil {
			tb.Fatalf("hits: %v", err)
		}
		return hs
	}
}

// TestHitsOnlyForHitHandlers: a hit carries a plate crop, a vehicle image
// and a measure; roles that do not handle hits get none of it from app.
func TestHitsOnlyForHitHandlers(t *testing.T) {
	c := openTestConsoleTB(t)
	t.Cleanup(func() { c.CloseDispatch() })
	importCSV(t, c, "local", "1ABC123,BE,local list,stop and check,3,,,\n")
	h := fakeHit(t, c, "cam03", "1ABC123")
	chief, err := c.Login(context.Background(), "teamchef", DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"bewaker", "dpo", "stad", "beheerder"} {
		s, err := c.Login(context.Background(), name, DemoPassword)
		if err != nil {
			t.Fatal(err)
		}
		var denied *DeniedError
		if hs, err := c.Hits(s); !errors.As(err, &denied) || hs != nil {
			t.Errorf("%s: Hits = %d hits, %v; want a denial", name, len(hs), err)
		}
		if f, err := c.SubscribeHits(s, 4); f != nil || err == nil {
			t.Errorf("%s: SubscribeHits allowed", name)
		}
		if _, ok := c.Hit(s, h.ID); ok {
			t.Errorf("%s: Hit(%s) handed out", name, h.ID)
		}
	}
	if _, ok := c.Hit(chief, h.ID); !ok {
		t.Error("a team chief handles hits and must see this one")
	}
}
