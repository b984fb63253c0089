package systest

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestForbiddenAnswerHidesServerPaths checks that a 403 for a team a token
// may not use does not tell the client where the server keeps its token
// file.
func TestForbiddenAnswerHidesServerPaths(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	require.NoError(t, os.WriteFile(file, []byte(token+" rw *\nlimited-token-team-a rw team_a\n"), 0o600))
	srv := startServer(t, t.TempDir(), "TURBO_TOKEN=", "TURBO_TOKEN_FILE="+file)
	req, err := http.NewRequestWithContext(context.Background(), "GET", srv.URL+artifactPath("team_b", "0123456789abcdef"), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer limited-token-team-a")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.NotContains(t, string(body), file, "the 403 answer names the token file")
	t.Logf("403 answer: %s", body)
}
