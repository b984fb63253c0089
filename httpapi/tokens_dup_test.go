package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
)

// TestNewTokenAuthDuplicates checks that the same token given twice, in
// clear or as its digest, is refused with both names: otherwise the access
// of one of the two would apply, whichever came last.
func TestNewTokenAuthDuplicates(t *testing.T) {
	digest := sha256.Sum256([]byte("dup"))
	for _, tc := range []struct {
		name   string
		tokens []httpapi.Token
		want   string
	}{
		{"two secrets", []httpapi.Token{{Name: "a", Secret: "dup", ReadOnly: true, Teams: []string{"web"}}, {Name: "b", Secret: "dup"}}, "tokens a and b are the same token"},
		{"secret and digest", []httpapi.Token{{Secret: "other"}, {Name: "c", Secret: "dup"}, {Name: "d", SHA256: hex.EncodeToString(digest[:])}}, "tokens c and d are the same token"},
		{"unnamed", []httpapi.Token{{Secret: "dup"}, {Secret: "dup"}}, "tokens #1 and #2 are the same token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := httpapi.NewTokenAuth(tc.tokens...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "dup ", "the token in the error")
		})
	}
}
