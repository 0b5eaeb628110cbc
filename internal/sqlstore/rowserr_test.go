package sqlstore_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestRowsErrChecked: every function of the store that loops over rows
// with X.Next() also checks X.Err(): a loop that stops on an error (a
// dropped connection mid-read) would otherwise pass a short list off as
// the whole one.
func TestRowsErrChecked(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			nexts, errs := map[string]token.Pos{}, map[string]bool{}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				id, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				switch sel.Sel.Name {
				case "Next":
					if _, seen := nexts[id.Name]; !seen {
						nexts[id.Name] = call.Pos()
					}
				case "Err":
					errs[id.Name] = true
				}
				return true
			})
			for v, pos := range nexts {
				if !errs[v] && strings.Contains(strings.ToLower(v), "rows") {
					t.Errorf("%s: %s loops over %s.Next() without checking %s.Err()", fset.Position(pos), fn.Name.Name, v, v)
				}
			}
		}
	}
}
