// Package readmetest reads what tests check against the README: the
// environment variables its table documents.
package readmetest

import (
	"os"
	"regexp"
	"testing"
)

var (
	// row matches a table row whose first cell lists variables:
	// "| `A`, `B` |".
	row      = regexp.MustCompile("(?m)^\\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)*) \\|")
	variable = regexp.MustCompile("`([A-Z0-9_]+)`")
)

// Variables returns the variables of the README's table of variables, read
// from path. It fails the test when the file cannot be read or the table
// does not list PORT.
func Variables(t testing.TB, path string) map[string]bool {
	t.Helper()
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]bool{}
	for _, r := range row.FindAllStringSubmatch(string(readme), -1) {
		for _, v := range variable.FindAllStringSubmatch(r[1], -1) {
			vars[v[1]] = true
		}
	}
	if !vars["PORT"] {
		t.Fatalf("%s: no table of variables listing PORT", path)
	}
	return vars
}
