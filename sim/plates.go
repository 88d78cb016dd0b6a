package sim

import (
	"fmt"
	"math/rand/v2"

	"github.com/politiezone/zoneconsole/plate"
)

// plateStyle says how a plate looks: background, characters, and the blue
// EU band with its country letters.
type plateStyle struct {
	bg, fg, border yuvColor
	band           bool
	bandText       string
	// bands on the right too (French plates carry a regional band there).
	rightBand bool
}

// plateInfo is one vehicle's plate.
type plateInfo struct {
	Display string // as written on the plate: "1-ABC-123"
	Norm    string // plate.Normalize(Display)
	Country string // ISO 3166 alpha-2: BE, NL, FR, DE, LU
}

var (
	plateWhite  = rgb(245, 245, 245)
	plateYellow = rgb(245, 200, 20)
	plateRed    = rgb(190, 20, 30)
	plateBlack  = rgb(15, 15, 15)
	euBlue      = rgb(0, 51, 153)
)

func styleFor(country string) plateStyle {
	switch country {
	case "BE":
		return plateStyle{bg: plateWhite, fg: plateRed, border: plateRed, band: true, bandText: "B"}
	case "NL":
		return plateStyle{bg: plateYellow, fg: plateBlack, border: plateBlack, band: true, bandText: "NL"}
	case "FR":
		return plateStyle{bg: plateWhite, fg: plateBlack, border: plateBlack, band: true, bandText: "F", rightBand: true}
	case "DE":
		return plateStyle{bg: plateWhite, fg: plateBlack, border: plateBlack, band: true, bandText: "D"}
	case "LU":
		return plateStyle{bg: plateYellow, fg: plateBlack, border: plateBlack, band: true, bandText: "L"}
	}
	return plateStyle{bg: plateWhite, fg: plateBlack, border: plateBlack}
}

const (
	lettersAll = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	// Dutch plates leave out vowels and letters that read like digits.
	lettersNL = "BDFGHJKLNPRSTVXZ"
	lettersFR = "ABCDEFGHJKLMNPQRSTVWXYZ" // no I, O, U
	digits    = "0123456789"
)

func pick(r *rand.Rand, set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}

// randomPlate draws a plate: mostly Belgian, in the current and the two
// older formats, and some from the neighbours.
func randomPlate(r *rand.Rand) plateInfo {
	var country, disp string
	switch n := r.IntN(100); {
	case n < 56:
		country = "BE"
		disp = fmt.Sprintf("%d-%s-%s", 1+r.IntN(2), pick(r, lettersAll, 3), pick(r, digits, 3))
	case n < 66:
		country = "BE"
		disp = fmt.Sprintf("%s-%s", pick(r, lettersAll, 3), pick(r, digits, 3))
	case n < 76:
		country = "BE"
		disp = fmt.Sprintf("%s-%s", pick(r, digits, 3), pick(r, lettersAll, 3))
	case n < 84:
		country = "NL"
		if r.IntN(2) == 0 {
			disp = fmt.Sprintf("%s-%s-%s", pick(r, lettersNL, 2), pick(r, digits, 3), pick(r, lettersNL, 1))
		} else {
			disp = fmt.Sprintf("%s-%s-%s", pick(r, digits, 2), pick(r, lettersNL, 3), pick(r, digits, 1))
		}
	case n < 91:
		country = "FR"
		disp = fmt.Sprintf("%s-%s-%s", pick(r, lettersFR, 2), pick(r, digits, 3), pick(r, lettersFR, 2))
	case n < 96:
		country = "DE"
		districts := []string{"AC", "K", "D", "BN", "HS", "DN"}
		disp = fmt.Sprintf("%s %s %d", districts[r.IntN(len(districts))], pick(r, lettersAll, 2), 1+r.IntN(9999))
	default:
		country = "LU"
		disp = fmt.Sprintf("%s %s", pick(r, "ABCDEFGHJKLMNPRSTVWXYZ", 2), pick(r, digits, 4))
	}
	return plateInfo{Display: disp, Norm: plate.Normalize(disp), Country: country}
}

func newPlateInfo(display, country string) plateInfo {
	return plateInfo{Display: display, Norm: plate.Normalize(display), Country: country}
}
