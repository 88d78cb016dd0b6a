// Package playback is the console's playback tab: up to four cameras'
// recordings on one clock, a timeline per camera (recorded, missing and
// held periods, ANPR marks when the console gives them), scrubbing, zoom
// from a day to a minute, a jump to a date and time, speeds from 1/4x to
// 16x (keyframes only above 4x), frame steps, back to live, and the
// evidence export of the shown cameras over the selected period. One
// goroutine per camera owns its app.Playback and paints at the pace of the
// frames' timestamps through env.Do; the console decides and audits every
// playback and export, and the tab closes its playbacks when it is left or
// the session ends.
package playback
