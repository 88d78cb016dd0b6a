// Package anpr reads licence plates from camera frames and keeps every
// vehicle passage: it finds plate candidates with OpenCV (morphology and Haar
// cascades, optionally a text detector), rectifies them, reads them with a
// CTC text recogniser run by ONNX Runtime, and decodes the recogniser's
// output under the plate formats of package plate, so that a position that
// must hold a digit can only be read as a digit. A Tracker merges the reads
// of one vehicle into one passage, Passages stores them in SQLite, and a
// Pipeline feeds the decoded frames of the ANPR cameras through all of it
// with bounded work.
package anpr
