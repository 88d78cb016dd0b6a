package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/anpr"
	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/hotlist"
)

func TestHotlistImportErrorsAndVersions(t *testing.T) {
	c := openTestConsoleTB(t)
	t.Cleanup(func() { c.CloseDispatch() })
	ctx := context.Background()
	adm := loginTB(t, c, "beheerder")

	first := importCSV(t, c, "local", "1ABC123,BE,local list,stop and check,3,,,\n")
	bad := listCSVHeader +
		"7KLM456,BE,local list,stop and check,3,,,\n" +
		"1AB#123,BE,local list,stop and check,3,,,\n" +
		"1ABE123,BE,,stop and check,3,,,\n" +
		"1ABF123,BE,local list,stop and check,9,2026-13-01,,\n"
	_, err := c.ImportHotlist(ctx, adm, "local", "bad.csv", strings.NewReader(bad))
	var ve *hotlist.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("ImportHotlist(bad) = %v, want a ValidationError", err)
	}
	lines := map[int][]string{}
	for _, fe := range ve.Errors {
		lines[fe.Line] = append(lines[fe.Line], fe.Field)
	}
	want := map[int]string{3: "plate", 4: "source", 5: "priority"}
	for line, field := range want {
		if !strings.Contains(strings.Join(lines[line], ","), field) {
			t.Errorf("line %d: errors on %v, want one on %s (all: %v)", line, lines[line], field, ve.Errors)
		}
	}
	if len(lines[2]) != 0 {
		t.Errorf("line 2 is fine but has errors %v", lines[2])
	}
	if !strings.Contains(strings.Join(lines[5], ","), "valid_from") {
		t.Errorf("line 5: %v, want valid_from too", lines[5])
	}
	// Nothing of the bad file was imported: the first version is active.
	vs, err := c.HotlistVersions(ctx, adm)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Version != 1 || vs[0].SHA256 != first.SHA256 {
		t.Fatalf("versions after a bad import = %+v", vs)
	}
	hot, _, _ := c.stores(ctx)
	if hs := hot.Matcher().Match("7KLM456", "BE", c.now()); len(hs) != 0 {
		t.Fatalf("a plate of the bad file hits: %+v", hs)
	}

	second := importCSV(t, c, "local", "1ABC123,BE,local list,stop and check,3,,,\n1XYZ789,BE,local list,check,4,,2020-01-01,expired\n")
	if second.Version.Version != 2 || second.Previous != 1 || second.Added != 1 || second.Removed != 0 {
		t.Fatalf("second import = %+v", second)
	}
	if hs := hot.Matcher().Match("1XYZ789", "BE", c.now()); len(hs) != 0 {
		t.Errorf("an expired entry hits: %+v", hs)
	}
	if vs, _ = c.HotlistVersions(ctx, adm); len(vs) != 2 {
		t.Errorf("versions = %+v, want 2 kept", vs)
	}

	lc := auditOf(t, c, audit.ActListChange)
	// decision + outcome for each of three imports
	if len(lc) != 6 {
		t.Fatalf("%d list.change entries, want 6: %+v", len(lc), lc)
	}
	if !strings.Contains(lc[3].Detail, `"outcome":"rejected","errors":`) || !strings.Contains(lc[2].Detail, `"file":"bad.csv"`) ||
		!strings.Contains(lc[5].Detail, `"outcome":"imported","version":2,"previous":1,"entries":2,"added":1`) || lc[5].User != "beheerder" {
		t.Errorf("list.change details: %q / %q / %q", lc[2].Detail, lc[3].Detail, lc[5].Detail)
	}

	// A dispatcher may not change lists; the refusal is audited too.
	d := loginTB(t, c, "dispatcher")
	var de *DeniedError
	if _, err := c.ImportHotlist(ctx, d, "local", "x.csv", strings.NewReader(listCSVHeader)); !errors.As(err, &de) {
		t.Fatalf("dispatcher import = %v, want denied", err)
	}
	if _, err := c.HotlistVersions(ctx, d); !errors.As(err, &de) {
		t.Fatalf("dispatcher versions = %v, want denied", err)
	}
	if lc = auditOf(t, c, audit.ActListChange); len(lc) != 7 || lc[6].Outcome != audit.OutcomeDenied {
		t.Errorf("denied import not audited: %+v", lc)
	}
}

