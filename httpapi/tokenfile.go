package httpapi

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ParseTokenFile reads tokens from a token file: one token a line, blank
// lines and lines starting with # skipped, each line holding up to three
// fields separated by spaces:
//
//	<token>   [rw|ro]   [team,team,...|*]
//
// The token is the secret itself, or "sha256:" followed by the hex SHA-256
// digest of it, so that the file need not hold secrets. Access defaults to
// rw (read-write), teams to * (every team). An empty team list, such as
// ",", is refused: read as no list, it would grant every team.
//
// name names the file in errors ("<name>, line 3: ..."), a path for
// instance. The tokens are named "line N" after their line, without name:
// a token's name reaches clients in 403 answers, so prefix it only with
// what clients may see.
//
// ParseTokenFile checks the file's format; [NewTokenAuth] checks the
// tokens: that digests have 64 hex digits, that team names are valid, and
// that no token is given twice (naming both lines). A file with no token
// is an error.
func ParseTokenFile(r io.Reader, name string) ([]Token, error) {
	var tokens []Token
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		t, err := parseTokenLine(fields)
		if err != nil {
			return nil, fmt.Errorf("%s, line %d: %w", name, line, err)
		}
		t.Name = fmt.Sprintf("line %d", line)
		tokens = append(tokens, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("%s holds no token", name)
	}
	return tokens, nil
}

// parseTokenLine parses the fields of one line of a token file.
func parseTokenLine(fields []string) (Token, error) {
	var t Token
	if len(fields) > 3 {
		return t, fmt.Errorf("%d fields, want at most 3 (token, access, teams)", len(fields))
	}
	if digest, ok := strings.CutPrefix(fields[0], "sha256:"); ok {
		t.SHA256 = strings.ToLower(digest)
	} else {
		t.Secret = fields[0]
	}
	if len(fields) > 1 {
		switch fields[1] {
		case "rw":
		case "ro":
			t.ReadOnly = true
		default:
			return t, fmt.Errorf("access %q is neither rw nor ro", fields[1])
		}
	}
	if len(fields) > 2 && fields[2] != "*" {
		teams := slices.DeleteFunc(strings.Split(fields[2], ","), func(team string) bool { return team == "" })
		if len(teams) == 0 {
			return t, fmt.Errorf("the team list %q names no team (write * for every team)", fields[2])
		}
		t.Teams = teams
	}
	return t, nil
}
