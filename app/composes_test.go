package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// sqlStatement is the start of a statement as this code base writes SQL: capitals.
var sqlStatement = regexp.MustCompile(`^\s*(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (TABLE|INDEX|DATABASE)|DROP |ALTER TABLE|VACUUM|EXPLAIN|PRAGMA)\b`)

// Package main composes: its program holds no SQL (the store's methods do it, the load tests
// are app/loadtest on the store), and its tests no benchmarks (they belong beside what they
// measure).
func TestPackageMainHoldsNoSQLNorBenchmarks(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		test := strings.HasSuffix(name, "_test.go")
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if test && n.Recv == nil && strings.HasPrefix(n.Name.Name, "Benchmark") {
					t.Errorf("%s: a benchmark in package main: %s", fset.Position(n.Pos()), n.Name.Name)
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING || test {
					break
				}
				if s, err := strconv.Unquote(n.Value); err == nil && sqlStatement.MatchString(s) {
					t.Errorf("%s: SQL in package main: %.60q", fset.Position(n.Pos()), s)
				}
			}
			return true
		})
	}
}
