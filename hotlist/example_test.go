package hotlist_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/hotlist"
)

// The console's use: open the store, import a file (and audit the result as
// "list:<name>"), match every read.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "hotlist")
	defer os.RemoveAll(dir)
	st, err := hotlist.Open(ctx, filepath.Join(dir, "hotlist.db"), hotlist.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	csv := "plate,country,source,measure,priority,valid_from,valid_until,remarks\n" +
		"1-ABC-123,BE,national wanted notices,intercept: stolen vehicle,high,2026-01-01,,PV 2026/0001\n"
	res, err := st.Import(ctx, hotlist.ImportRequest{List: "national", User: "inp.janssens", FileName: "wanted.csv", Data: strings.NewReader(csv)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("list:%s v%d %d entries (+%d -%d)\n", res.List, res.Version.Version, res.Entries, res.Added, res.Removed)

	bad := "plate,country,source,measure,priority,valid_from,valid_until,remarks\n" +
		"1-XYZ-999,BE,local list,stop,urgent,,,\n"
	_, err = st.Import(ctx, hotlist.ImportRequest{List: "local", User: "inp.janssens", FileName: "local.csv", Data: strings.NewReader(bad)})
	var ve *hotlist.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Errors {
			fmt.Println(fe)
		}
	}

	now := time.Date(2026, 11, 23, 14, 5, 0, 0, time.UTC)
	for _, read := range []string{"1ABC123", "1A8C123", "1ABCI123", "1ABX193"} {
		for _, h := range st.Matcher().Match(read, "BE", now) {
			fmt.Printf("%s: %s %s on %s v%d (%s, priority %d: %s)", read, h.Kind, h.Entry.Plate, h.List, h.Version, h.Entry.Source, h.Entry.Priority, h.Entry.Measure)
			for _, d := range h.Diffs {
				fmt.Printf(" [%s at %d]", d.Op, d.ReadPos)
			}
			fmt.Println()
		}
	}
	// Output:
	// list:national v1 1 entries (+1 -0)
	// line 2: priority: unknown "urgent" (1..5 or critical, high, normal, low, info)
	// 1ABC123: exact 1ABC123 on national v1 (national wanted notices, priority 2: intercept: stolen vehicle)
	// 1A8C123: lookalike 1ABC123 on national v1 (national wanted notices, priority 2: intercept: stolen vehicle) [lookalike at 2]
	// 1ABCI123: one_edit 1ABC123 on national v1 (national wanted notices, priority 2: intercept: stolen vehicle) [extra at 4]
}
