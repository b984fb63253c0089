package nxapi

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage"
)

// TestRecordKeyIsValid checks the claim the handler relies on: every valid
// team with every valid hash makes a valid storage key.
func TestRecordKeyIsValid(t *testing.T) {
	tests := []struct{ name, team, hash string }{
		{"the shortest", "a", "0"},
		{"the longest", strings.Repeat("t", httpapi.MaxTeamLen), "18446744073709551615"},
		{"every team character", "AZaz09._-", "1234567890"},
		{"the default team", DefaultTeam, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, httpapi.ValidTeam(tt.team))
			require.NoError(t, ValidHash(tt.hash))
			require.NoError(t, storage.ValidKey(recordKey(tt.team, tt.hash)))
		})
	}
}
