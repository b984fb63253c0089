package toolpath

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFind(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "node_modules", ".bin", "tool")
	require.NoError(t, os.MkdirAll(filepath.Dir(bin), 0o755))
	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755))
	cached := filepath.Join(dir, "tools", "tool-1.0", "node_modules", ".bin", "tool")
	require.NoError(t, os.MkdirAll(filepath.Dir(cached), 0o755))
	require.NoError(t, os.WriteFile(cached, []byte("#!/bin/sh\n"), 0o755))
	tool := Tool{Name: "tool", Version: "1.0", Env: "TOOLPATH_TEST_TOOL"}
	tests := []struct {
		name, env, tools, want, err string
	}{
		{name: "the executable named", env: bin, want: bin},
		{name: "the directory it was installed into", env: dir, want: bin},
		{name: "the tools cache", tools: filepath.Join(dir, "tools"), want: cached},
		{name: "nothing there", env: filepath.Join(dir, "none"), err: "no tool executable at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(tool.Env, tt.env)
			t.Setenv("TURBOCACHE_TOOLS", tt.tools)
			got, err := tool.find()
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
