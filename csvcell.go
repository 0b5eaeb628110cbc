package campusguard

import "strings"

// CSVCell returns s safe to put in a CSV cell that a spreadsheet opens: a
// text that starts with = + - @ (or a tab or carriage return, which some
// spreadsheets skip before one of them) is a formula to Excel, so a child's
// name "=HYPERLINK(…)" typed into a roster would run on the bureau's
// computer. Such a text gets a leading apostrophe, which spreadsheets show
// as text and the roster import removes again (UncsvCell).
// A text that already starts with apostrophes before such a character gets
// one more, so that UncsvCell gives back exactly what was written.
func CSVCell(s string) string {
	if t := strings.TrimLeft(s, "'"); t != "" && isFormulaStart(t[0]) {
		return "'" + s
	}
	return s
}

// UncsvCell undoes CSVCell: of the apostrophes before a formula
// character, one goes.
func UncsvCell(s string) string {
	if t := strings.TrimLeft(s, "'"); len(t) < len(s) && t != "" && isFormulaStart(t[0]) {
		return s[1:]
	}
	return s
}

func isFormulaStart(c byte) bool {
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'
}
