package bytesize_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/bytesize"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "1048576": 1 << 20, "512KiB": 512 << 10, "100MiB": 100 << 20, "2GiB": 2 << 30,
		"3TiB": 3 << 40, "1 GiB": 1 << 30, "4K": 4 << 10, "5M": 5 << 20, "6G": 6 << 30, "7T": 7 << 40,
	} {
		got, err := bytesize.Parse(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "-1", "1.5GiB", "GiB", "1PiB", "2gib", "9999999999TiB", "1 2"} {
		_, err := bytesize.Parse(in)
		require.ErrorContains(t, err, "is not a size", in)
	}
}
