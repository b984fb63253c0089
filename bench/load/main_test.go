package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// TestRun drives the handler over fsstore with every workload, scaled down.
func TestRun(t *testing.T) {
	store, err := fsstore.Open(t.TempDir(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	auth, err := httpapi.NewTokenAuth(httpapi.Token{Secret: "tok"})
	require.NoError(t, err)
	h, err := httpapi.New(store, &httpapi.Options{Auth: auth})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	small := []string{"-url", srv.URL, "-token", "tok", "-large", "100000", "-rounds", "2",
		"-small-gets", "30", "-small-puts", "10", "-conns", "4", "-pid", strconv.Itoa(os.Getpid())}
	for _, tc := range []struct {
		name      string
		args      []string
		wantLines int
		wantErr   string
	}{
		{"every workload", small, 6, ""},
		{"one workload", append(small, "-workloads", "small-get"), 1, ""},
		{"unknown workload", append(small, "-workloads", "huge"), 0, "unknown workload"},
		{"wrong token", append(small, "-token", "nope", "-workloads", "small-put"), 1, "10 requests failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(tc.args, &out)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if tc.wantLines == 0 {
				assert.Empty(t, strings.TrimSpace(out.String()))
				return
			}
			assert.Len(t, lines, tc.wantLines, out.String())
			assert.Contains(t, out.String(), "peak RSS")
		})
	}
}
