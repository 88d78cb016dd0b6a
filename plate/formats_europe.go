package plate

// The plate series of the other EU and EEA countries, the United Kingdom,
// Switzerland, and the countries whose vehicles are common on Belgian roads
// (Ukraine, Türkiye, Morocco), as data. Unless an entry says otherwise the
// source is the English Wikipedia article "Vehicle registration plates of
// <country>" (as of 2025), which cites the national regulation named in
// each country's source; the euro band itself is Council Regulation (EC)
// No 2411/98. The series are the car series and the usual special series
// (motorbike, trailer, diplomatic, historic, temporary) where a reader
// meets them; personalised plates are left out where they follow no series.
//
// How wide a series may be is a trade-off the decoder settles: a format
// only turns look-alikes into what its positions need and is dropped when
// the recogniser was sure of the glyph (anpr/decide.go), so a series written
// a little too wide costs little, one written too narrow forces a plate
// into a neighbour's series.

// series is one plate series of one country, as the sources write it.
type series struct {
	name, kind string
	// tmpl is a template with repetitions (expandTemplate); min and max
	// bound the total number of characters (0: no bound).
	tmpl     string
	min, max int
	letters  string
	seps     []string
	prior    float64
	top      int // groups on the top line of the two-line layout, 0 if none
	// ok and bad are a plate of the series and a near miss that is not,
	// for the table test.
	ok, bad string
}

type country struct {
	code, source string
	series       []series
}

const (
	// Letters that read as Cyrillic on Bulgarian and Ukrainian plates.
	cyrLatin = "ABCEHIKMOPTX"
	// Greek capitals that look like Latin ones, the only ones on Greek plates.
	greekLatin = "ABEHIKMNOPTXYZ"
	// Polish serials avoid B, D, I, O and Z (they pass for 8, 0, 1, 0, 2).
	plSerial = "ACEFGHJKLMNPRSTUVWXY"
	// Polish district codes start with the voivodeship's letter.
	plVoiv = "[BCDEFGKLNOPRSTWZ]"
)

