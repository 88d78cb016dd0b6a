// Package app is the domain core of the dispatch console: the zone and its
// cameras, users and sessions, the WPA access policy, and the Console facade
// the UI drives. Every consultation passes Access.Check, which asks the pure
// Policy, writes the audit entry and only then answers, failing closed when
// the audit store cannot write. The package never imports a GUI toolkit.
package app
