package trail

import (
	"errors"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/audit"
)

func TestDetailsRoundTripWithAwkwardText(t *testing.T) {
	note := `persons fighting = "two", near the <station> & the bank`
	in := Dispatch{Hit: "h1", Note: note, Unit: "BORG 11", Distance: 812.5}
	s, err := Encode(in, Facts{})
	if err != nil {
		t.Fatal(err)
	}
	// Canonical: the same value always gives the same bytes, in declared
	// order, with nothing HTML-escaped.
	if want := `{"hit":"h1","note":"persons fighting = \"two\", near the <station> & the bank","unit":"BORG 11","distance_m":812.5}`; s != want {
		t.Fatalf("Encode = %s\nwant     %s", s, want)
	}
	d, err := Decode(ActDispatch, s)
	if err != nil || d.(Dispatch).Note != note || d.(Dispatch).Unit != "BORG 11" {
		t.Fatalf("Decode = %+v, %v", d, err)
	}
}

func TestFactsAreAppendedAndReadBack(t *testing.T) {
	s := MustEncode(LiveStart{View: "v1", Stream: "sub"}, Facts{Covert: true, FootageAge: Duration(40 * 24 * time.Hour)})
	if want := `{"view":"v1","stream":"sub","facts":{"footage_age":"960h0m0s","covert":true}}`; s != want {
		t.Fatalf("got %s", s)
	}
	if f := DecodeFacts(s); !f.Covert || time.Duration(f.FootageAge) != 40*24*time.Hour {
		t.Fatalf("facts = %+v", f)
	}
	if s := EncodeFacts(Facts{EvidenceHold: true}); s != `{"facts":{"evidence_hold":true}}` {
		t.Fatalf("facts only = %s", s)
	}
}

func TestLegacyDetailsAreNamed(t *testing.T) {
	_, err := Decode(ActLiveStart, "view=abc stream=sub")
	var le *LegacyError
	if !errors.As(err, &le) || le.Text != "view=abc stream=sub" {
		t.Fatalf("legacy detail: %v", err)
	}
	if v := ViewOf(audit.Entry{Action: ActLiveStart, Detail: "view=abc stream=sub"}); v != "abc" {
		t.Fatalf("ViewOf legacy = %q", v)
	}
	if v := ViewOf(audit.Entry{Action: ActLiveStop, Detail: MustEncode(LiveStop{View: "x"}, Facts{})}); v != "x" {
		t.Fatalf("ViewOf typed = %q", v)
	}
}

func TestEveryActionHasOneDetailType(t *testing.T) {
	for a := range types {
		d := ForAction(a)
		if d == nil {
			t.Fatalf("%s: no detail", a)
		}
		if got := d.Action(); got != a && !(a == ActHitReject && got == ActHitConfirm) {
			t.Errorf("the detail of %s says it is %s", a, got)
		}
	}
	if ForAction("no.such") != nil {
		t.Error("a detail for an unknown action")
	}
}

func TestOpenIntervals(t *testing.T) {
	start := func(v, subj string) audit.Entry {
		return audit.Entry{Action: ActLiveStart, Outcome: audit.OutcomeAllowed, Subject: subj, Detail: MustEncode(LiveStart{View: v}, Facts{})}
	}
	stop := func(v string) audit.Entry {
		return audit.Entry{Action: ActLiveStop, Outcome: audit.OutcomeAllowed, Detail: MustEncode(LiveStop{View: v}, Facts{})}
	}
	denied := audit.Entry{Action: ActLiveStart, Outcome: audit.OutcomeDenied, Subject: "camera:c", Detail: MustEncode(LiveStart{View: "d"}, Facts{})}
	open := OpenIntervals([]audit.Entry{start("a", "camera:a"), start("b", "camera:b"), denied, stop("a"), {Action: ActLiveStart, Outcome: audit.OutcomeAllowed, Subject: "camera:old", Detail: "view=legacy"}})
	if len(open) != 2 || open[0].Subject != "camera:b" || open[1].Subject != "camera:old" {
		t.Fatalf("open = %+v", open)
	}
}
