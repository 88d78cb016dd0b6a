// Package simzone wires the built-in simulated zone into the console the
// way a real zone is wired: a zone record with its cameras' stream URLs,
// the protected camera's login put in the credential store, the patrol
// feed's address and the streets for the map. It exists for `zoneconsole
// run` without a zone file and for tests; only main and tests import it, so
// no other command can start the simulator or create its demo accounts.
package simzone
