package sim

import (
	"fmt"
	"net/url"
)

// Camera is one simulated camera as a client sees it.
type Camera struct {
	ID      string // "cam01"
	Name    string // "Markt"
	Kind    string // "fixed", "anpr_fixed", "ptz_van", ... (see CONTRACTS.md)
	Address string
	Lat     float64
	Lon     float64
	MainURL string // rtsp://127.0.0.1:PORT/cam01/main, 1280x720
	SubURL  string // rtsp://127.0.0.1:PORT/cam01/sub, 640x360
	ANPR    bool
	PTZ     bool
	// Username and Password are required by the camera; empty when it is open.
	// The URLs never carry them.
	Username string
	Password string
	// ONVIF is a PTZ camera's device service (http://127.0.0.1:PORT/onvif/
	// cam05/device_service), with its own login; empty for a fixed camera.
	ONVIF         string
	ONVIFUsername string
	ONVIFPassword string
}

// WithCredentials returns raw (one of the camera's stream URLs) with the
// camera's username and password in it, as a client that knows them
// connects; raw unchanged for an open camera or an unparsable URL.
func (c Camera) WithCredentials(raw string) string {
	if c.Username == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.User = url.UserPassword(c.Username, c.Password)
	return u.String()
}

// Kinds of camera, as the zone file names them.
const (
	KindFixed          = "fixed"
	KindTemporaryFixed = "temporary_fixed"
	KindANPRFixed      = "anpr_fixed"
	KindANPRMobile     = "anpr_mobile"
	KindPTZVan         = "ptz_van"
	KindMobbox         = "mobbox"
	KindDrone          = "drone"
	KindBodycam        = "bodycam"
	KindOfficeCell     = "office_cell"
	KindThirdParty     = "third_party"
)

// cameraSpec is the fixed part of a camera, before the zone knows its port.
type cameraSpec struct {
	name, kind, address string
	lat, lon            float64
	scene               sceneKind
	auth                bool
}

type sceneKind int

const (
	sceneStreet sceneKind = iota
	sceneSquare
	sceneANPR
	sceneIndoor
	sceneParking
)

// baseSpecs are the first eight cameras, the default zone: the town of
// Borgloon (3840), Limburg. Coordinates are near the real places.
var baseSpecs = []cameraSpec{
	{"Markt", KindFixed, "Markt 1, 3840 Borgloon", 50.80231, 5.34393, sceneSquare, false},
	{"Stationsstraat", KindFixed, "Stationsstraat 12, 3840 Borgloon", 50.80045, 5.34105, sceneStreet, false},
	{"N79 Tongersesteenweg ANPR", KindANPRFixed, "Tongersesteenweg (N79) km 12.4, 3840 Borgloon", 50.79588, 5.36012, sceneANPR, false},
	{"N79 Sint-Truidersteenweg ANPR", KindANPRFixed, "Sint-Truidersteenweg (N79) km 8.1, 3840 Borgloon", 50.80712, 5.32205, sceneANPR, false},
	{"Speelhof PTZ-wagen", KindPTZVan, "Speelhof, 3840 Borgloon", 50.80390, 5.34780, sceneStreet, false},
	{"Graaf de Geloesplein glasbollen", KindMobbox, "Graaf de Geloesplein, 3840 Borgloon", 50.80155, 5.34620, sceneParking, false},
	{"Commissariaat cel 1", KindOfficeCell, "Kogelstraat 10, 3840 Borgloon", 50.80290, 5.34210, sceneIndoor, false},
	{"Carrefour parking Tongersesteenweg", KindThirdParty, "Tongersesteenweg 60, 3840 Borgloon", 50.79790, 5.35280, sceneParking, true},
}

// extraPlaces name the cameras beyond the first eight (benchmarks ask for 16).
var extraPlaces = []struct {
	name     string
	lat, lon float64
}{
	{"Kerniel Kloosterstraat", 50.81290, 5.35560},
	{"Gors-Opleeuw Dorpsstraat", 50.82590, 5.36950},
	{"Hoepertingen Kerkplein", 50.80900, 5.29110},
	{"Jesseren Kerkstraat", 50.78690, 5.38430},
	{"Rijkel Steenweg", 50.79450, 5.31150},
	{"Groot-Loon Dorp", 50.78410, 5.35610},
	{"Bommershoven Kerkstraat", 50.79060, 5.41560},
	{"Broekom Dorpsstraat", 50.77950, 5.33930},
	{"Hendrieken Rode Kruisstraat", 50.78580, 5.36460},
	{"Kuttekoven Kasteelstraat", 50.78730, 5.33420},
	{"Voort Voortstraat", 50.79850, 5.37520},
	{"Kortijs Kortijsstraat", 50.80800, 5.38800},
}

var extraKinds = []struct {
	kind  string
	scene sceneKind
}{
	{KindFixed, sceneStreet},
	{KindANPRFixed, sceneANPR},
	{KindTemporaryFixed, sceneStreet},
	{KindANPRMobile, sceneANPR},
	{KindDrone, sceneParking},
	{KindBodycam, sceneStreet},
	{KindFixed, sceneSquare},
	{KindThirdParty, sceneParking},
}

// specFor returns the spec of the i-th camera (0-based).
func specFor(i int) cameraSpec {
	if i < len(baseSpecs) {
		return baseSpecs[i]
	}
	j := i - len(baseSpecs)
	p := extraPlaces[j%len(extraPlaces)]
	k := extraKinds[j%len(extraKinds)]
	name := p.name
	if j >= len(extraPlaces) {
		name = fmt.Sprintf("%s %d", p.name, j/len(extraPlaces)+1)
	}
	if k.scene == sceneANPR {
		name += " ANPR"
	}
	return cameraSpec{name: name, kind: k.kind, address: p.name + ", 3840 Borgloon",
		lat: p.lat, lon: p.lon, scene: k.scene}
}

func cameraID(i int) string { return fmt.Sprintf("cam%02d", i+1) }
