package reports

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/audit"
	"github.com/politiezone/zoneconsole/trail"
	"github.com/politiezone/zoneconsole/zone"
)

// accessView is what the access page template reads.
type accessView struct {
	page
	R AccessReport
}

// WriteHTML writes the printable answer to the request: the request, what
// is held (passages and footage) with how long each is kept, and every
// audit entry that shows who consulted it. Images are in it only when the
// request chose them (the URIs are empty otherwise). cams names the
// cameras of the request's place (the zone's cameras will do).
func (r AccessReport) WriteHTML(w io.Writer, l Lang, cams []zone.Camera) error {
	p, err := newPen(l, r.Location)
	if err != nil {
		return err
	}
	pg, err := newPage(p, r.Made)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, c := range cams {
		names[c.ID] = cmp.Or(c.Name, c.ID)
	}
	extra := template.FuncMap{
		"camname":   func(id string) string { return cmp.Or(names[id], id) },
		"percent":   func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"retention": p.retention,
		"img":       safeImage,
		"size":      p.size,
		"role":      func(s string) string { return p.l.word("role." + s) },
		"act":       func(a audit.Action) string { return p.l.word("act." + string(a)) },
		"because":   func(s string) string { return p.l.word("because." + s) },
		"outcome":   func(o audit.Outcome) string { return p.l.word("outcome." + string(o)) },
		"describe":  p.consultation,
	}
	return render(w, "access.html", p, extra, accessView{page: pg, R: r})
}

// safeImage lets the data: URIs Access built into an img src, and nothing
// else: html/template would otherwise (rightly) refuse a data: URL there.
func safeImage(uri string) template.URL {
	for _, ct := range []string{"image/jpeg", "image/png", "image/gif", "image/webp"} {
		if strings.HasPrefix(uri, "data:"+ct+";base64,") {
			return template.URL(uri)
		}
	}
	return ""
}

// retention says how long an item is kept, in the reader's words.
func (p pen) retention(r Retention) string {
	var s string
	switch {
	case r.UntilReleased:
		s = p.l.word("r.released")
	case r.Due:
		s = fmt.Sprintf(p.l.word("r.due"), p.date(r.Until))
	default:
		s = fmt.Sprintf(p.l.word("r.until"), p.date(r.Until))
	}
	if len(r.Holds) > 0 {
		s += " — " + fmt.Sprintf(p.l.word("r.hold"), strings.Join(r.Holds, ", "))
	}
	return s
}

func (p pen) size(n int64) string {
	s := fmt.Sprintf("%.1f MB", float64(n)/1e6)
	if p.l != EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// consultation is an entry's detail, then the facts the policy weighed
// (how old the footage was, a hold, a covert camera), which the DPO needs
// to see why old footage could be shown.
func (p pen) consultation(c Consultation) string {
	s := p.describe(c.Detail, c.Raw)
	f := trail.DecodeFacts(c.Entry.Detail)
	var more []string
	if f.FootageAge > 0 {
		more = append(more, p.l.word("f.footage_age")+": "+p.age(time.Duration(f.FootageAge)))
	}
	if f.EvidenceHold {
		more = append(more, p.l.word("f.evidence_hold"))
	}
	if f.Covert {
		more = append(more, p.l.word("f.covert"))
	}
	if len(more) > 0 && s != "" {
		s += "; "
	}
	return s + strings.Join(more, "; ")
}

// age is a footage age in days and hours, the unit the 30-day rule speaks.
func (p pen) age(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	h := int((d % (24 * time.Hour)) / time.Hour)
	return fmt.Sprintf(p.l.word("age"), days, h)
}
