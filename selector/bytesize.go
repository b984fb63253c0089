package selector

import (
	"fmt"
	"strconv"
	"strings"
)

// parseByteSize parses a byte count with an optional binary unit:
// 67108864, 512KiB, 64MiB, 1GiB (K, M and G mean the same).
func parseByteSize(v string) (int64, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"K", 10}, {"M", 20}, {"G", 30}}
	shift, num := uint(0), v
	for _, u := range units {
		if n, ok := strings.CutSuffix(v, u.suffix); ok {
			num, shift = strings.TrimSpace(n), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("%q is not a size such as 67108864, 64MiB or 1GiB", v)
	}
	return n << shift, nil
}
