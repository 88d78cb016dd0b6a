// Package recording keeps what the cameras send, without re-encoding: a
// Recorder per camera stream turns the access units of a video.Source into
// fragmented MP4 segments (one part about every second, segments that start
// on a keyframe), an Index in SQLite lists them with a SHA-256 of each closed
// file chained per camera so that a changed, removed or reordered file is
// found, unfinished segments are closed at the next open after a crash, and
// a Cleaner deletes by retention and quota while never touching footage under
// an evidence Hold. Policy (who may hold, release or view) and audit are the
// caller's: this package only reports what it did.
package recording
