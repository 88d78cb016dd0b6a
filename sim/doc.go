// Package sim is the simulated police zone: a real RTSP server on loopback
// whose cameras are rendered and encoded live (libx264 through libavcodec,
// cgo in encoder_cgo.go), with streets, traffic and pedestrians that follow
// a seed, readable licence plates on the ANPR cameras, a burned-in frame
// counter and capture time in every frame (ReadStamp), the ground truth of
// every plate that passed (Passages, TruthPath), faults on demand for
// reliability tests (SetFault), and patrol vehicles reporting their
// positions over a small line protocol (PATROLFEED.md). It is the demo zone
// of `zoneconsole sim` and the test fixture of video, anpr and app.
//
// A stream is encoded only while it has a reader; a new reader gets an IDR
// at once. The scene clock runs regardless, so what a camera shows and the
// ground truth depend only on the seed and the time since Zone.Epoch.
package sim
