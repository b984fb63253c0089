package heappeak_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/turbocache/turbocache/internal/heappeak"
)

var sink []byte

func TestMeasure(t *testing.T) {
	const size = 64 << 20
	grew := heappeak.Measure(func() {
		sink = make([]byte, size)
		for i := range sink {
			sink[i] = 1
		}
	})
	sink = nil
	assert.GreaterOrEqual(t, grew, uint64(size), "a 64 MiB allocation kept live")
	assert.Less(t, heappeak.Measure(func() {}), uint64(8<<20), "nothing allocated")
}
