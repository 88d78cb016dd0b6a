package trail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/politiezone/zoneconsole/audit"
)

// Detail is the typed detail of one audit entry; Action names the entry's
// audit action, so a detail cannot be written under another action by mistake.
type Detail interface {
	Action() audit.Action
}

// Facts are what the policy weighed besides the justification, recorded
// with a decision so a reviewer sees why old footage was shown.
type Facts struct {
	FootageAge   Duration `json:"footage_age,omitzero"`
	EvidenceHold bool     `json:"evidence_hold,omitempty"`
	Covert       bool     `json:"covert,omitempty"`
}

func (f Facts) zero() bool { return f == Facts{} }

// Duration is a time.Duration written as Go writes it ("1m30s"), rounded to
// the millisecond, so a reviewer reads it without arithmetic.
type Duration time.Duration

func (d Duration) MarshalText() ([]byte, error) {
	return []byte(time.Duration(d).Round(time.Millisecond).String()), nil
}

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Encode writes d canonically. facts, when not zero, are added as a last
// "facts" member. It refuses what is not a struct, since a map's or a
// slice's encoding would not say which detail it is.
func Encode(d Detail, facts Facts) (string, error) {
	if d == nil {
		return "", errors.New("trail: nil detail")
	}
	v := reflect.ValueOf(d)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return "", fmt.Errorf("trail: detail %T is not a struct", d)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v.Interface()); err != nil {
		return "", fmt.Errorf("trail: %T: %w", d, err)
	}
	out := bytes.TrimRight(b.Bytes(), "\n")
	if !facts.zero() {
		fb, err := json.Marshal(facts)
		if err != nil {
			return "", fmt.Errorf("trail: facts: %w", err)
		}
		sep := ","
		if len(out) == 2 { // "{}"
			sep = ""
		}
		out = append(append(append(out[:len(out)-1:len(out)-1], sep+`"facts":`...), fb...), '}')
	}
	return string(out), nil
}

// MustEncode is Encode for the console's own detail structs, whose encoding
// cannot fail (strings, numbers, booleans and times only); a failure would
// be a programming error, and it is returned as a detail that says so
// rather than a panic, so the entry is still written.
func MustEncode(d Detail, facts Facts) string {
	s, err := Encode(d, facts)
	if err != nil {
		return fmt.Sprintf(`{"encode_error":%q}`, err.Error())
	}
	return s
}

// Decode reads an entry's detail into the struct its action has (see
// ForAction). Entries of an older release, written as "k=v" text, are not
// JSON: they come back as a *LegacyError holding the text.
func Decode(act audit.Action, detail string) (Detail, error) {
	d := ForAction(act)
	if d == nil {
		return nil, fmt.Errorf("trail: no detail type for action %q", act)
	}
	if len(detail) == 0 || detail[0] != '{' {
		return nil, &LegacyError{Text: detail}
	}
	if err := json.Unmarshal([]byte(detail), d); err != nil {
		return nil, fmt.Errorf("trail: %s detail: %w", act, err)
	}
	return reflect.ValueOf(d).Elem().Interface().(Detail), nil
}

// EncodeFacts is the detail of a decision that has facts and no detail of
// its own.
func EncodeFacts(f Facts) string {
	b, _ := json.Marshal(struct {
		Facts Facts `json:"facts"`
	}{f})
	return string(b)
}

// DecodeFacts reads the facts a decision recorded (zero when none).
func DecodeFacts(detail string) Facts {
	var w struct {
		Facts Facts `json:"facts"`
	}
	_ = json.Unmarshal([]byte(detail), &w)
	return w.Facts
}

// LegacyError is a detail written before details were typed.
type LegacyError struct{ Text string }

func (e *LegacyError) Error() string { return "trail: untyped detail: " + e.Text }

// ViewOf is the live view id a live.start or live.stop entry names: from
// its typed detail, or from an older release's "view=<id>" text.
func ViewOf(e audit.Entry) string {
	var d struct {
		View string `json:"view"`
	}
	if len(e.Detail) > 0 && e.Detail[0] == '{' {
		if json.Unmarshal([]byte(e.Detail), &d) == nil {
			return d.View
		}
		return ""
	}
	return audit.DetailValue(e.Detail, "view")
}

// OpenIntervals returns, of live.start and live.stop entries in time order,
// the allowed starts that no later stop closes: who was watching which
// camera when the entries end. A stop closes the start with the same view
// id; entries without one match on user, console and subject.
func OpenIntervals(es []audit.Entry) []audit.Entry {
	open := map[string]int{}
	for i, e := range es {
		k := "usc\x00" + e.User + "\x00" + e.Console + "\x00" + e.Subject
		if v := ViewOf(e); v != "" {
			k = "view\x00" + v
		}
		switch {
		case e.Action == ActLiveStart && e.Outcome == audit.OutcomeAllowed:
			open[k] = i
		case e.Action == ActLiveStop:
			delete(open, k)
		}
	}
	idx := make([]int, 0, len(open))
	for _, i := range open {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]audit.Entry, len(idx))
	for j, i := range idx {
		out[j] = es[i]
	}
	return out
}
