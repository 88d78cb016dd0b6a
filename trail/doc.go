// Package trail is the console's audit vocabulary: for every action the
// domain writes to the audit log, one struct says what its entry records,
// encoded canonically (the struct's fields in their declared order as JSON,
// no HTML escaping), so a note with spaces, quotes or '=' in it reads back
// exactly. The audit package stays a generic log of opaque details; what the
// details mean lives here, next to nothing but the action names.
package trail
