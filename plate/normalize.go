package plate

import "strings"

// Normalize returns the plate in the form used for storage and matching:
// capitals and digits only, no dashes, dots or spaces ("1-abc-123" -> "1ABC123").
// Characters that never occur on a plate are dropped so that a stray
// separator read by the OCR does not split one plate into two keys.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
