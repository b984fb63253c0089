package oidcauth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/turbocache/turbocache/httpapi"
)

// ParseRules reads rules, one a line, in the form
//
//	claim=value[,claim=value...]   rw|ro   team[,team...]|*
//
// The conditions before the first space must all hold; a value ending in
// '*' matches every value that starts with what precedes the '*'. Access is
// rw (read-write) or ro (read-only); teams are a comma-separated list or *
// for every team. Blank lines and lines starting with '#' are skipped.
// Values cannot hold spaces or commas; build such rules in Go.
//
// The rules keep the lines they were read from. Errors name the line.
func ParseRules(r io.Reader) ([]Rule, error) {
	var rules []Rule
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		rule, err := parseRule(fields)
		if err == nil {
			err = rule.validate()
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		rule.Line = line
		rules = append(rules, rule)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: longer than %d bytes", line+1, bufio.MaxScanTokenSize)
		}
		return nil, err
	}
	if len(rules) == 0 {
		return nil, errors.New("no rules")
	}
	return rules, nil
}

func parseRule(fields []string) (Rule, error) {
	var r Rule
	if len(fields) != 3 {
		return r, fmt.Errorf("%d fields, want 3: claim=value[,claim=value...] rw|ro teams", len(fields))
	}
	for cond := range strings.SplitSeq(fields[0], ",") {
		claim, value, ok := strings.Cut(cond, "=")
		if !ok || claim == "" {
			return r, fmt.Errorf("condition %q is not claim=value", cond)
		}
		m := ClaimMatch{Claim: claim, Value: value}
		m.Value, m.Prefix = strings.CutSuffix(value, "*")
		r.Claims = append(r.Claims, m)
	}
	switch fields[1] {
	case "rw":
		r.Access = httpapi.ReadWrite
	case "ro":
		r.Access = httpapi.ReadOnly
	default:
		return r, fmt.Errorf("access %q is neither rw nor ro", fields[1])
	}
	for team := range strings.SplitSeq(fields[2], ",") {
		if team == "" {
			return r, fmt.Errorf("empty team in %q", fields[2])
		}
		r.Teams = append(r.Teams, team)
	}
	return r, nil
}