func TestHotlistShellImport(t *testing.T) {
	c := openTestConsoleTB(t)
	dir := c.cfg.DataDir
	c.Close()
	ctx := context.Background()
	sh, err := OpenShell(ctx, dir, AuditTrust{}, testLog())
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	if err := sh.Login(ctx, "beheerder", "wrong"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := sh.Login(ctx, "beheerder", DemoPassword); err != nil {
		t.Fatal(err)
	}
	r, err := sh.ImportHotlist(ctx, "national", "n.json", strings.NewReader(`[{"plate":"1-ABC-123","country":"BE","source":"national","measure":"stop","priority":"high"}]`))
	if err != nil || r.Version.Version != 1 || r.Entries != 1 {
		t.Fatalf("Import = %+v, %v", r, err)
	}
	vs, err := sh.HotlistVersions(ctx)
	if err != nil || len(vs) != 1 || vs[0].ImportedBy != "beheerder" {
		t.Fatalf("Versions = %+v, %v", vs, err)
	}
}

func TestANPRSearchAudited(t *testing.T) {
	c := openTestConsoleTB(t)
	t.Cleanup(func() { c.CloseDispatch() })
	ctx := context.Background()
	_, ps, err := c.stores(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := c.now()
	for i, p := range []string{"1ABC123", "1ABD124", "2XYZ999"} {
		if _, err := ps.Add(ctx, anpr.Passage{Time: now.Add(-time.Duration(i+1) * time.Hour), Camera: "cam03", Plate: p, Display: p, Country: "BE", Confidence: 0.9}); err != nil {
			t.Fatal(err)
		}
	}
	inv := loginTB(t, c, "recherche")
	why := Reason{Kind: JustJudicial, Ref: "PV 2026/123", Text: "stolen car seen near the station"}
	got, err := c.SearchPassages(ctx, inv, PassageQuery{Pattern: "1-AB?-1*", From: now.Add(-24 * time.Hour), To: time.Time{}, Cameras: []string{"cam03"}}, why)
	if err != nil || len(got) != 2 {
		t.Fatalf("SearchPassages = %d passages, %v; want 2", len(got), err)
	}
	es := auditOf(t, c, audit.ActANPRSearch)
	if len(es) != 2 || es[0].Subject != "plate:1AB?1*" || es[0].JustRef != "PV 2026/123" || !strings.Contains(es[0].Detail, `"cameras":["cam03"]`) ||
		!strings.Contains(es[1].Detail, `"results":2`) {
		t.Fatalf("anpr.search entries = %+v", es)
	}
	// No motivation, or a dispatcher: refused, and audited.
	var de *DeniedError
	if _, err := c.SearchPassages(ctx, inv, PassageQuery{Pattern: "1ABC123", From: time.Time{}, To: time.Time{}}, Reason{Kind: JustJudicial, Ref: "PV 1"}); !errors.As(err, &de) || de.Decision.Code != CodeMotivationRequired {
		t.Fatalf("search without motivation = %v", err)
	}
	d := loginTB(t, c, "dispatcher")
	if _, err := c.SearchPassages(ctx, d, PassageQuery{Pattern: "1ABC123", From: time.Time{}, To: time.Time{}}, why); !errors.As(err, &de) {
		t.Fatalf("dispatcher search = %v", err)
	}
	if es = auditOf(t, c, audit.ActANPRSearch); len(es) != 4 || es[3].Outcome != audit.OutcomeDenied {
		t.Fatalf("refusals not audited: %+v", es)
	}
}
