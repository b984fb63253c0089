package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestLogBounded sends requests with a 60 KB path and a long method
// from a client without a token: each request's log line stays short.
func TestRequestLogBounded(t *testing.T) {
	s := startServer(t, map[string]string{"TURBO_TOKEN": "t", "LOG_FORMAT": "json"})
	long := strings.Repeat("a", 60_000)
	for _, tc := range []struct{ name, method, target string }{
		{"long path", "GET", "/v8/artifacts/" + long},
		{"long method", strings.Repeat("M", 5_000), "/v8/artifacts/abcd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
			fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", tc.method, tc.target)
			status, err := bufio.NewReader(conn).ReadString('\n')
			require.NoError(t, err)
			assert.Contains(t, status, " 40", "the answer")
			var line string
			require.Eventually(t, func() bool {
				for l := range strings.SplitSeq(s.stderr.String(), "\n") {
					if strings.Contains(l, `"msg":"request"`) && strings.Contains(l, "more bytes") &&
						strings.Contains(l, `"method":"`+tc.method[:3]) {
						line = l
						return true
					}
				}
				return false
			}, 5*time.Second, 5*time.Millisecond, "no truncated request line in %.2000s", s.stderr)
			assert.Less(t, len(line), 1024, "the log line: %.300s", line)
		})
	}
}
