package indicator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// vocabulary reads this package's string constants (finding types, indicators, verdicts) from
// its source: value → name.
func vocabulary(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	words := map[string]string{}
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
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						words[s] = vs.Names[i].Name
					}
				}
			}
		}
	}
	return words
}

// Every finding type, indicator and verdict is spelled once, here: no other source of the
// program (Go outside tests, templates, scripts) holds one as a literal of its own. A copy in
// another package is how the store's words and the crawler's drift apart unseen.
func TestNoOtherPackageSpellsTheVocabulary(t *testing.T) {
	words := vocabulary(t)
	for _, w := range []string{TypeDeadLink, TypeLedgerMismatch, Security, Ledger, Pass, Fail} {
		if words[w] == "" {
			t.Fatalf("the vocabulary read from the source lacks %q: %v", w, words)
		}
	}
	root := filepath.Join("..", "..")
	here, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	goFiles := 0
	for _, dir := range []string{"app", "handlers", "jobs", "models", "templates", "static"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				abs, _ := filepath.Abs(path)
				if abs == here || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			switch ext := filepath.Ext(path); {
			case ext == ".go" && !strings.HasSuffix(path, "_test.go"):
				goFiles++
				f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
				if err != nil {
					return err
				}
				ast.Inspect(f, func(n ast.Node) bool {
					lit, ok := n.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						return true
					}
					if s, err := strconv.Unquote(lit.Value); err == nil && words[s] != "" {
						t.Errorf("%s: %s is spelled again; use indicator.%s", fset.Position(lit.Pos()), lit.Value, words[s])
					}
					return true
				})
			case ext == ".html" || ext == ".js" || ext == ".tmpl":
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				for w, name := range words {
					for _, q := range []string{`"`, `'`, "`"} {
						if strings.Contains(string(b), q+w+q) {
							t.Errorf("%s: %s%s%s is spelled again; let the model say it (indicator.%s)", path, q, w, q, name)
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if goFiles < 100 {
		t.Fatalf("read %d Go files of the program; the walk missed it", goFiles)
	}
}

// The 扣分 table deducts under the indicators of this package only: a row under a name no
// finding carries would never be applied.
func TestScoreTableRowsAreIndicators(t *testing.T) {
	words := vocabulary(t)
	for ind := range DefaultScoreTable().Deductions {
		if name := words[ind]; name == "" || strings.HasPrefix(name, "Type") || ind == Pass || ind == Fail {
			t.Errorf("the 扣分 table has a row under %q, which is no indicator", ind)
		}
	}
}
