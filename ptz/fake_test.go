package ptz_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/politiezone/zoneconsole/ptz"
)

// fake is a camera that records the SOAP it receives and checks the token
// against its own clock, which runs offset away from the host's.
type fake struct {
	t      *testing.T
	offset time.Duration
	mu     sync.Mutex
	bodies map[string]string // op -> last envelope
	bad    string            // answer this instead of SOAP
}

type received struct {
	Header struct {
		Sec *ptz.Security `xml:"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd Security"`
	} `xml:"Header"`
	Body struct {
		Op struct{ XMLName xml.Name } `xml:",any"`
	} `xml:"Body"`
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	if f.bad != "" {
		io.WriteString(w, f.bad)
		return
	}
	var env received
	if err := xml.Unmarshal(data, &env); err != nil {
		f.t.Errorf("the client sent no SOAP: %v\n%s", err, data)
		return
	}
	op := env.Body.Op.XMLName.Local
	f.mu.Lock()
	f.bodies[op] = string(data)
	f.mu.Unlock()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/soap+xml") {
		f.t.Errorf("%s: Content-Type %q", op, ct)
	}
	camNow := time.Now().Add(f.offset)
	if op == "GetSystemDateAndTime" {
		u := camNow.UTC()
		reply(w, fmt.Sprintf(`<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:UTCDateTime><tt:Time><tt:Hour>%d</tt:Hour><tt:Minute>%d</tt:Minute><tt:Second>%d</tt:Second></tt:Time><tt:Date><tt:Year>%d</tt:Year><tt:Month>%d</tt:Month><tt:Day>%d</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
			u.Hour(), u.Minute(), u.Second(), u.Year(), int(u.Month()), u.Day()))
		return
	}
	if env.Header.Sec == nil || !env.Header.Sec.Verify("op", "s3cret", camNow, 5*time.Second) {
		w.WriteHeader(http.StatusBadRequest)
		reply(w, `<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code><env:Reason><env:Text>no</env:Text></env:Reason></env:Fault>`)
		f.t.Errorf("%s: the token does not verify on the camera's clock: %s", op, data)
		return
	}
	switch op {
	case "GetCapabilities":
		reply(w, `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Media><tt:XAddr>http://`+r.Host+`/media</tt:XAddr></tt:Media><tt:PTZ><tt:XAddr>http://`+r.Host+`/ptz</tt:XAddr></tt:PTZ></tds:Capabilities></tds:GetCapabilitiesResponse>`)
	case "GetProfiles":
		reply(w, `<trt:GetProfilesResponse><trt:Profiles token="fixed0"/><trt:Profiles token="prof1"><tt:PTZConfiguration token="p"/></trt:Profiles></trt:GetProfilesResponse>`)
	case "GetPresets":
		reply(w, `<tptz:GetPresetsResponse><tptz:Preset token="7"><tt:Name>Ingang</tt:Name></tptz:Preset></tptz:GetPresetsResponse>`)
	case "SetPreset":
		reply(w, `<tptz:SetPresetResponse><tptz:PresetToken>8</tptz:PresetToken></tptz:SetPresetResponse>`)
	default:
		reply(w, `<tptz:`+op+`Response/>`)
	}
}

func reply(w http.ResponseWriter, body string) {
	io.WriteString(w, `<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:ter="http://www.onvif.org/ver10/error"><env:Body>`+body+`</env:Body></env:Envelope>`)
}

func newFake(t *testing.T, offset time.Duration) (*fake, *ptz.Client) {
	f := &fake{t: t, offset: offset, bodies: map[string]string{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := ptz.New(ptz.Config{Camera: "cam09", URL: srv.URL + "/onvif/device_service", Username: "op", Password: "s3cret",
		Timeout: 2 * time.Second, MoveTimeout: 3 * time.Second})
	return f, c
}

// TestFakeMoveSOAP: the move's body names the PTZ profile, the velocity and
// the timeout, goes to the PTZ service, and its token verifies on a camera
// clock 42 minutes ahead of ours.
func TestFakeMoveSOAP(t *testing.T) {
	f, c := newFake(t, 42*time.Minute+17*time.Second)
	if err := c.Move(context.Background(), 0.5, -0.25, 0.75); err != nil {
		t.Fatal(err)
	}
	if off := c.Offset(); (off - 42*time.Minute - 17*time.Second).Abs() > 2*time.Second {
		t.Errorf("offset %v, want about 42m17s", off)
	}
	body := f.bodies["ContinuousMove"]
	var env struct {
		Body struct {
			Move struct {
				XMLName xml.Name
				Profile string `xml:"ProfileToken"`
				Timeout string `xml:"Timeout"`
				PanTilt struct {
					X float64 `xml:"x,attr"`
					Y float64 `xml:"y,attr"`
				} `xml:"Velocity>PanTilt"`
				Zoom struct {
					X float64 `xml:"x,attr"`
				} `xml:"Velocity>Zoom"`
			} `xml:"ContinuousMove"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal([]byte(body), &env); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	m := env.Body.Move
	if m.XMLName.Space != "http://www.onvif.org/ver20/ptz/wsdl" {
		t.Errorf("ContinuousMove in namespace %q", m.XMLName.Space)
	}
	if m.Profile != "prof1" || m.Timeout != "PT3S" || m.PanTilt.X != 0.5 || m.PanTilt.Y != -0.25 || m.Zoom.X != 0.75 {
		t.Errorf("move sent %+v\n%s", m, body)
	}
	// A zero speed is written, not left out (the schema requires x and y).
	if err := c.Move(context.Background(), 0, 0.5, 0); err != nil {
		t.Fatal(err)
	}
	if b := f.bodies["ContinuousMove"]; !strings.Contains(b, `<onvif:PanTilt x="0" y="0.5"/>`) || !strings.Contains(b, `<onvif:Zoom x="0"/>`) {
		t.Errorf("tilt only sent %s", b)
	}
	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<tptz:ProfileToken>prof1</tptz:ProfileToken>", "<tptz:PanTilt>true</tptz:PanTilt>", "<tptz:Zoom>true</tptz:Zoom>"} {
		if !strings.Contains(f.bodies["Stop"], want) {
			t.Errorf("stop lacks %s:\n%s", want, f.bodies["Stop"])
		}
	}
}

// TestFakePresets: go to by name sends the preset's token; save returns the
// camera's token.
func TestFakePresets(t *testing.T) {
	f, c := newFake(t, -3*time.Hour)
	ps, err := c.Presets(context.Background())
	if err != nil || len(ps) != 1 || ps[0] != (ptz.Preset{Token: "7", Name: "Ingang"}) {
		t.Fatalf("presets %v, %v", ps, err)
	}
	if err := c.GotoPreset(context.Background(), "Ingang"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.bodies["GotoPreset"], "<tptz:PresetToken>7</tptz:PresetToken>") {
		t.Errorf("goto sent %s", f.bodies["GotoPreset"])
	}
	if err := c.GotoPreset(context.Background(), "Nergens"); !errors.Is(err, ptz.ErrNoPreset) {
		t.Errorf("goto an unknown preset: %v", err)
	}
	tok, err := c.SetPreset(context.Background(), "Kruispunt")
	if err != nil || tok != "8" {
		t.Fatalf("set preset: %q, %v", tok, err)
	}
	if !strings.Contains(f.bodies["SetPreset"], "<tptz:PresetName>Kruispunt</tptz:PresetName>") {
		t.Errorf("set sent %s", f.bodies["SetPreset"])
	}
}

// TestFakeBadAnswers: garbage, a fault and a range error come back as
// errors naming the camera, never a panic.
func TestFakeBadAnswers(t *testing.T) {
	for _, bad := range []string{"<<<not xml", "<html><body>login</body></html>", "  ", `<env:Envelope xmlns:env="x"><env:Body>`} {
		f, c := newFake(t, 0)
		f.bad = bad
		err := c.Move(context.Background(), 0.1, 0, 0)
		var pe *ptz.Error
		if !errors.As(err, &pe) || pe.Camera != "cam09" {
			t.Errorf("answer %q: %v", bad, err)
		}
	}
	_, c := newFake(t, 0)
	if err := c.Move(context.Background(), 2, 0, 0); !errors.Is(err, ptz.ErrRange) {
		t.Errorf("speed 2: %v", err)
	}
}

// TestFakeTimeout: a camera that does not answer costs the timeout, not more.
func TestFakeTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(1500 * time.Millisecond):
		}
	}))
	defer srv.Close()
	c := ptz.New(ptz.Config{Camera: "cam09", URL: srv.URL, Timeout: 200 * time.Millisecond})
	start := time.Now()
	if err := c.Stop(context.Background()); err == nil {
		t.Fatal("no error from a silent camera")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}
