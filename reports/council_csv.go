package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/politiezone/zoneconsole/policy"
)

// councilColumns is the CSV header; WriteCSV documents each column.
var councilColumns = []string{"year", "camera_id", "camera_name", "kind", "owner", "municipality", "covert",
	"live_hours", "live_views", "playbacks", "playback_hours", "exports", "searches", "rounds", "denied"}

// WriteCSV writes one row per camera, for a spreadsheet. The columns:
//
//	year            the report's year
//	camera_id       the camera's id in the zone file
//	camera_name     its name ("" for a camera the zone no longer lists)
//	kind            fixed, temporary_fixed, anpr_fixed, anpr_mobile, ptz_van, mobbox, drone, bodycam, office_cell, third_party
//	owner           police zone, municipality, third party
//	municipality    the municipality it serves
//	covert          true or false
//	live_hours      hours on screen live, summed over all views, 3 decimals
//	live_views      live views opened in the year
//	playbacks       times its recorded footage was opened
//	playback_hours  hours its recorded footage was on screen, 3 decimals
//	exports         exports written that include it
//	searches        passage searches that named it (searches over every
//	                camera are in no row; the HTML page counts them)
//	rounds          round runs that include it
//	denied          refused attempts on it (in none of the counts above)
//	just_<kind>     allowed consultations on each legal ground, one column
//	                per policy.JustKinds (operational, event, emergency,
//	                virtual_patrol, administrative, judicial), then
//	                just_other for consultations without one or on a
//	                ground this release does not know
//
// Numbers use a decimal point whatever the page's language, since a
// spreadsheet reads the file; a text cell a spreadsheet would run as a
// formula gets a leading apostrophe.
func (r CouncilReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := append([]string(nil), councilColumns...)
	for _, k := range policy.JustKinds() {
		head = append(head, "just_"+string(k))
	}
	head = append(head, "just_other")
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("council csv: %w", err)
	}
	for _, c := range r.Cameras {
		row := []string{strconv.Itoa(r.Year), csvSafe(c.Camera.ID), csvSafe(c.Camera.Name), string(c.Camera.Kind),
			csvSafe(c.Camera.Owner), csvSafe(c.Camera.Municipality), strconv.FormatBool(c.Camera.Covert),
			decHours(c.Live), strconv.Itoa(c.LiveViews), strconv.Itoa(c.Playbacks), decHours(c.PlaybackTime),
			strconv.Itoa(c.Exports), strconv.Itoa(c.Searches), strconv.Itoa(c.Rounds), strconv.Itoa(c.Denied)}
		other := 0
		for _, n := range c.Justifications {
			other += n
		}
		for _, k := range policy.JustKinds() {
			row = append(row, strconv.Itoa(c.Justifications[k]))
			other -= c.Justifications[k]
		}
		row = append(row, strconv.Itoa(other))
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("council csv: camera %s: %w", c.Camera.ID, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("council csv: %w", err)
	}
	return nil
}

func decHours(d time.Duration) string { return strconv.FormatFloat(d.Hours(), 'f', 3, 64) }

// csvSafe keeps a spreadsheet from running a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
