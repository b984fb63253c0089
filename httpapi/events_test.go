package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/heappeak"
)

// TestEventsHostileBodies sends events reports of up to the 1 MiB the body
// may hold that are refused, and checks that each is answered 400 (or 413)
// while the heap grows by a few times the body at most (the decoder buffers
// one element, which may be the whole body): the
// report is decoded element by element, not into one slice first.
func TestEventsHostileBodies(t *testing.T) {
	const bodySize = 1 << 20
	fill := func(elem string) string {
		n := (bodySize - 2) / (len(elem) + 1)
		return "[" + strings.TrimSuffix(strings.Repeat(elem+",", n), ",") + "]"
	}
	valid := `{"sessionId":"0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b","source":"LOCAL","event":"HIT","hash":"ab","duration":1}`
	for _, tc := range []struct {
		name, body, want string
		status           int
	}{
		{"zeros", fill("0"), "events[0]", http.StatusBadRequest},
		{"empty objects", fill("{}"), "events[0]", http.StatusBadRequest},
		{"nulls", fill("null"), "events[0]", http.StatusBadRequest},
		{"too many valid events", "[" + strings.TrimSuffix(strings.Repeat(valid+",", httpapi.MaxEvents+1), ",") + "]",
			fmt.Sprintf("more than %d events", httpapi.MaxEvents), http.StatusBadRequest},
		{"one huge session id", `[{"sessionId":"` + strings.Repeat("s", bodySize-100) + `","source":"LOCAL","event":"HIT","hash":"ab"}]`,
			"not a UUID", http.StatusBadRequest},
		{"over the limit", fill("0") + strings.Repeat(" ", 10), "", http.StatusBadRequest},
		{"unterminated", "[" + strings.Repeat(valid+",", 10), "", http.StatusBadRequest},
		{"two values", "[] []", "more than one value", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := 0
			f := newFixture(t, &httpapi.Options{OnEvents: func(_ context.Context, _ string, events []httpapi.Event) { seen += len(events) }})
			require.LessOrEqual(t, len(tc.body), bodySize+10)
			var code int
			var answer string
			grew := heappeak.Measure(func() {
				w := f.do("POST", "/v8/artifacts/events?slug=team_a", tc.body)
				code, answer = w.Code, w.Body.String()
			})
			assert.Equal(t, tc.status, code, answer)
			assert.Contains(t, answer, tc.want)
			assert.Zero(t, seen, "the hook saw events of a refused report")
			t.Logf("%s: heap grew %d KiB for a body of %d KiB", tc.name, grew>>10, len(tc.body)>>10)
			assert.Less(t, grew, uint64(6*bodySize), "heap growth for one refused report")
		})
	}
}
