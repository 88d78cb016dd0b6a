package reports

import "math"

// chart is a bar chart the page draws as inline SVG: geometry is worked out
// here, and the template only places it, so every label goes through
// html/template's escaping like any other text.
type chart struct {
	Title         string
	Width, Height float64
	Bars          []bar
	Columns       bool // months: vertical columns under their labels
	Empty         string
}

// bar is one bar with its label and value text and where they go.
type bar struct {
	Label, Value   string
	X, Y, W, H     float64
	LabelX, LabelY float64
	ValueX, ValueY float64
}

// chartItem is one value to draw.
type chartItem struct {
	Label string
	N     float64
	Text  string // the value as printed
}

// Sizes in SVG user units; the page scales the drawing to its column, so
// they only fix proportions (an A4 column is about 680 px wide).
const (
	chartWidth = 680.0
	labelWidth = 200.0
	rowHeight  = 20.0
	barGap     = 4.0
	valueRoom  = 60.0
	colHeight  = 160.0
)

// rowsChart draws one horizontal bar per item, longest value full width:
// hours per camera, grounds per kind, where names are long.
func rowsChart(title, empty string, items []chartItem) chart {
	c := chart{Title: title, Width: chartWidth, Height: float64(len(items))*rowHeight + 4, Empty: empty}
	max := maxOf(items)
	span := chartWidth - labelWidth - valueRoom
	for i, it := range items {
		y := float64(i)*rowHeight + 2
		w := 0.0
		if max > 0 {
			w = math.Max(it.N/max*span, 0)
		}
		c.Bars = append(c.Bars, bar{Label: it.Label, Value: it.Text,
			X: labelWidth, Y: y, W: w, H: rowHeight - barGap,
			LabelX: labelWidth - 6, LabelY: y + rowHeight - barGap - 4,
			ValueX: labelWidth + w + 4, ValueY: y + rowHeight - barGap - 4})
	}
	if max == 0 {
		c.Bars = nil
	}
	return c
}

// columnsChart draws one column per item over its label: the twelve
// months, where the eye follows the year from left to right.
func columnsChart(title, empty string, items []chartItem) chart {
	c := chart{Title: title, Width: chartWidth, Height: colHeight + 40, Columns: true, Empty: empty}
	max := maxOf(items)
	if max == 0 || len(items) == 0 {
		return c
	}
	slot := chartWidth / float64(len(items))
	for i, it := range items {
		h := it.N / max * colHeight
		x := float64(i) * slot
		c.Bars = append(c.Bars, bar{Label: it.Label, Value: it.Text,
			X: x + slot*0.15, Y: 16 + colHeight - h, W: slot * 0.7, H: h,
			LabelX: x + slot/2, LabelY: 16 + colHeight + 16,
			ValueX: x + slot/2, ValueY: 16 + colHeight - h - 4})
	}
	return c
}

func maxOf(items []chartItem) float64 {
	m := 0.0
	for _, it := range items {
		m = math.Max(m, it.N)
	}
	return m
}
