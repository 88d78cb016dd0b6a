package audit

import (
	"context"
	"fmt"
	"io"

	"github.com/politiezone/zoneconsole/audit/report"
)

// ExportCSV verifies the whole chain first (trusting what the reader was
// opened with), then writes the entries that match f as WriteCSV does. A
// broken chain, or one that cannot be verified, exports nothing: the error
// wraps the *ChainError naming the break (errors.Is(err, ErrBroken)). Only
// entries of the verified snapshot are written, so every exported row was
// verified. The Report says whether the key was pinned.
func (r *Reader) ExportCSV(ctx context.Context, w io.Writer, f Filter) (Report, error) {
	rep, err := r.Verify(ctx)
	if err != nil {
		return rep, exportRefused(rep, err)
	}
	es, err := r.query(ctx, f, rep.HeadSeq)
	if err != nil {
		return rep, fmt.Errorf("audit export: %w", err)
	}
	return rep, WriteCSV(w, es)
}

// ExportHTML verifies the whole chain first, then writes the printable
// report of the entries that match f (selection describes f on the page).
// A broken chain still gets its page, which states the break above the
// entries, and the error wraps the *ChainError; a chain that cannot be
// verified writes nothing and returns the error.
func (r *Reader) ExportHTML(ctx context.Context, w io.Writer, f Filter, selection string) (Report, error) {
	rep, verr := r.Verify(ctx)
	if verr != nil && rep.Err == nil {
		return rep, exportRefused(rep, verr)
	}
	es, err := r.query(ctx, f, rep.HeadSeq)
	if err != nil {
		return rep, fmt.Errorf("audit export: %w", err)
	}
	if err := WriteHTMLReport(w, es, selection, rep); err != nil {
		return rep, err
	}
	if rep.Err != nil {
		return rep, fmt.Errorf("audit export: the report states it: %w", rep.Err)
	}
	return rep, nil
}

func exportRefused(rep Report, err error) error {
	if rep.Err != nil {
		return fmt.Errorf("audit export refused, nothing written: %w", rep.Err)
	}
	return fmt.Errorf("audit export refused, the chain could not be verified: %w", err)
}

// ExportCSV is Reader.ExportCSV on the log's store.
func (l *Log) ExportCSV(ctx context.Context, w io.Writer, f Filter) (Report, error) {
	return l.r.ExportCSV(ctx, w, f)
}

// ExportHTML is Reader.ExportHTML on the log's store.
func (l *Log) ExportHTML(ctx context.Context, w io.Writer, f Filter, selection string) (Report, error) {
	return l.r.ExportHTML(ctx, w, f, selection)
}

// WriteCSV writes the entries as CSV with a header row, without verifying
// anything (report.WriteCSV); exports go through Reader.ExportCSV.
func WriteCSV(w io.Writer, es []Entry) error { return report.WriteCSV(w, es) }

// WriteHTMLReport writes a printable HTML page of the entries under the
// verification result rep (report.WriteHTMLReport); a zero Report says the
// chain was not verified. Reader.ExportHTML verifies and writes it.
func WriteHTMLReport(w io.Writer, es []Entry, filter string, rep Report) error {
	return report.WriteHTMLReport(w, es, filter, rep)
}
