package plate

// Lookalikes returns the characters an OCR engine confuses with c on plate
// fonts. The plate decoder uses it to credit a read whose format forced a
// letter where the engine saw the digit that looks like it (O for 0, I for
// 1...): the engine's doubt was about the glyph, not about the plate.
//
//	O: 0 D Q    0: O D Q    D: 0 O    Q: O 0
//	I: 1 L      1: I L      L: 1 I
//	B: 8        8: B        S: 5      5: S
//	Z: 2        2: Z        G: 6      6: G
//	A: 4        4: A        T: 7      7: T
func Lookalikes(c byte) string {
	switch c {
	case 'O':
		return "0DQ"
	case '0':
		return "ODQ"
	case 'D':
		return "0O"
	case 'Q':
		return "O0"
	case 'I':
		return "1L"
	case '1':
		return "IL"
	case 'L':
		return "1I"
	case 'B':
		return "8"
	case '8':
		return "B"
	case 'S':
		return "5"
	case '5':
		return "S"
	case 'Z':
		return "2"
	case '2':
		return "Z"
	case 'G':
		return "6"
	case '6':
		return "G"
	case 'A':
		return "4"
	case '4':
		return "A"
	case 'T':
		return "7"
	case '7':
		return "T"
	}
	return ""
}
