package systest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestRefusedUploadFreesConnection sends uploads the server refuses before
// reading their body (no token, a wrong token) and then stalls, with the
// server's default timeouts: the server must answer and close at once, not
// hold the connection while it drains the body at the client's pace (up to
// READ_TIMEOUT, 10 minutes).
func TestRefusedUploadFreesConnection(t *testing.T) {
	srv := startServer(t, t.TempDir())
	addr := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct{ name, auth, want string }{
		{"no token", "", "HTTP/1.1 401"},
		{"wrong token", "Authorization: Bearer wrong\r\n", "HTTP/1.1 401"},
		{"invalid hash", "Authorization: Bearer " + token + "\r\n", "HTTP/1.1 400"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := artifactPath("team_x", "0123456789abcdef")
			if tc.name == "invalid hash" {
				path = artifactPath("team_x", "not-a-hash")
			}
			head := fmt.Sprintf("PUT %s HTTP/1.1\r\nHost: x\r\n%sContent-Length: 1000\r\n\r\n", path, tc.auth)
			held, got := dripFeed(t, addr, head, "0123456789", 30*time.Second)
			assert.Less(t, held, 5*time.Second, "the refused upload held the connection")
			assert.True(t, strings.HasPrefix(got, tc.want), "answer %q", firstLine(got))
		})
	}
}
