package search

import "fyne.io/fyne/v2/lang"

// colourNames are the vehicle colours the reader names (anpr's dominant
// colour above the plate), in the order the filter offers them.
var colourNames = []string{"black", "grey", "white", "red", "orange", "yellow", "green", "blue", "purple", "brown"}

// colourLabel says a vehicle colour in the user's language; "" is unknown.
func colourLabel(c string) string {
	switch c {
	case "black":
		return lang.L("search.colour.black")
	case "grey":
		return lang.L("search.colour.grey")
	case "white":
		return lang.L("search.colour.white")
	case "red":
		return lang.L("search.colour.red")
	case "orange":
		return lang.L("search.colour.orange")
	case "yellow":
		return lang.L("search.colour.yellow")
	case "green":
		return lang.L("search.colour.green")
	case "blue":
		return lang.L("search.colour.blue")
	case "purple":
		return lang.L("search.colour.purple")
	case "brown":
		return lang.L("search.colour.brown")
	case "":
		return lang.L("search.colour.unknown")
	}
	return c
}
