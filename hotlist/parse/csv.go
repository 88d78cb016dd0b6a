package parse

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvComma is the separator the header line uses: ',' or, under a Belgian
// (nl-BE, fr-BE) locale, where ',' is the decimal mark, ';'.
func csvComma(header []byte) rune {
	if bytes.Count(header, []byte{';'}) == len(fields)-1 && !bytes.Contains(header, []byte{','}) {
		return ';'
	}
	return ','
}

// parseCSV reads the header line and then one entry per record, one record
// at a time. A CSV syntax error (a stray quote) ends the parse: what follows
// cannot be trusted.
func parseCSV(tr *trackReader, comma rune, sink func(record), errs *Errors) {
	cr := csv.NewReader(tr)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	// readErr reports why reading stopped, unless the reader itself failed
	// (the caller returns that error instead).
	readErr := func(err error) {
		switch {
		case tr.tooLong():
			errs.Add(tr.line, "record", tooLongMsg) // the line the record starts on
		case tr.ioErr() != nil:
		default:
			addCSVError(errs, err)
		}
	}
	header, err := cr.Read()
	if err == io.EOF {
		errs.Add(1, "header", "file is empty, want "+strings.Join(fields[:], ","))
		return
	}
	if err != nil {
		readErr(err)
		return
	}
	if !headerOK(header) {
		errs.Add(1, "header", fmt.Sprintf("got %q, want %q", strings.Join(header, ","), strings.Join(fields[:], ",")))
		return
	}
	for {
		tr.claim(cr.InputOffset())
		rec, err := cr.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			readErr(err)
			return
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(fields) {
			errs.Add(line, "record", fmt.Sprintf("has %d fields, want %d", len(rec), len(fields)))
			continue
		}
		sink(record{line: line, plate: rec[0], country: rec[1], source: rec[2], measure: rec[3],
			priority: rec[4], from: rec[5], until: rec[6], remarks: rec[7]})
	}
}

func headerOK(h []string) bool {
	if len(h) != len(fields) {
		return false
	}
	for i, f := range fields {
		if strings.ToLower(strings.TrimSpace(h[i])) != f {
			return false
		}
	}
	return true
}

func addCSVError(errs *Errors, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		errs.Add(pe.Line, "csv", pe.Err.Error())
		return
	}
	errs.Add(0, "csv", err.Error())
}
