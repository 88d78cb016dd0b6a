// Package cli holds the subcommands of zoneconsole (run, sim, anpr, audit,
// hotlist, round, user): each parses its flags, does its work through app
// and the domain packages, and says how it went with its output and exit
// code (0 ok, 1 failure, 2 usage). The simulated zone is not imported here:
// main hands it in as a Wiring, so no subcommand can start the simulator
// unless main wired it for that command.
package cli
