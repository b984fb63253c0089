package storage_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/turbocache/turbocache/storage"
)

func TestValidKey(t *testing.T) {
	for _, tc := range []struct {
		key     string
		problem string // "" for a valid key
	}{
		{"team/0123456789abcdef", ""},
		{"a", ""},
		{"team_x/A-b.c_d", ""},
		{"...", ""},
		{"a/.b/c..", ""},
		{strings.Repeat("k", storage.MaxSegmentLen), ""},
		{"", "empty"},
		{"../x", `segment ".."`},
		{"a/..", `segment ".."`},
		{".", `segment "."`},
		{"a//b", "empty segment"},
		{"/abs", "empty segment"},
		{"a/", "empty segment"},
		{"a\x00b", `byte '\x00' at offset 1`},
		{`a\b`, `byte '\\' at offset 1`},
		{"a%2Fb", "byte '%' at offset 1"},
		{"t\u00e9", "at offset 1"},
		{strings.Repeat("k", storage.MaxSegmentLen+1), "a segment of 201 bytes"},
		{strings.Repeat("k/", 200), "400 bytes, longer than 256"},
	} {
		err := storage.ValidKey(tc.key)
		if tc.problem == "" {
			assert.NoError(t, err, "ValidKey(%q)", tc.key)
			continue
		}
		assert.ErrorIs(t, err, storage.ErrInvalidKey, "ValidKey(%q)", tc.key)
		assert.ErrorContains(t, err, tc.problem, "ValidKey(%q)", tc.key)
	}
}

func FuzzValidKey(f *testing.F) {
	for _, seed := range []string{"team/abc", "../x", "a//b", ".", "a/./b", "a\x00", `a\b`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if storage.ValidKey(key) != nil {
			return
		}
		for seg := range strings.SplitSeq(key, "/") {
			if seg == "" || seg == "." || seg == ".." || len(seg) > storage.MaxSegmentLen {
				t.Fatalf("ValidKey accepted %q with segment %q", key, seg)
			}
		}
		if len(key) > storage.MaxKeyLen || strings.ContainsAny(key, "\\\x00~:%") {
			t.Fatalf("ValidKey accepted %q", key)
		}
	})
}
