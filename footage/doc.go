// Package footage is the console's recordings as the law sees them: every
// camera set to record is recorded over the one connection the wall and the
// plate reader share (no second session to the camera); evidence holds are
// placed and released only under the policy, each audited; and the
// retention and disk cleaner runs on a schedule, each run audited with what
// it deleted, raising an alarm for the team chief and the administrator when
// the disk or the quota runs out. The recording itself (segments, index,
// chain, crash recovery) is package recording's.
package footage
