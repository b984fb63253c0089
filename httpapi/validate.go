package httpapi

import (
	"fmt"
	"net/url"
	"strings"
)

// MaxHashLen is the longest artifact hash, in hexadecimal digits, the handler
// accepts. turbo's task hashes are 16 digits long.
const MaxHashLen = 128

// MaxTeamLen is the longest team name, in bytes, the handler accepts.
const MaxTeamLen = 100

// ValidHash reports whether hash may name an artifact: 1 to MaxHashLen
// hexadecimal digits, as the protocol's ^[a-fA-F0-9]+$ says.
func ValidHash(hash string) error {
	if hash == "" {
		return fmt.Errorf("invalid hash: empty")
	}
	if len(hash) > MaxHashLen {
		return fmt.Errorf("invalid hash %.16q...: %d characters, more than %d", hash, len(hash), MaxHashLen)
	}
	for i := 0; i < len(hash); i++ {
		c := hash[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return fmt.Errorf("invalid hash %q: character %q at offset %d is not a hexadecimal digit", hash, c, i)
		}
	}
	return nil
}

// ValidTeam reports whether team may name a team: 1 to MaxTeamLen ASCII
// letters, digits, '.', '_' or '-', and neither "." nor "..".
func ValidTeam(team string) error {
	switch {
	case team == "":
		return fmt.Errorf("invalid team: empty")
	case len(team) > MaxTeamLen:
		return fmt.Errorf("invalid team %.16q...: %d characters, more than %d", team, len(team), MaxTeamLen)
	case team == "." || team == "..":
		return fmt.Errorf("invalid team %q: not a name", team)
	}
	for i := 0; i < len(team); i++ {
		c := team[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("invalid team %q: character %q at offset %d is not allowed", team, c, i)
		}
	}
	return nil
}

// CanonicalTeam returns the form of a valid team name that the handler
// uses everywhere (store keys, token team lists, Authenticators): its lower
// case. Teams that differ only in case are one team, on every store alike;
// otherwise "Web" and "web" would be two teams on S3 and one on a
// case-insensitive file system.
func CanonicalTeam(team string) string {
	return strings.ToLower(team)
}

// teamOf returns the validated, canonical team a request names: teamId if
// present, else slug, else def. It returns "" without error when none is
// given and def is "".
func teamOf(query url.Values, def string) (string, error) {
	for _, param := range []string{"teamId", "slug"} {
		vals, ok := query[param]
		if !ok {
			continue
		}
		if len(vals) != 1 {
			return "", fmt.Errorf("query parameter %s is given %d times", param, len(vals))
		}
		if err := ValidTeam(vals[0]); err != nil {
			return "", fmt.Errorf("query parameter %s: %w", param, err)
		}
		return CanonicalTeam(vals[0]), nil
	}
	return def, nil
}
