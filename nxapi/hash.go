package nxapi

import (
	"fmt"
	"strconv"
)

// MaxHashLen is the longest hash, in decimal digits, the handler accepts:
// that of the largest 64-bit unsigned integer.
const MaxHashLen = 20

// ValidHash reports whether hash may name a record: a 64-bit unsigned
// integer in decimal, as nx writes its task hashes.
func ValidHash(hash string) error {
	switch {
	case hash == "":
		return fmt.Errorf("invalid hash: empty")
	case len(hash) > MaxHashLen:
		return fmt.Errorf("invalid hash %.24q...: %d characters, more than %d", hash, len(hash), MaxHashLen)
	}
	for i := 0; i < len(hash); i++ {
		if c := hash[i]; c < '0' || c > '9' {
			return fmt.Errorf("invalid hash %q: character %q at offset %d is not a decimal digit", hash, c, i)
		}
	}
	if _, err := strconv.ParseUint(hash, 10, 64); err != nil {
		return fmt.Errorf("invalid hash %q: larger than a 64-bit unsigned integer", hash)
	}
	return nil
}

// recordKey is the store key of a team's record: "<team>/nx/<hash>". With
// a team that passed httpapi.ValidTeam and a hash that passed ValidHash it
// is always a valid storage key (TestRecordKeyIsValid), so no caller checks
// it again.
func recordKey(team, hash string) string {
	return team + "/" + recordDir + "/" + hash
}
