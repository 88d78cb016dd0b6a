package sim

import (
	"context"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The zone's PTZ cameras answer ONVIF (device, media and PTZ services, SOAP
// 1.2) on one HTTP server, each under /onvif/<camera>/. Every request but
// GetSystemDateAndTime needs a WS-Security UsernameToken digest, checked
// against the camera's clock, which runs ONVIFClockSkew ahead of the
// host's: a client that does not read the camera's time is refused, as a
// real camera with a drifting clock would refuse it.
const (
	ONVIFClockSkew = 93 * time.Second
	// onvifTolerance is how far Created may be from the camera's clock.
	onvifTolerance = 5 * time.Second
	onvifUser      = "ptz"
)

type onvifServer struct {
	z   *Zone
	srv *http.Server
	url string // http://127.0.0.1:PORT
	log *slog.Logger
}

func (z *Zone) startONVIF() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("onvif: %w", err)
	}
	o := &onvifServer{z: z, url: "http://" + ln.Addr().String(), log: z.log.With("service", "onvif")}
	o.srv = &http.Server{Handler: o, ReadHeaderTimeout: 5 * time.Second}
	z.onvif = o
	z.wg.Add(1)
	go func() {
		defer z.wg.Done()
		if err := o.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			o.log.Warn("onvif server", "err", err)
		}
	}()
	for _, c := range z.cams {
		if c.ptz != nil {
			c.pub.ONVIF = o.url + "/onvif/" + c.pub.ID + "/device_service"
		}
	}
	return nil
}

func (o *onvifServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = o.srv.Shutdown(ctx)
}

// PTZPosition is where a simulated PTZ camera points now.
func (z *Zone) PTZPosition(cameraID string) (Position, error) {
	c, ok := z.byID[cameraID]
	if !ok || c.ptz == nil {
		return Position{}, fmt.Errorf("ptz position of %q: %w", cameraID, ErrUnknownCamera)
	}
	return c.ptz.position(time.Now()), nil
}

// request is what the handler reads of an envelope, by local names.
type onvifRequest struct {
	Header struct {
		Token *struct {
			Username string `xml:"Username"`
			Password string `xml:"Password"`
			Nonce    string `xml:"Nonce"`
			Created  string `xml:"Created"`
		} `xml:"Security>UsernameToken"`
	} `xml:"Header"`
	Body struct {
		Op struct {
			XMLName      xml.Name
			ProfileToken string `xml:"ProfileToken"`
			PresetToken  string `xml:"PresetToken"`
			PresetName   string `xml:"PresetName"`
			Timeout      string `xml:"Timeout"`
			Velocity     struct {
				PanTilt struct {
					X string `xml:"x,attr"`
					Y string `xml:"y,attr"`
				} `xml:"PanTilt"`
				Zoom struct {
					X string `xml:"x,attr"`
				} `xml:"Zoom"`
			} `xml:"Velocity"`
		} `xml:",any"`
	} `xml:"Body"`
}

