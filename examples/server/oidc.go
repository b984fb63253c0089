package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/oidcauth"
)

// oidcConfig configures the OIDC ID tokens (JWTs) accepted beside the
// static tokens: from one issuer, for one audience, granted access by a
// rules file (see oidcauth.ParseRules).
type oidcConfig struct {
	Issuer    string // OIDC_ISSUER
	Audience  string // OIDC_AUDIENCE, required with OIDC_ISSUER
	RulesFile string // OIDC_RULES, required with OIDC_ISSUER
}

// loadOIDC reads the OIDC variables into cfg. With an issuer, no token is
// generated: the JWTs are the credentials, and static tokens are optional.
func loadOIDC(cfg *config, env func(string) string) error {
	cfg.OIDC = oidcConfig{Issuer: env("OIDC_ISSUER"), Audience: env("OIDC_AUDIENCE"), RulesFile: env("OIDC_RULES")}
	o := cfg.OIDC
	if o.Issuer == "" {
		if o.Audience != "" || o.RulesFile != "" {
			return errors.New("OIDC_AUDIENCE and OIDC_RULES need OIDC_ISSUER")
		}
		return nil
	}
	if cfg.TokenGenerated {
		cfg.Tokens, cfg.TokenGenerated = nil, false
	}
	var errs []error
	if o.Audience == "" {
		errs = append(errs, errors.New("OIDC_AUDIENCE is required with OIDC_ISSUER: the aud tokens must be minted for"))
	}
	if o.RulesFile == "" {
		errs = append(errs, errors.New("OIDC_RULES is required with OIDC_ISSUER: a file of rules mapping claims to teams and access"))
	}
	return errors.Join(errs...)
}

// serverAuth returns the server's authenticator: the static tokens, and
// with OIDC_ISSUER the JWTs in front of them, bearer tokens that are not
// JWTs falling through to the static ones.
func serverAuth(cfg config, logger *slog.Logger) (httpapi.Authenticator, error) {
	if cfg.OIDC.Issuer == "" {
		return authenticator(cfg)
	}
	var static httpapi.Authenticator // stays a nil interface without static tokens
	if len(cfg.Tokens) > 0 || len(cfg.ReadOnlyTokens) > 0 || cfg.TokenFile != "" {
		a, err := authenticator(cfg)
		if err != nil {
			return nil, err
		}
		static = a
	}
	rules, err := readRules(cfg.OIDC.RulesFile)
	if err != nil {
		return nil, err
	}
	a, err := oidcauth.New(&oidcauth.Config{
		Issuer: cfg.OIDC.Issuer, Audience: cfg.OIDC.Audience, Rules: rules,
		Fallback: static, Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("OIDC_ISSUER: %w", err)
	}
	logger.Info("accepting OIDC tokens", "issuer", cfg.OIDC.Issuer, "audience", cfg.OIDC.Audience,
		"rules", len(rules), "static_tokens", static != nil)
	return a, nil
}

func readRules(name string) ([]oidcauth.Rule, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("OIDC_RULES: %w", err)
	}
	defer f.Close()
	rules, err := oidcauth.ParseRules(f)
	if err != nil {
		return nil, fmt.Errorf("OIDC_RULES %s: %w", name, err)
	}
	return rules, nil
}
