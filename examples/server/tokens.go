package main

import (
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

// readTokenFile reads the token file named by TURBO_TOKEN_FILE, in the
// format of httpapi.ParseTokenFile, naming its tokens after the variable
// and their line, without the path: names reach clients in 403 answers.
func readTokenFile(name string) ([]httpapi.Token, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("TURBO_TOKEN_FILE: %w", err)
	}
	defer f.Close()
	tokens, err := httpapi.ParseTokenFile(f, "TURBO_TOKEN_FILE "+name)
	for i := range tokens {
		tokens[i].Name = "TURBO_TOKEN_FILE " + tokens[i].Name
	}
	return tokens, err
}
