package plate

import "testing"

func TestFormatsCompile(t *testing.T) {
	fs := Formats()
	if len(fs) < 40 {
		t.Fatalf("Formats() = %d formats, want the full table (>= 40)", len(fs))
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Name] {
			t.Errorf("format name %s used twice", f.Name)
		}
		seen[f.Name] = true
		if f.Len() == 0 || f.Len() > 10 {
			t.Errorf("format %s: length %d", f.Name, f.Len())
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in                    string
		wantPlate, wantDisp, wantCC string
		wantFormat                  string // first match; "" = no match
	}{
		{"be current", "1-ABC-123", "1ABC123", "1-ABC-123", "BE", "be-current"},
		{"be current lower, spaces", " 2 xyz 009 ", "2XYZ009", "2-XYZ-009", "BE", "be-current"},
		{"be current no seps", "1ABC123", "1ABC123", "1-ABC-123", "BE", "be-current"},
		{"be leading zero is not current", "0-ABC-123", "", "", "", ""},
		{"be 1973", "ABC-123", "ABC123", "ABC-123", "BE", "be-1973"},
		{"be 2008", "123-ABC", "123ABC", "123-ABC", "BE", "be-2008"},
		{"be motorbike", "M-ABC-123", "MABC123", "M-ABC-123", "BE", "be-special-M"},
		{"be trailer", "Q-ABC-123", "QABC123", "Q-ABC-123", "BE", "be-special-Q"},
		{"be oldtimer", "O-ABC-123", "OABC123", "O-ABC-123", "BE", "be-special-O"},
		{"be taxi", "TX-ABC-123", "TXABC123", "TX-ABC-123", "BE", "be-taxi"},
		{"be diplomatic", "CD-A123", "CDA123", "CD-A123", "BE", "be-diplomatic"},
		{"nl sidecode 1 wins over be? no: nl", "AB-12-34", "AB1234", "AB-12-34", "NL", "nl-sidecode-1"},
		{"nl sidecode 7", "12-BDF-3", "12BDF3", "12-BDF-3", "NL", "nl-sidecode-7"},
		{"nl sidecode 8", "1-KBT-23", "1KBT23", "1-KBT-23", "NL", "nl-sidecode-8"},
		{"nl sidecode 9", "GB-123-X", "GB123X", "GB-123-X", "NL", "nl-sidecode-9"},
		{"nl sidecode 11", "GBD-12-X", "GBD12X", "GBD-12-X", "NL", "nl-sidecode-11"},
		{"nl sidecode 13", "1-GB-123", "1GB123", "1-GB-123", "NL", "nl-sidecode-13"},
		{"nl vowel rejected in 9 (an Austrian shape)", "AB-123-C", "AB123C", "AB 123 C", "AT", "at-car:aa-ddd-l"},
		{"fr siv", "AB-123-CD", "AB123CD", "AB-123-CD", "FR", "fr-siv"},
		{"fr siv rejects O (an Austrian shape)", "AO-123-CD", "AO123CD", "AO 123 CD", "AT", "at-car:aa-ddd-ll"},
		{"fr fni", "123 AB 75", "123AB75", "123 AB 75", "FR", "fr-fni:ndd-ll-dd"},
		{"de split by seps", "B-AB 1234", "BAB1234", "B-AB 1234", "DE", "de-1-2-4"},
		{"de other split", "BA-B 1234", "BAB1234", "BA-B 1234", "DE", "de-2-1-4"},
		{"de electric", "M-XY 123E", "MXY123E", "M-XY 123E", "DE", "de-1-2-3-e"},
		{"de digits never start with 0", "K-A 012", "", "", "", ""},
		{"lu", "AB 1234", "AB1234", "AB 1234", "LU", "lu-current"},
		{"es", "1234 BCD", "1234BCD", "1234 BCD", "ES", "es-2000"},
		{"gb", "AB12 CDE", "AB12CDE", "AB12 CDE", "GB", "gb-2001"},
		{"ch", "ZH 123456", "ZH123456", "ZH 123456", "CH", "ch-car:ZH-nddddd"},
		{"cz", "1A2 3456", "1A23456", "1A2 3456", "CZ", "cz-car"},
		{"junk", "HELLO", "", "", "", ""},
		{"empty", "", "", "", "", ""},
		{"too long", "1-ABC-1234", "", "", "", ""},
	}
	p := NewParser()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := p.Parse(tc.in)
			if tc.wantFormat == "" {
				if len(ms) != 0 {
					t.Fatalf("Parse(%q) = %+v, want no match", tc.in, ms)
				}
				return
			}
			if len(ms) == 0 {
				t.Fatalf("Parse(%q) = no match, want %s", tc.in, tc.wantFormat)
			}
			m := ms[0]
			if m.Plate != tc.wantPlate || m.Display != tc.wantDisp || m.Country != tc.wantCC || m.Format != tc.wantFormat {
				t.Errorf("Parse(%q)[0] = %+v, want %s %s %s %s", tc.in, m, tc.wantPlate, tc.wantDisp, tc.wantCC, tc.wantFormat)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1-abc-123", "1ABC123"},
		{" 1 ABC 123 ", "1ABC123"},
		{"1·ABC·123", "1ABC123"},
		{"B-AB 1234", "BAB1234"},
		{"é1-ABC", "1ABC"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestClassHas(t *testing.T) {
	f := Format{Name: "t", Template: "n-l-d-x-Q"}
	if err := f.compile(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		pos  int
		c    byte
		want bool
	}{
		{0, '0', false}, {0, '9', true}, {1, 'O', true}, {1, '0', false}, {2, 'O', false},
		{3, 'O', true}, {3, '0', true}, {4, 'Q', true}, {4, 'O', false}, {1, '-', false},
	}
	for _, tc := range cases {
		if got := f.Positions()[tc.pos].Has(tc.c); got != tc.want {
			t.Errorf("pos %d Has(%q) = %v, want %v", tc.pos, tc.c, got, tc.want)
		}
	}
	bad := Format{Name: "bad", Template: "n--l"}
	if err := bad.compile(); err == nil {
		t.Error("compile(n--l) succeeded, want an error")
	}
}

func TestLookalikesSymmetric(t *testing.T) {
	for i := 0; i < len(Alphabet); i++ {
		c := Alphabet[i]
		for _, l := range []byte(Lookalikes(c)) {
			found := false
			for _, back := range []byte(Lookalikes(l)) {
				if back == c {
					found = true
				}
			}
			if !found {
				t.Errorf("Lookalikes(%q) has %q but not the other way round", c, l)
			}
		}
	}
}
