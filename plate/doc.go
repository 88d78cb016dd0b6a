// Package plate knows the licence-plate formats of Belgium and its neighbours:
// how a plate is written, how it is normalised for storage and matching, and
// which characters an OCR engine confuses. It is pure: no I/O, no cgo.
package plate
