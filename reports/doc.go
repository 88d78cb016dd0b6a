// Package reports writes the two documents that leave the console for
// people outside the control room: the data-subject access report with
// which the DPO answers a person's request (Access), and the city council's
// yearly report of camera and drone use (Council).
//
// It only reads what it is given and writes documents. It decides no
// policy, writes no audit entry and opens no store: the console (package
// app) has already been allowed to read the passages, footage index, holds
// and audit entries it passes in, and it audits the report itself. That
// keeps every rule about who may ask for a report where the rules live.
//
// The documents are self-contained HTML pages (html/template, the styles
// and any images inline, charts as inline SVG drawn here) with a print
// stylesheet for A4, in Dutch by default, or French or English (Lang). No
// PDF library is used: a browser's "print to PDF" of the page is the PDF,
// and one less renderer is one less place for the layout to go wrong. The
// council report also comes as CSV, one row per camera (CouncilReport.WriteCSV
// documents the columns).
package reports
