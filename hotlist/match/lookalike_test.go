package match

import (
	"reflect"
	"testing"

	"github.com/politiezone/zoneconsole/plate"
)

// The matcher's default classes are plate's table, closed: every pair the
// plate decoder and the tracker treat as look-alikes is one class here, so a
// read the tracker merged is a look-alike hit, not a one-edit one.
func TestDefaultLookalikesArePlates(t *testing.T) {
	if got, want := DefaultLookalikes(), plate.LookalikeClasses(); !reflect.DeepEqual(got, want) {
		t.Fatalf("DefaultLookalikes() = %q, want plate.LookalikeClasses() = %q", got, want)
	}
	ct, err := newClassTable(DefaultLookalikes())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(plate.Alphabet); i++ {
		c := plate.Alphabet[i]
		for _, l := range []byte(plate.Lookalikes(c)) {
			if !ct.same(c, l) {
				t.Errorf("plate pairs %q with %q, the matcher's classes do not", c, l)
			}
		}
	}
}
