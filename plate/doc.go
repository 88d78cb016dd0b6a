// Package plate knows the licence-plate formats of Belgium, its neighbours,
// every other EU and EEA country, the United Kingdom, Switzerland, Ukraine,
// Türkiye and Morocco (formats.go, formats_europe.go, each with its source):
// how a plate is written, how it is normalised for storage and matching, and
// which characters an OCR engine confuses. It is pure: no I/O, no cgo.
package plate
