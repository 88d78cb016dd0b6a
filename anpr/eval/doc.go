// Package eval scores the plate reader on the simulated zone: it starts
// package sim, decodes the main stream of every ANPR camera with package
// video, feeds the frames through an anpr.Pipeline exactly as the console
// does, and compares the passages with the simulator's ground truth. The
// `anpr eval` command, a test and a benchmark share it.
package eval
