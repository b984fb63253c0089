package oidcauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/turbocache/turbocache/httpapi"
)

// A Rule grants access to some teams to the tokens whose claims all match.
// An [Authenticator] applies the first rule that matches a token; a token
// that matches none is refused with 403.
type Rule struct {
	// Claims must all match for the rule to apply. At least one is required.
	Claims []ClaimMatch
	// Access is what the rule grants: httpapi.ReadOnly or httpapi.ReadWrite.
	Access httpapi.Access
	// Teams are the teams the rule grants access to; the single element
	// "*" grants every team. At least one is required.
	Teams []string
	// Line is the line of the rules file the rule was read from, which logs
	// and answers name it by; 0 for rules built in Go, which are named by
	// their position in Config.Rules.
	Line int
}

// A ClaimMatch is one condition of a [Rule] on one claim of a token.
//
// A claim that is a string matches when it equals Value (or, with Prefix,
// starts with it); a number or a boolean matches on its JSON text (12345,
// true); an array matches when one of its elements does. A claim that is
// missing, null or an object never matches.
type ClaimMatch struct {
	// Claim is the claim's name, such as "repository_owner" or "ref".
	Claim string
	// Value is the value, or with Prefix the start of the value, to match.
	Value string
	// Prefix matches every value that starts with Value.
	Prefix bool
}

// String returns the rule in the syntax of a rules file.
func (r Rule) String() string {
	claims := make([]string, len(r.Claims))
	for i, m := range r.Claims {
		claims[i] = m.String()
	}
	access := "ro"
	if r.Access == httpapi.ReadWrite {
		access = "rw"
	}
	return strings.Join(claims, ",") + " " + access + " " + strings.Join(r.Teams, ",")
}

// String returns the condition in the syntax of a rules file:
// claim=value, or claim=value* for a prefix.
func (m ClaimMatch) String() string {
	if m.Prefix {
		return m.Claim + "=" + m.Value + "*"
	}
	return m.Claim + "=" + m.Value
}

// claims are a verified token's claims, decoded with json.Decoder.UseNumber.
type claims map[string]any

// matches reports whether all of the rule's conditions hold for c.
func (r *Rule) matches(c claims) bool {
	for _, m := range r.Claims {
		if !m.matches(c[m.Claim]) {
			return false
		}
	}
	return true
}

func (m ClaimMatch) matches(v any) bool {
	switch v := v.(type) {
	case string:
		return m.matchString(v)
	case json.Number:
		return m.matchString(v.String())
	case bool:
		return m.matchString(strconv.FormatBool(v))
	case []any:
		for _, e := range v {
			if _, nested := e.([]any); !nested && m.matches(e) {
				return true
			}
		}
	}
	return false
}

func (m ClaimMatch) matchString(s string) bool {
	if m.Prefix {
		return strings.HasPrefix(s, m.Value)
	}
	return s == m.Value
}

// grants reports whether the rule grants access to team; every rule grants
// the "" of requests about no team.
func (r *Rule) grants(team string) bool {
	return team == "" || r.Teams[0] == "*" || slices.Contains(r.Teams, team)
}

// name is how logs and answers refer to the i-th rule.
func (r *Rule) name(i int) string {
	if r.Line > 0 {
		return "line " + strconv.Itoa(r.Line)
	}
	return "#" + strconv.Itoa(i+1)
}

// validate checks a rule built in Go as ParseRules checks a rule read from
// a file.
func (r *Rule) validate() error {
	if len(r.Claims) == 0 {
		return errors.New("no claims to match")
	}
	for _, m := range r.Claims {
		if m.Claim == "" {
			return errors.New("a condition names no claim")
		}
		if m.Value == "" && !m.Prefix {
			return fmt.Errorf("claim %q: empty value (use a prefix to match any value)", m.Claim)
		}
	}
	if r.Access != httpapi.ReadOnly && r.Access != httpapi.ReadWrite {
		return fmt.Errorf("access %s is neither read-only nor read-write", r.Access)
	}
	if len(r.Teams) == 0 {
		return errors.New("no teams (use \"*\" for every team)")
	}
	for _, team := range r.Teams {
		if team == "*" {
			if len(r.Teams) > 1 {
				return errors.New("\"*\" must be the only team")
			}
			continue
		}
		if err := httpapi.ValidTeam(team); err != nil {
			return err
		}
	}
	return nil
}
