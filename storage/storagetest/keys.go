package storagetest

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
)

// invalidKeys are keys every store must refuse before touching its backend.
var invalidKeys = map[string]string{
	"parent":            "../x",
	"parent only":       "..",
	"inner parent":      "team/../x",
	"trailing parent":   "team/..",
	"dot":               ".",
	"inner dot":         "team/./x",
	"empty":             "",
	"empty segment":     "a//b",
	"leading slash":     "/abs",
	"absolute path":     "/etc/passwd",
	"trailing slash":    "team/",
	"over-long":         strings.Repeat("a/", storage.MaxKeyLen/2) + "a",
	"over-long segment": strings.Repeat("a", storage.MaxSegmentLen+1),
	"NUL":               "a\x00b",
	"backslash":         `a\b`,
	"backslash parent":  `..\x`,
	"windows drive":     `C:\x`,
	"space":             "a b",
	"newline":           "a\nb",
	"percent-encoded":   "a%2Fb",
	"non-ASCII":         "t\u00e9am/x",
	"encoded dot-dot":   "%2e%2e",
	"query":             "a?b",
	"tilde":             "a~b",
	"colon":             "a:b",
	"long segment path": strings.Repeat("ab/", storage.MaxKeyLen/3+1) + "x",
}

func testInvalidKeys(t *testing.T, s storage.Store) {
	ctx := context.Background()
	b := body{seed: 5, size: 10}
	for name, key := range invalidKeys {
		t.Run(name, func(t *testing.T) {
			require.Error(t, storage.ValidKey(key), "ValidKey(%q)", key)

			err := s.Put(ctx, key, b.reader(), b.size, b.metadata())
			require.ErrorIs(t, err, storage.ErrInvalidKey, "Put(%q)", key)
			_, err = s.Stat(ctx, key)
			require.ErrorIs(t, err, storage.ErrInvalidKey, "Stat(%q)", key)
			rc, _, err := s.Get(ctx, key)
			if err == nil {
				rc.Close()
			}
			require.ErrorIs(t, err, storage.ErrInvalidKey, "Get(%q)", key)
			require.ErrorIs(t, s.Delete(ctx, key), storage.ErrInvalidKey, "Delete(%q)", key)
		})
	}
	requireKeys(t, s)

	// The longest valid key works.
	longest := strings.Repeat("k", storage.MaxSegmentLen) + "/" +
		strings.Repeat("k", storage.MaxKeyLen-storage.MaxSegmentLen-1)
	put(t, s, longest, b)
	requireStored(t, s, longest, b)
}