func (o *onvifServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 3 || parts[0] != "onvif" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	c, ok := o.z.byID[parts[1]]
	if !ok || c.ptz == nil {
		http.NotFound(w, r)
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var req onvifRequest
	if err == nil {
		err = xml.Unmarshal(data, &req)
	}
	if err != nil {
		soapFault(w, http.StatusBadRequest, "env:Sender", "ter:WellFormed", "not a SOAP envelope")
		return
	}
	now := time.Now()
	camNow := now.Add(ONVIFClockSkew)
	op := req.Body.Op.XMLName.Local
	if op == "GetSystemDateAndTime" {
		u := camNow.UTC()
		soapOK(w, fmt.Sprintf(`<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>`+
			`<tt:DaylightSavings>false</tt:DaylightSavings><tt:UTCDateTime><tt:Time><tt:Hour>%d</tt:Hour><tt:Minute>%d</tt:Minute><tt:Second>%d</tt:Second></tt:Time>`+
			`<tt:Date><tt:Year>%d</tt:Year><tt:Month>%d</tt:Month><tt:Day>%d</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
			u.Hour(), u.Minute(), u.Second(), u.Year(), int(u.Month()), u.Day()))
		return
	}
	if !o.authorised(c, req, camNow) {
		o.log.Info("onvif login refused", "camera", c.pub.ID, "op", op)
		soapFault(w, http.StatusBadRequest, "env:Sender", "ter:NotAuthorized", "the UsernameToken does not verify")
		return
	}
	base := o.url + "/onvif/" + c.pub.ID
	s := c.ptz
	switch op {
	case "GetCapabilities":
		soapOK(w, `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>`+base+`/device_service</tt:XAddr></tt:Device>`+
			`<tt:Media><tt:XAddr>`+base+`/media_service</tt:XAddr></tt:Media><tt:PTZ><tt:XAddr>`+base+`/ptz_service</tt:XAddr></tt:PTZ>`+
			`</tds:Capabilities></tds:GetCapabilitiesResponse>`)
	case "GetProfiles":
		soapOK(w, `<trt:GetProfilesResponse><trt:Profiles token="main" fixed="true"><tt:Name>main</tt:Name>`+
			`<tt:PTZConfiguration token="ptz0"><tt:Name>ptz</tt:Name><tt:NodeToken>node0</tt:NodeToken></tt:PTZConfiguration>`+
			`</trt:Profiles></trt:GetProfilesResponse>`)
	case "ContinuousMove":
		v := req.Body.Op.Velocity
		pos := Position{Pan: atof(v.PanTilt.X), Tilt: atof(v.PanTilt.Y), Zoom: atof(v.Zoom.X)}
		s.move(now, pos, xsdSeconds(req.Body.Op.Timeout, 10*time.Second))
		o.log.Debug("ptz move", "camera", c.pub.ID, "velocity", pos)
		soapOK(w, `<tptz:ContinuousMoveResponse/>`)
	case "Stop":
		s.stop(now)
		soapOK(w, `<tptz:StopResponse/>`)
	case "GetPresets":
		var b strings.Builder
		b.WriteString(`<tptz:GetPresetsResponse>`)
		for _, p := range s.presetList() {
			fmt.Fprintf(&b, `<tptz:Preset token="%s"><tt:Name>%s</tt:Name><tt:PTZPosition><tt:PanTilt x="%g" y="%g"/><tt:Zoom x="%g"/></tt:PTZPosition></tptz:Preset>`,
				html.EscapeString(p.token), html.EscapeString(p.name), p.pos.Pan, p.pos.Tilt, p.pos.Zoom)
		}
		b.WriteString(`</tptz:GetPresetsResponse>`)
		soapOK(w, b.String())
	case "GotoPreset":
		if !s.gotoPreset(now, strings.TrimSpace(req.Body.Op.PresetToken)) {
			soapFault(w, http.StatusBadRequest, "env:Sender", "ter:NoToken", "no such preset")
			return
		}
		soapOK(w, `<tptz:GotoPresetResponse/>`)
	case "SetPreset":
		tok := s.setPreset(now, strings.TrimSpace(req.Body.Op.PresetToken), strings.TrimSpace(req.Body.Op.PresetName))
		if tok == "" {
			soapFault(w, http.StatusBadRequest, "env:Sender", "ter:NoToken", "no such preset")
			return
		}
		soapOK(w, `<tptz:SetPresetResponse><tptz:PresetToken>`+html.EscapeString(tok)+`</tptz:PresetToken></tptz:SetPresetResponse>`)
	default:
		soapFault(w, http.StatusBadRequest, "env:Receiver", "ter:ActionNotSupported", "not simulated: "+op)
	}
}

// authorised checks the UsernameToken digest (base64(sha1(nonce + created
// + password))) and that Created is on the camera's clock.
func (o *onvifServer) authorised(c *camState, req onvifRequest, camNow time.Time) bool {
	t := req.Header.Token
	if t == nil || t.Username != onvifUser {
		return false
	}
	created, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(t.Created))
	if err != nil || created.Sub(camNow).Abs() > onvifTolerance {
		return false
	}
	nonce, err := base64.StdEncoding.DecodeString(strings.TrimSpace(t.Nonce))
	if err != nil {
		return false
	}
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(strings.TrimSpace(t.Created)))
	h.Write([]byte(c.pub.ONVIFPassword))
	want := base64.StdEncoding.EncodeToString(h.Sum(nil))
	return subtle.ConstantTimeCompare([]byte(want), []byte(strings.TrimSpace(t.Password))) == 1
}

const soapHead = `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" ` +
	`xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" ` +
	`xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" ` +
	`xmlns:ter="http://www.onvif.org/ver10/error"><env:Body>`

func soapOK(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
	_, _ = io.WriteString(w, soapHead+body+`</env:Body></env:Envelope>`)
}

func soapFault(w http.ResponseWriter, status int, code, sub, reason string) {
	w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, soapHead+`<env:Fault><env:Code><env:Value>`+code+`</env:Value><env:Subcode><env:Value>`+sub+
		`</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">`+html.EscapeString(reason)+
		`</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>`)
}

func atof(s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0 // an absent attribute is 0, as the schema's default
	}
	return v
}

// xsdSeconds reads the PTnS form of xs:duration the console sends; other
// forms get def.
func xsdSeconds(s string, def time.Duration) time.Duration {
	s = strings.TrimSpace(s)
	if v, ok := strings.CutPrefix(s, "PT"); ok {
		if v, ok := strings.CutSuffix(v, "S"); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 && f <= 3600 {
				return time.Duration(f * float64(time.Second))
			}
		}
	}
	return def
}