var europe = []country{
	{"AT", "KDV 1967 §49 (Austrian Kraftfahrgesetz-Durchführungsverordnung)", []series{
		{name: "at-car", kind: "car", tmpl: "a{1,2}-d{1,5}-l{1,3}", min: 4, max: 8, seps: []string{" ", " "}, prior: -0.3, top: 1, ok: "W 12345 A", bad: "W 12345"},
		{name: "at-personal", kind: "car", tmpl: "a{1,2}-l{3,5}-d{1,3}", min: 5, max: 9, seps: []string{" ", " "}, prior: -0.5, ok: "GU HANS 1", bad: "GU 1 HANS"},
		{name: "at-army", kind: "military", tmpl: "BH-d{4,5}", seps: []string{" "}, prior: -0.6, ok: "BH 12345", bad: "BH 123"},
	}},
	{"BG", "Naredba 1-45 (Bulgarian ordinance on vehicle registration)", []series{
		{name: "bg-car", kind: "car", tmpl: "l{1,2}-dddd-ll", letters: cyrLatin, seps: []string{" ", " "}, prior: -0.3, top: 1, ok: "CA 1234 AB", bad: "CA 1234 AD"},
	}},
	{"HR", "Pravilnik o registraciji vozila (Croatia)", []series{
		{name: "hr-car", kind: "car", tmpl: "aa-d{3,4}-l{1,2}", seps: []string{" ", "-"}, prior: -0.3, top: 1, ok: "ZG 1234-AB", bad: "ZG 12-AB"},
	}},
	{"CY", "Road Transport Department of Cyprus", []series{
		{name: "cy-car", kind: "car", tmpl: "lll-ddd", seps: []string{" "}, prior: -0.4, ok: "KMA 123", bad: "KM 123"},
	}},
	{"CZ", "Vyhláška 343/2014 Sb. (Czech Republic)", []series{
		{name: "cz-car", kind: "car", tmpl: "dlx-dddd", seps: []string{" "}, prior: -0.3, top: 1, ok: "1A2 3456", bad: "AB1 2345"},
		{name: "cz-electric", kind: "electric", tmpl: "EL-dddll", seps: []string{" "}, prior: -0.5, ok: "EL 012AB", bad: "EL 12AB"},
	}},
	{"DK", "Bekendtgørelse om registrering af køretøjer (Denmark)", []series{
		{name: "dk-car", kind: "car", tmpl: "ll-dd-ddd", seps: []string{" ", " "}, prior: -0.3, top: 1, ok: "AB 12 345", bad: "A1 23 456"},
	}},
	{"EE", "Maanteeamet (Estonian Transport Administration)", []series{
		{name: "ee-car", kind: "car", tmpl: "ddd-lll", seps: []string{" "}, prior: -0.4, ok: "123 ABC", bad: "12 ABC"},
	}},
	{"FI", "Traficom (Finnish Transport and Communications Agency)", []series{
		{name: "fi-car", kind: "car", tmpl: "l{2,3}-n{1}d{0,2}", seps: []string{"-"}, prior: -0.3, top: 1, ok: "ABC-123", bad: "ABCD-123"},
		{name: "fi-diplomatic", kind: "diplomatic", tmpl: "CD-n{1}d{0,3}", seps: []string{"-"}, prior: -0.6, ok: "CD-1234", bad: "CD-A12"},
	}},
	{"GR", "Ministry of Infrastructure and Transport (Greece)", []series{
		{name: "gr-car", kind: "car", tmpl: "lll-ndd{2}", letters: greekLatin, seps: []string{"-"}, prior: -0.3, ok: "ABE-1234", bad: "ABD-1234"},
		{name: "gr-motorbike", kind: "motorbike", tmpl: "lll-ndd", letters: greekLatin, seps: []string{"-"}, prior: -0.5, top: 1, ok: "IKM-123", bad: "IKM-12"},
	}},
	{"HU", "6/1990 KöHÉM rendelet and its 2022 amendment (Hungary)", []series{
		{name: "hu-1990", kind: "car", tmpl: "lll-ddd", seps: []string{"-"}, prior: -0.3, ok: "ABC-123", bad: "AB-1234"},
		{name: "hu-2022", kind: "car", tmpl: "ll-ll-ddd", seps: []string{" ", "-"}, prior: -0.3, ok: "AA BC-123", bad: "AA B-123"},
	}},
	{"IE", "Road Vehicles (Registration and Licensing) Regulations (Ireland)", []series{
		// Two-digit years 1987-2012, then year and half-year since 2013
		// (131, 132, ... 252).
		{name: "ie-2013", kind: "car", tmpl: "[12]d[12]-a{1,2}-n{1}d{0,5}", max: 10, seps: []string{"-", "-"}, prior: -0.3, top: 1, ok: "242-D-12345", bad: "203-D-123"},
		{name: "ie-car", kind: "car", tmpl: "[0189]d-a{1,2}-n{1}d{0,5}", max: 10, seps: []string{"-", "-"}, prior: -0.3, top: 1, ok: "12-D-12345", bad: "32-D-1234"},
	}},
	{"IT", "DPR 495/1992, Regolamento del Codice della Strada (Italy)", []series{
		{name: "it-1994", kind: "car", tmpl: "ll-ddd-ll", letters: "ABCDEFGHJKLMNPRSTVWXYZ", seps: []string{" ", " "}, prior: -0.4, ok: "AB 123 CD", bad: "AO 123 CD"},
		{name: "it-motorbike", kind: "motorbike", tmpl: "ll-ddddd", letters: "ABCDEFGHJKLMNPRSTVWXYZ", seps: []string{" "}, prior: -0.5, top: 1, ok: "AB 12345", bad: "AB 1234"},
		{name: "it-trailer", kind: "trailer", tmpl: "Xl-ddd-ll", letters: "ABCDEFGHJKLMNPRSTVWXYZ", seps: []string{"", " ", " "}, prior: -0.6, ok: "XA 123 BC", bad: "AA 123 BC"},
	}},
	{"LV", "CSDD (Road Traffic Safety Directorate of Latvia)", []series{
		{name: "lv-car", kind: "car", tmpl: "l{1,2}-n{1}d{0,3}", seps: []string{"-"}, prior: -0.4, top: 1, ok: "AB-1234", bad: "ABC-1234"},
	}},
	{"LT", "Regitra (Lithuania)", []series{
		{name: "lt-car", kind: "car", tmpl: "lll-ddd", seps: []string{" "}, prior: -0.4, ok: "ABC 123", bad: "AB 123"},
		{name: "lt-taxi", kind: "taxi", tmpl: "T-ddddd", seps: []string{""}, prior: -0.6, ok: "T12345", bad: "T1234"},
	}},
	// Plates of digits only (123456) exist too, and are left out: with them
	// any run of digits in a scene (a phone number on a van) is a plate.
	{"LU", "Règlement grand-ducal du 26 janvier 2016 (Luxembourg, SNCA)", []series{
		{name: "lu-current", kind: "car", tmpl: "ll-dddd", seps: []string{" "}, prior: 0.1, top: 1, ok: "AB 1234", bad: "A 1234"},
	}},
	{"MT", "Transport Malta", []series{
		{name: "mt-car", kind: "car", tmpl: "lll-ddd", seps: []string{" "}, prior: -0.5, ok: "ABC 123", bad: "AB 1234"},
	}},
	{"PL", "Rozporządzenie w sprawie rejestracji i oznaczania pojazdów, Dz.U. 2022 poz. 1847 (Poland)", []series{
		{name: "pl-2-5", kind: "car", tmpl: plVoiv + "a-[ddddd,ddddl,dddll,dlddd,dlldd]", letters: plSerial, seps: []string{" "}, prior: -0.2, ok: "WA 1234A", bad: "WA 1234B"},
		{name: "pl-3-5", kind: "car", tmpl: plVoiv + "aa-[ddddd,ddddl,dddll,dlddd,dlldd]", letters: plSerial, seps: []string{" "}, prior: -0.2, ok: "SCZ 26114", bad: "SCZ 2611D"},
		{name: "pl-3-4", kind: "car", tmpl: plVoiv + "aa-[lddd,ddll,dldd,ddld,dlld,lldd]", letters: plSerial, seps: []string{" "}, prior: -0.2, top: 1, ok: "SMI 03L9", bad: "SMI 03B9"},
	}},
	{"PT", "IMT (Instituto da Mobilidade e dos Transportes, Portugal)", []series{
		{name: "pt-2020", kind: "car", tmpl: "ll-dd-ll", seps: []string{"-", "-"}, prior: -0.5, ok: "AA-00-AA", bad: "AA-0A-AA"},
		{name: "pt-2005", kind: "car", tmpl: "dd-ll-dd", seps: []string{"-", "-"}, prior: -0.5, ok: "00-AA-00", bad: "00-A0-00"},
		{name: "pt-1992", kind: "car", tmpl: "dd-dd-ll", seps: []string{"-", "-"}, prior: -0.5, ok: "00-00-AA", bad: "00-00-A0"},
		{name: "pt-1937", kind: "car", tmpl: "ll-dd-dd", seps: []string{"-", "-"}, prior: -0.6, ok: "AA-00-00", bad: "A0-00-00"},
	}},
	{"RO", "Ordinul MAI 1501/2006 (Romania)", []series{
		{name: "ro-bucharest", kind: "car", tmpl: "B-d{2,3}-lll", seps: []string{" ", " "}, prior: -0.3, ok: "B 123 ABC", bad: "B 1 ABC"},
		{name: "ro-county", kind: "car", tmpl: "aa-dd-lll", seps: []string{" ", " "}, prior: -0.3, ok: "CJ 12 ABC", bad: "CJ 123 AB"},
	}},
	{"SK", "Vyhláška 9/2009 Z. z. (Slovakia)", []series{
		{name: "sk-car", kind: "car", tmpl: "aa-dddll", seps: []string{"-"}, prior: -0.3, top: 1, ok: "BA-123AB", bad: "BA-12ABC"},
	}},
	{"SI", "Pravilnik o registraciji motornih in priklopnih vozil (Slovenia)", []series{
		{name: "si-car", kind: "car", tmpl: "[CE,GO,KK,KP,KR,LJ,MB,MS,NM,PO,SG]-xx-xxx", seps: []string{" ", "-"}, prior: -0.4, ok: "LJ 12-34A", bad: "XX 12-34A"},
	}},
	{"ES", "Real Decreto 2822/1998, Reglamento General de Vehículos, anexo XVIII (Spain)", []series{
		{name: "es-2000", kind: "car", tmpl: "dddd-lll", letters: "BCDFGHJKLMNPRSTVWXYZ", seps: []string{" "}, prior: -0.2, top: 1, ok: "1234 BCD", bad: "1234 BCA"},
		{name: "es-provincial", kind: "car", tmpl: "a{1,2}-dddd-l{1,2}", seps: []string{"-", "-"}, prior: -0.5, ok: "M-1234-AB", bad: "M-123-AB"},
		{name: "es-trailer", kind: "trailer", tmpl: "R-dddd-lll", letters: "BCDFGHJKLMNPRSTVWXYZ", seps: []string{"-", "-"}, prior: -0.5, ok: "R-1234-BCD", bad: "R-1234-ABC"},
		{name: "es-historic", kind: "historic", tmpl: "H-dddd-lll", letters: "BCDFGHJKLMNPRSTVWXYZ", seps: []string{"-", "-"}, prior: -0.6, ok: "H-1234-BCD", bad: "H-12-BCD"},
	}},
	{"SE", "Vägtrafikregisterförordningen 2019:383 (Sweden)", []series{
		{name: "se-car", kind: "car", tmpl: "lll-ddx", letters: "ABCDEFGHJKLMNOPRSTUWXYZ", seps: []string{" "}, prior: -0.3, top: 1, ok: "ABC 12D", bad: "ABC 1234"},
	}},
	{"IS", "Samgöngustofa (Icelandic Transport Authority)", []series{
		{name: "is-car", kind: "car", tmpl: "ll-x-dd", seps: []string{" ", ""}, prior: -0.6, ok: "AB A12", bad: "A1 123"},
	}},
	{"LI", "Motorfahrzeugkontrolle Liechtenstein", []series{
		{name: "li-car", kind: "car", tmpl: "FL-n{1}d{0,4}", seps: []string{" "}, prior: -0.6, ok: "FL 12345", bad: "FL A123"},
	}},
	{"NO", "Forskrift om kjennemerker (Norway)", []series{
		{name: "no-car", kind: "car", tmpl: "ll-ddddd", seps: []string{" "}, prior: -0.3, top: 1, ok: "AB 12345", bad: "AB 1234"},
	}},
	{"GB", "DVLA, INF104: vehicle registration numbers and number plates (United Kingdom)", []series{
		{name: "gb-2001", kind: "car", tmpl: "ll-dd-lll", seps: []string{"", " "}, prior: -0.2, top: 1, ok: "AB12 CDE", bad: "AB1 CDE"},
		{name: "gb-prefix", kind: "car", tmpl: "l-n{1}d{0,2}-lll", seps: []string{"", " "}, prior: -0.5, ok: "A123 BCD", bad: "AB12 3CD"},
		{name: "gb-suffix", kind: "car", tmpl: "lll-n{1}d{0,2}-l", seps: []string{" ", ""}, prior: -0.5, ok: "ABC 123D", bad: "ABC 1234"},
		{name: "gb-ni", kind: "car", tmpl: "l{2}[IZ]-n{1}d{0,3}", seps: []string{" "}, prior: -0.5, ok: "ABZ 1234", bad: "ABC 1234"},
	}},
	{"CH", "Verkehrszulassungsverordnung VZV SR 741.51, Art. 84 ff. (Switzerland)", []series{
		{name: "ch-car", kind: "car", tmpl: "[AG,AI,AR,BE,BL,BS,FR,GE,GL,GR,JU,LU,NE,NW,OW,SG,SH,SO,SZ,TG,TI,UR,VD,VS,ZG,ZH]-n{1}d{0,5}", seps: []string{" "}, prior: -0.3, top: 1, ok: "ZH 123456", bad: "ZH 0123"},
	}},
	{"UA", "Resolution of the Cabinet of Ministers of Ukraine No. 1388 (1998, as amended)", []series{
		{name: "ua-car", kind: "car", tmpl: "ll-dddd-ll", letters: cyrLatin, seps: []string{" ", " "}, prior: -0.3, top: 1, ok: "AA 1234 BC", bad: "AA 1234 BD"},
	}},
	{"TR", "Karayolları Trafik Yönetmeliği, Article 29 (Türkiye)", []series{
		{name: "tr-car", kind: "car", tmpl: "[01234567]d-l{1,3}-d{2,4}", min: 7, max: 8, letters: "ABCDEFGHIJKLMNOPRSTUVYZ", seps: []string{" ", " "}, prior: -0.3, top: 1, ok: "34 ABC 123", bad: "34 ABCD 12"},
	}},
	{"MA", "Arrêté du ministre de l'équipement et du transport (Morocco); the Latin transliteration of the Arabic letter as Moroccan cars carry it abroad", []series{
		{name: "ma-car", kind: "car", tmpl: "n{1}d{0,4}-[ABDEHTW]-n{1}d{0,1}", seps: []string{"-", "-"}, prior: -0.6, ok: "12345-A-6", bad: "12345-C-6"},
	}},
}

