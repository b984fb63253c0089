package selector

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultMaxSizeCap is the largest bound DefaultMaxSize chooses: 10 GiB.
const DefaultMaxSizeCap = 10 << 30

// DefaultMaxSize is the bound of a local directory store whose size is not
// configured (no STORAGE_MAX_SIZE): half of the room the store could take
// on its file system when it opens (the free space plus what its artifacts
// already take), and at most DefaultMaxSizeCap. Half, so that the cache
// never fills a disk it shares with other programs, and still grows with
// what the disk offers; capped, because a cache on a large shared disk
// should be a decision. Where the free space cannot be read, it is the cap.
func DefaultMaxSize(dir string) int64 {
	free, ok := freeSpace(dir)
	if !ok {
		return DefaultMaxSizeCap
	}
	half := (free + dirBytes(dir)) / 2
	return min(half&^(1<<20-1), DefaultMaxSizeCap) // whole MiB
}

// freeSpaceOf returns the bytes available to this user on the file system
// of dir, or of its closest existing parent.
func freeSpaceOf(dir string, statfs func(string) (int64, error)) (int64, bool) {
	for {
		n, err := statfs(dir)
		if err == nil {
			return n, true
		}
		parent := filepath.Dir(dir)
		if !errors.Is(err, fs.ErrNotExist) || parent == dir {
			return 0, false
		}
		dir = parent
	}
}

// dirBytes adds up the sizes of the regular files below dir.
func dirBytes(dir string) int64 {
	var total int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				total += fi.Size()
			}
		}
		return nil // unreadable parts count for nothing
	})
	return total
}

// ParseSize parses a byte count with an optional binary unit: 1048576,
// 512KiB, 100MiB, 2GiB, 1TiB (K, M, G and T mean the same). It is the
// syntax of every size the server's environment variables take.
func ParseSize(v string) (int64, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}, {"K", 10}, {"M", 20}, {"G", 30}, {"T", 40}}
	shift := uint(0)
	num := strings.TrimSpace(v)
	for _, u := range units {
		if n, ok := strings.CutSuffix(num, u.suffix); ok {
			num, shift = strings.TrimSpace(n), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("%q is not a size such as 1073741824, 512MiB or 2GiB", v)
	}
	return n << shift, nil
}
