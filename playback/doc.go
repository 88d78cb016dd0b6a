// Package playback reads recorded footage back: a Reader over the fMP4
// segments of one camera seeks to a moment (the keyframe at or before it,
// then decoding forward to the exact frame), steps frame by frame either
// way, or keyframe by keyframe for fast playback, and hands out RGBA frames
// with their capture time; Spans turns a list of segments into the recorded
// periods and the gaps of a timeline; ReadTrack gives the sample table of
// one segment file (also the export's source). Who may watch what, the
// masks and the audit are the caller's: this package only reads files.
package playback
