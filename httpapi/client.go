package httpapi

import (
	"fmt"
	"net/http"

	"github.com/turbocache/turbocache/internal/route"
)

// The headers in which turbo describes where it runs, on downloads, uploads
// and event reports.
const (
	headerClientCI          = "x-artifact-client-ci"
	headerClientInteractive = "x-artifact-client-interactive"
)

// MaxClientCILen is the longest x-artifact-client-ci value, the CI vendor
// a client runs on, that the handler accepts, as the Remote Cache API spec
// bounds it.
const MaxClientCILen = 50

// checkClient validates the client headers of r, 0 or 1 for
// x-artifact-client-interactive, at most MaxClientCILen printable ASCII
// characters for x-artifact-client-ci, and tells whoever watches r's route
// (metrics) the CI vendor.
func checkClient(r *http.Request) error {
	switch v := r.Header.Values(headerClientInteractive); {
	case len(v) > 1:
		return fmt.Errorf("header %s is given %d times", headerClientInteractive, len(v))
	case len(v) == 1 && v[0] != "0" && v[0] != "1":
		return fmt.Errorf("header %s: %.16q is neither 0 nor 1", headerClientInteractive, v[0])
	}
	v := r.Header.Values(headerClientCI)
	if len(v) > 1 {
		return fmt.Errorf("header %s is given %d times", headerClientCI, len(v))
	}
	if len(v) == 0 {
		return nil
	}
	ci := v[0]
	if len(ci) > MaxClientCILen {
		return fmt.Errorf("header %s: %d characters, more than %d", headerClientCI, len(ci), MaxClientCILen)
	}
	for i := 0; i < len(ci); i++ {
		if ci[i] < 0x20 || ci[i] > 0x7e {
			return fmt.Errorf("header %s: byte %q at offset %d is not printable ASCII", headerClientCI, ci[i], i)
		}
	}
	route.SetClientCI(r, ci)
	return nil
}
