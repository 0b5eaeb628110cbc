package web

// SetRenderHook tells f the name of every page rendered from now on. Tests
// set it once, before any server starts.
func SetRenderHook(f func(page string)) { renderHook = f }

// PageNames returns the name of every page template.
func PageNames() []string {
	s := New(Config{})
	names := make([]string, 0, len(s.pages))
	for n := range s.pages {
		names = append(names, n)
	}
	return names
}

// DynamicKeys returns the message keys the package builds from domain values.
func DynamicKeys() []string { return dynamicKeys() }

// LocalPath exposes localPath, the language switch's check of its back link.
func LocalPath(back string) string { return localPath(back) }

// NaturalCompare and FormatNumber are the pages' ordering and number format.
var (
	NaturalCompare = naturalCompare
	FormatNumber   = formatNumber
)
