package systest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// headerTimeout is the server's fixed ReadHeaderTimeout; bodyTimeout is the
// READ_TIMEOUT and WRITE_TIMEOUT the test sets.
const (
	headerTimeout = 10 * time.Second
	bodyTimeout   = 3 * time.Second
	slack         = 5 * time.Second
)

// dripFeed opens a connection to addr, writes head at once, then tail one
// byte per second, and returns how long the server kept the connection open
// and what it sent back. It gives up after limit.
func dripFeed(t *testing.T, addr, head, tail string, limit time.Duration) (time.Duration, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	start := time.Now()
	require.NoError(t, conn.SetDeadline(start.Add(limit)))
	if head != "" {
		_, err = io.WriteString(conn, head)
		require.NoError(t, err)
	}
	closed := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(conn) // until the server closes, or the deadline
		closed <- string(b)
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case got := <-closed:
			return time.Since(start), got
		case <-tick.C:
			if tail != "" {
				_, _ = conn.Write([]byte{tail[i%len(tail)]}) // fails once the server closed
			}
		}
	}
}

// TestSlowClients shows that a client sending or reading one byte at a time
// cannot hold a connection longer than the server's timeouts: the headers
// must arrive within ReadHeaderTimeout, a request within READ_TIMEOUT, and
// an answer must be taken within WRITE_TIMEOUT. An upload cut off this way
// leaves nothing stored and no temporary file.
func TestSlowClients(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the server's timeouts; skipped with -short")
	}
	dir := t.TempDir()
	srv := startServer(t, dir, "READ_TIMEOUT="+bodyTimeout.String(), "WRITE_TIMEOUT="+bodyTimeout.String())
	addr := strings.TrimPrefix(srv.URL, "http://")
	const team, hash = "team_slow", "5105c11e5105c11e"

	// A large artifact to download slowly.
	big := newArtifact(0xb16, 64<<20)
	resp, err := srv.do(context.Background(), "PUT", artifactPath(team, big.hash), big.reader(), big.size)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)

	putHead := fmt.Sprintf("PUT %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n",
		artifactPath(team, hash), addr, token)
	for _, tc := range []struct {
		name       string
		head, tail string
		within     time.Duration
	}{
		{"connects and sends nothing", "", "", headerTimeout + slack},
		{"headers one byte per second", "GET /v8/artifacts/status HTTP/1.1\r\nHost: x\r\n", "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", headerTimeout + slack},
		{"upload body one byte per second", putHead, "0123456789", bodyTimeout + slack},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			held, got := dripFeed(t, addr, tc.head, tc.tail, 3*tc.within)
			t.Logf("connection held for %v; the server sent %q", held.Round(100*time.Millisecond), firstLine(got))
			assert.Less(t, held, tc.within, "the server let the client hold the connection")
		})
	}
	t.Run("download read one byte per second", func(t *testing.T) {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		require.NoError(t, err)
		defer conn.Close()
		_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", artifactPath(team, big.hash), addr, token)
		require.NoError(t, err)
		start := time.Now()
		// Read one byte a second for longer than WRITE_TIMEOUT: the
		// server's writes block, then time out.
		var b [1]byte
		for time.Since(start) < bodyTimeout+2*time.Second {
			_, err := conn.Read(b[:])
			require.NoError(t, err)
			time.Sleep(time.Second)
		}
		// Then take what is left as fast as possible: the server has given
		// up, so the connection ends well before the artifact's end.
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(slack)))
		n, err := io.Copy(io.Discard, conn)
		t.Logf("after %v of slow reading, %d bytes were left to read (%v), of %d", bodyTimeout+2*time.Second, n, err, big.size)
		var nerr net.Error
		assert.False(t, errors.As(err, &nerr) && nerr.Timeout(), "the server still holds the connection")
		assert.Less(t, n, big.size, "the whole artifact was sent")
	})

	// The cut-off upload stored nothing and left no temporary file.
	resp, err = srv.do(context.Background(), "GET", artifactPath(team, hash), nil, -1)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Eventually(t, func() bool { return len(tempFiles(t, dir)) == 0 }, 10*time.Second, 10*time.Millisecond,
		"temporary files of the cut-off upload")
}

// firstLine is the first line of an answer, or "" when there is none.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\r\n")
	return line
}
