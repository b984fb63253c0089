package httpapi

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/storage"
)

// TestArtifactKeyIsValid checks the claim the routes rely on: every valid
// team with every valid hash makes a valid storage key, down to the
// longest of both and every character they may hold.
func TestArtifactKeyIsValid(t *testing.T) {
	tests := []struct{ name, team, hash string }{
		{"the shortest", "a", "0"},
		{"the longest", strings.Repeat("t", MaxTeamLen), strings.Repeat("f", MaxHashLen)},
		{"every team character", "AZaz09._-", "0123456789abcdefABCDEF"},
		{"dots that are not . or ..", "...", "ab"},
		{"a canonical team", CanonicalTeam("My-Team"), "abc123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, ValidTeam(tt.team))
			require.NoError(t, ValidHash(tt.hash))
			require.NoError(t, storage.ValidKey(artifactKey(tt.team, tt.hash)))
		})
	}
}
