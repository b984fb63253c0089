package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/turbocache/turbocache/httpapi"
)

// minTokenLen is the length below which a token is refused unless
// ALLOW_SHORT_TOKENS=true: the generated token has 26 characters, and
// `openssl rand -hex 24` makes 48.
const minTokenLen = 16

// authenticator builds the token authenticator from the configured tokens.
// It refuses a digest given as a token, a token shorter than minTokenLen
// (unless cfg.AllowShortTokens), and the same token given twice, naming
// both places.
func authenticator(cfg config) (*httpapi.TokenAuth, error) {
	var tokens []httpapi.Token
	for i, t := range cfg.Tokens {
		tokens = append(tokens, httpapi.Token{Name: fmt.Sprintf("TURBO_TOKEN#%d", i+1), Secret: t})
	}
	for i, t := range cfg.ReadOnlyTokens {
		tokens = append(tokens, httpapi.Token{Name: fmt.Sprintf("TURBO_READ_ONLY_TOKENS#%d", i+1), Secret: t, ReadOnly: true})
	}
	for _, t := range tokens {
		if strings.HasPrefix(t.Secret, "sha256:") {
			// A digest is meant to be public; taken as a token, it would
			// become the secret.
			return nil, fmt.Errorf("%s starts with sha256: tokens given as digests belong in TURBO_TOKEN_FILE", t.Name)
		}
	}
	if cfg.TokenFile != "" {
		fromFile, err := readTokenFile(cfg.TokenFile)
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, fromFile...)
	}
	if !cfg.AllowShortTokens {
		for _, t := range tokens {
			if t.Secret != "" && len(t.Secret) < minTokenLen {
				return nil, fmt.Errorf("%s is %d characters long, shorter than %d: use a longer token (openssl rand -hex 24), or set ALLOW_SHORT_TOKENS=true",
					t.Name, len(t.Secret), minTokenLen)
			}
		}
	}
	return httpapi.NewTokenAuth(tokens...)
}

// readTokenFile reads a token file. Each line that is not blank or a
// comment (#) holds up to three fields separated by spaces:
//
//	<token>   [rw|ro]   [team,team,...|*]
//
// The token is the secret itself, or "sha256:" followed by the hex SHA-256
// digest of it, so that the file need not hold secrets. Access defaults to
// rw (read-write); teams default to * (every team).
func readTokenFile(name string) ([]httpapi.Token, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("TURBO_TOKEN_FILE: %w", err)
	}
	defer f.Close()
	var tokens []httpapi.Token
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		t, err := parseTokenLine(fields)
		if err != nil {
			return nil, fmt.Errorf("TURBO_TOKEN_FILE %s, line %d: %w", name, line, err)
		}
		t.Name = fmt.Sprintf("TURBO_TOKEN_FILE line %d", line) // no path: names reach clients in 403 answers
		tokens = append(tokens, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("TURBO_TOKEN_FILE %s: %w", name, err)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("TURBO_TOKEN_FILE %s holds no token", name)
	}
	return tokens, nil
}

func parseTokenLine(fields []string) (httpapi.Token, error) {
	var t httpapi.Token
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
		// An empty list must not read as no list, which grants every team.
		if t.Teams = splitList(fields[2]); len(t.Teams) == 0 {
			return t, fmt.Errorf("the team list %q names no team (write * for every team)", fields[2])
		}
	}
	return t, nil
}
