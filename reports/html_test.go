package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/policy"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// testout is where the rendered documents go for a person to look at
// (the repository's testout/, which git ignores).
const testout = "../testout"

func save(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(testout, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(testout, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// parse parses a page and fails on what html/template would have put in
// for a value it refused, or a template left half-filled.
func parse(t *testing.T, b []byte) *html.Node {
	t.Helper()
	for _, bad := range []string{"ZgotmplZ", "<no value>", "%!"} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("page contains %q", bad)
		}
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func find(n *html.Node, ok func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if ok(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func byID(doc *html.Node, id string) *html.Node {
	ns := find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "id") == id })
	if len(ns) != 1 {
		return nil
	}
	return ns[0]
}

func elements(n *html.Node, tag string) []*html.Node {
	return find(n, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == tag })
}

// bodyRows are the rows of a table's tbody.
func bodyRows(t *testing.T, doc *html.Node, id string) []*html.Node {
	t.Helper()
	tb := byID(doc, id)
	if tb == nil {
		t.Fatalf("no table #%s", id)
	}
	var rows []*html.Node
	for _, b := range elements(tb, "tbody") {
		rows = append(rows, elements(b, "tr")...)
	}
	return rows
}

func text(n *html.Node) string {
	var b strings.Builder
	for _, c := range find(n, func(n *html.Node) bool { return n.Type == html.TextNode }) {
		b.WriteString(c.Data)
	}
	return b.String()
}

func TestCouncilHTML(t *testing.T) {
	cams, rounds := testZone()
	r, err := Council(CouncilInput{Year: 2026, Zone: "PZ Kanton Borgloon", Cameras: cams, Rounds: rounds, Entries: yearOfUse(t).es})
	if err != nil {
		t.Fatal(err)
	}
	made := day(2027, 1, 15, 9, 0)
	for _, l := range []Lang{NL, FR, EN} {
		var b bytes.Buffer
		if err := r.WriteHTML(&b, l, made, nil); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		save(t, "council-2026-"+string(l)+".html", b.Bytes())
		doc := parse(t, b.Bytes())
		if rows := bodyRows(t, doc, "cameras-table"); len(rows) != len(cams) {
			t.Errorf("%s: %d camera rows, want %d", l, len(rows), len(cams))
		}
		if rows := bodyRows(t, doc, "drone-table"); len(rows) != 1 || !strings.Contains(text(rows[0]), "Drone 1") {
			t.Errorf("%s: drone table %d rows", l, len(rows))
		}
		// Three charts: bars for the cameras seen live (all five rows
		// drawn, those without hours at zero width), twelve months, seven
		// grounds.
		svgs := elements(doc, "svg")
		if len(svgs) != 3 {
			t.Fatalf("%s: %d charts, want 3", l, len(svgs))
		}
		for i, want := range []int{len(cams), 12, len(policy.JustKinds()) + 1} {
			if n := len(elements(svgs[i], "rect")); n != want {
				t.Errorf("%s: chart %d has %d bars, want %d", l, i, n, want)
			}
		}
		title := text(elements(doc, "h1")[0])
		if want := map[Lang]string{NL: "Jaarverslag", FR: "Rapport annuel", EN: "Yearly report"}[l]; !strings.HasPrefix(title, want) {
			t.Errorf("%s: title %q", l, title)
		}
		if l == NL && !strings.Contains(text(doc), "10,0") { // cam01 4h + cam02 6h, Dutch decimal comma
			t.Errorf("nl: fixed cameras' 10,0 hours not on the page")
		}
	}
	var csv bytes.Buffer
	if err := r.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	save(t, "council-2026.csv", csv.Bytes())
}

// TestCouncilHTMLEmpty: a year without use still prints, saying so.
func TestCouncilHTMLEmpty(t *testing.T) {
	r, err := Council(CouncilInput{Year: 2026, Cameras: []zone.Camera{{ID: "c", Name: "C", Kind: zone.KindFixed}}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.WriteHTML(&b, EN, day(2027, 1, 1, 0, 0), nil); err != nil {
		t.Fatal(err)
	}
	doc := parse(t, b.Bytes())
	if n := len(elements(doc, "svg")); n != 0 {
		t.Errorf("%d charts drawn for an empty year", n)
	}
	if s := text(doc); !strings.Contains(s, "No drone deployments") || !strings.Contains(s, "Nothing to show") {
		t.Error("empty year not said")
	}
}

func TestAccessHTML(t *testing.T) {
	for _, images := range []bool{false, true} {
		c := newAccessCase(t, images)
		r, err := Access(c.in)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range []Lang{NL, FR, EN} {
			var b bytes.Buffer
			if err := r.WriteHTML(&b, l, c.in.Cameras); err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			name := "access-" + string(l) + ".html"
			if images {
				name = "access-images-" + string(l) + ".html"
			}
			save(t, name, b.Bytes())
			doc := parse(t, b.Bytes())
			if rows := bodyRows(t, doc, "passages-table"); len(rows) != len(c.in.Passages) {
				t.Errorf("%s: %d passage rows, want %d", l, len(rows), len(c.in.Passages))
			}
			if rows := bodyRows(t, doc, "footage-table"); len(rows) != len(c.in.Footage) {
				t.Errorf("%s: %d footage rows, want %d", l, len(rows), len(c.in.Footage))
			}
			rows := bodyRows(t, doc, "consultations-table")
			if len(rows) != len(c.want) {
				t.Errorf("%s: %d consultation rows, want %d", l, len(rows), len(c.want))
			}
			refused := 0
			for _, row := range rows {
				if attr(row, "class") == "refused" {
					refused++
				}
			}
			if refused != 1 {
				t.Errorf("%s: %d refused rows, want 1", l, refused)
			}
			imgs := elements(doc, "img")
			if !images && (len(imgs) != 0 || bytes.Contains(b.Bytes(), []byte("data:image"))) {
				t.Errorf("%s: %d images on a page without images", l, len(imgs))
			}
			if images {
				if len(imgs) != 2 {
					t.Errorf("%s: %d images, want 2 (passage 9's does not match its hash)", l, len(imgs))
				}
				for _, im := range imgs {
					if !strings.HasPrefix(attr(im, "src"), "data:image/jpeg;base64,") {
						t.Errorf("%s: img src %.40q", l, attr(im, "src"))
					}
				}
			}
		}
	}
	// The Dutch page states the dates a reader checks: passage 1 kept
	// until 12 March, passage 2 until its hold is released.
	c := newAccessCase(t, false)
	r, _ := Access(c.in)
	var b bytes.Buffer
	if err := r.WriteHTML(&b, NL, c.in.Cameras); err != nil {
		t.Fatal(err)
	}
	s := text(parse(t, b.Bytes()))
	for _, want := range []string{"tot 12 maart 2026", "tot de bewaring wordt opgeheven", "bewaard voor onderzoek PV 1/2026",
		"termijn verstreken op 19 februari 2026", "tot 30 juni 2026", "patroon: 1AB?1*", "Dana Peeters", "DPO-2026-017"} {
		if !strings.Contains(s, want) {
			t.Errorf("nl page lacks %q", want)
		}
	}
}

// TestDictionary: every word is in the three languages, and every
// vocabulary the documents print is in it.
func TestDictionary(t *testing.T) {
	for k, w := range dictionary {
		for i, s := range w {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: language %d empty", k, i)
			}
			if strings.HasPrefix(k, "r.") && !strings.Contains(s, "%s") && k != "r.released" {
				t.Errorf("%s: %q has no %%s", k, s)
			}
		}
	}
	var keys []string
	for _, k := range zone.Kinds {
		keys = append(keys, "kind."+string(k))
	}
	for _, k := range policy.JustKinds() {
		keys = append(keys, "just."+string(k))
	}
	for _, r := range []policy.Role{policy.RoleDispatcher, policy.RoleTeamChief, policy.RoleSecurityGuard,
		policy.RoleInvestigator, policy.RoleMunicipal, policy.RoleDPO, policy.RoleAdmin} {
		keys = append(keys, "role."+string(r))
	}
	for _, a := range []audit.Action{trail.ActLogin, trail.ActLogout, trail.ActLoginFailed, trail.ActLiveStart, trail.ActLiveStop,
		trail.ActLiveReview, trail.ActPlayback, trail.ActExport, trail.ActANPRSearch, trail.ActHitConfirm, trail.ActHitReject,
		trail.ActHitView, trail.ActDispatch, trail.ActPatrolView, trail.ActPTZ, trail.ActRoundStart, trail.ActRoundStop,
		trail.ActRoundEdit, trail.ActObservation, trail.ActReview, trail.ActSettings, trail.ActListChange, trail.ActGrant,
		trail.ActEvidenceHold, trail.ActDSAR, trail.ActRecordClean, trail.ActPlaybackStop, trail.ActRecordAlarm} {
		keys = append(keys, "act."+string(a))
	}
	for _, k := range keys {
		if _, ok := dictionary[k]; !ok {
			t.Errorf("dictionary lacks %s", k)
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"": NL, "nl": NL, "FR": FR, " en ": EN} {
		if got, err := ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseLang("de"); err == nil {
		t.Error("ParseLang(de) accepted")
	}
	var b bytes.Buffer
	if err := (CouncilReport{Year: 2026, To: time.Now()}).WriteHTML(&b, "de", time.Now(), nil); err == nil {
		t.Error("WriteHTML in German accepted")
	}
}