// europeFormats compiles the table into formats; a series of several
// layouts names each "series:template" ("pl-2-5:[BCDEFGKLNOPRSTWZ]a-ddddl").
func europeFormats() []Format {
	var out []Format
	for _, c := range europe {
		for _, s := range c.series {
			ts, err := expandSeries(s.tmpl, s.min, s.max)
			if err != nil {
				continue // caught by the table test
			}
			for _, t := range ts {
				name := s.name
				if len(ts) > 1 {
					name = s.name + ":" + t
				}
				out = append(out, Format{Country: c.code, Name: name, Series: s.name, Kind: s.kind, Template: t,
					Letters: s.letters, Seps: s.seps, Prior: s.prior, TopGroups: s.top, Source: c.source})
			}
		}
	}
	return out
}

// expandSeries is expandTemplate with one more form the Polish serials
// need: "[a,b,c]" as a whole group is a choice of group layouts.
func expandSeries(t string, minLen, maxLen int) ([]string, error) {
	for i := 0; i+1 < len(t); i++ {
		if t[i] != '[' {
			continue
		}
		end := i + 1
		for end < len(t) && t[end] != ']' {
			end++
		}
		body := t[i+1 : end]
		if end == len(t) || !containsByte(body, ',') {
			i = end
			continue
		}
		var out []string
		for _, alt := range splitComma(body) {
			sub, err := expandSeries(t[:i]+alt+t[end+1:], minLen, maxLen)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
		return out, nil
	}
	return expandTemplate(t, minLen, maxLen)
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
