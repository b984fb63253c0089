// Package bytesize parses the sizes that configuration gives in bytes or
// with a binary unit, the way every size variable of the server is read.
package bytesize

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse parses a byte count with an optional binary unit: 1048576, 512KiB,
// 100MiB, 2GiB, 1TiB (K, M, G and T mean the same). Space between the
// number and the unit is allowed.
func Parse(v string) (int64, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}, {"K", 10}, {"M", 20}, {"G", 30}, {"T", 40}}
	shift := uint(0)
	num := v
	for _, u := range units {
		if n, ok := strings.CutSuffix(v, u.suffix); ok {
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
