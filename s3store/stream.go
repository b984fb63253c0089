package s3store

import (
	"context"
	"errors"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// errNotTLS stops a streamed upload to a plain-HTTP endpoint before its
// body is read. Over HTTP the SDK hashes the whole payload (for the
// signature, or for a checksum header) and then rewinds it, which an
// unseekable body cannot do; over HTTPS it signs the headers only and
// sends any checksum in a trailer, so a body can stream.
var errNotTLS = errors.New("s3store: a streamed upload needs an HTTPS endpoint")

// requireTLS makes one call fail with errNotTLS unless its endpoint, as
// resolved for this request, is HTTPS.
func requireTLS(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		// Once the endpoint is resolved (and made plain HTTP if the
		// client disables HTTPS), before the checksum and payload hash
		// steps that would read the body.
		after := "ResolveEndpointV2"
		if _, ok := stack.Finalize.Get("disableHTTPS"); ok {
			after = "disableHTTPS"
		}
		return stack.Finalize.Insert(tlsCheck{}, after, middleware.After)
	})
}

type tlsCheck struct{}

func (tlsCheck) ID() string { return "s3store:requireTLS" }

func (tlsCheck) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	if req, ok := in.Request.(*smithyhttp.Request); !ok || !req.IsHTTPS() {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, errNotTLS
	}
	return next.HandleFinalize(ctx, in)
}

// endChecked yields the size bytes of an exact reader (storage.ExactReader)
// but holds the last one back until the reader has confirmed that nothing
// follows. A streamed request is complete for S3 once its last byte is
// sent, so a body longer than its size must fail before that byte, not
// after.
type endChecked struct {
	r    io.Reader
	left int64
	// err is the first failure of r. The SDK reports a body that failed
	// as a request that could not be retried; the Put reports err.
	err error
}

func (e *endChecked) Read(p []byte) (int, error) {
	n, err := e.read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

func (e *endChecked) read(p []byte) (int, error) {
	switch {
	case e.left == 0:
		return 0, io.EOF
	case len(p) == 0:
		return 0, nil
	case e.left > 1:
		n, err := e.r.Read(p[:min(int64(len(p)), e.left-1)])
		e.left -= int64(n)
		return n, err
	}
	n, err := e.r.Read(p[:1])
	if n == 0 {
		return 0, err
	}
	if err == nil {
		// The exact reader reports io.EOF at its size, or an error if
		// its source goes on.
		var probe [1]byte
		_, err = e.r.Read(probe[:])
	}
	if err != io.EOF {
		return 0, err
	}
	e.left = 0
	return 1, nil
}
