package s3store

import (
	"context"
	"errors"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/turbocache/turbocache/storage"
)

// throttles recognises the answers that the SDK's retryer takes for
// throttling (SlowDown, Throttling, a bare 429, ...).
var throttles = retry.IsErrorThrottles(retry.DefaultThrottles)

// isThrottle reports whether err is S3 asking the client to slow down: a
// throttling code, or any 503, which S3 documents as "reduce your request
// rate" (SlowDown, ServiceUnavailable) and answers without a code to HEAD.
func isThrottle(err error) bool {
	var resp interface{ HTTPStatusCode() int }
	if errors.As(err, &resp) && resp.HTTPStatusCode() == http.StatusServiceUnavailable {
		return true
	}
	return throttles.IsErrorThrottle(err) == aws.TrueTernary
}

// retryRule makes one call follow the caller's retry rule
// (storage.MayRetry): the SDK's retryer still decides, but may retry only
// what ctx allows.
func retryRule(ctx context.Context) func(*s3.Options) {
	return func(o *s3.Options) {
		if o.Retryer == nil {
			o.Retryer = retry.NewStandard()
		}
		o.Retryer = ruleRetryer{Retryer: o.Retryer, ctx: ctx}
	}
}

// ruleRetryer is an aws.Retryer that asks storage.MayRetry before a retry.
type ruleRetryer struct {
	aws.Retryer
	ctx context.Context
}

func (r ruleRetryer) IsErrorRetryable(err error) bool {
	if isThrottle(err) {
		err = throttledError{err}
	}
	return r.Retryer.IsErrorRetryable(err) && storage.MayRetry(r.ctx, err)
}

// throttledError is an S3 error that also matches storage.ErrThrottled.
type throttledError struct{ error }

func (e throttledError) Unwrap() []error { return []error{e.error, storage.ErrThrottled} }
