package kvstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// maxEnvelope bounds how much of an envelope answer is read.
const maxEnvelope = 16 << 20

// request is one API call, which may be sent several times.
type request struct {
	method string
	route  string // "values", "metadata", "keys", "bulk/delete"
	key    string // percent-encoded into the path after route, if not empty
	query  url.Values
	// body is sent as is on every attempt; nil means no body.
	body        [][]byte
	contentType string
}

// envelope is the JSON wrapper of every answer except a value read.
type envelope struct {
	Success    bool            `json:"success"`
	Errors     []APIMessage    `json:"errors"`
	Result     json.RawMessage `json:"result"`
	ResultInfo struct {
		Cursor string `json:"cursor"`
		Count  int    `json:"count"`
	} `json:"result_info"`
}

// url builds the request's URL. The key is escaped as one path segment,
// '/' included, so it cannot reach another route or namespace.
func (s *Store) url(r *request) *url.URL {
	u := *s.cfg.base
	u.Path = s.cfg.base.Path + "/" + r.route
	u.RawPath = s.cfg.base.EscapedPath() + "/" + r.route
	if r.key != "" {
		u.Path += "/" + r.key
		u.RawPath += "/" + url.PathEscape(r.key)
	}
	u.RawQuery = r.query.Encode()
	return &u
}

// send sends r until it gets an answer with a 2xx status, a final error
// answer, or the retry policy gives up; the caller may forbid retries
// through ctx (storage.MayRetry). On success the caller owns the
// response body.
func (s *Store) send(ctx context.Context, r *request) (*http.Response, error) {
	u := s.url(r)
	var last error
	for attempt := 1; ; attempt++ {
		resp, err := s.sendOnce(ctx, r, u)
		if err == nil && resp.StatusCode/100 == 2 {
			return resp, nil
		}
		var wait time.Duration
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			last = err
		} else {
			last = answerError(resp)
			if !retryable(resp.StatusCode) {
				return nil, last
			}
			if ra, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
				if ra > s.cfg.retry.MaxRetryAfter {
					return nil, fmt.Errorf("Retry-After of %s exceeds the %s the store waits: %w", ra, s.cfg.retry.MaxRetryAfter, last)
				}
				wait = ra
			}
		}
		if !storage.MayRetry(ctx, last) {
			return nil, last
		}
		if attempt >= s.cfg.retry.MaxAttempts {
			return nil, fmt.Errorf("gave up after %d attempts: %w", attempt, last)
		}
		if wait == 0 {
			wait = s.backoff(attempt)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (while waiting to retry after: %w)", ctx.Err(), last)
		case <-t.C:
		}
	}
}

func (s *Store) sendOnce(ctx context.Context, r *request, u *url.URL) (*http.Response, error) {
	var body *gatedReader
	var size int64
	if r.body != nil {
		body = &gatedReader{r: multiReader(r.body)}
		for _, b := range r.body {
			size += int64(len(b))
		}
	}
	var reqBody io.Reader
	if body != nil {
		reqBody = body
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), reqBody)
	if err != nil {
		return nil, err
	}
	if r.body != nil {
		req.ContentLength = size
		req.Header.Set("Content-Type", r.contentType)
	}
	req.Header.Set("Authorization", "Bearer "+s.cfg.token)
	resp, err := s.cfg.client.Do(req)
	if body != nil {
		// The transport may still be sending the body after an early
		// answer; from here on it gets an error instead, so the caller can
		// reuse the buffers at once.
		body.close()
	}
	return resp, err
}

// gatedReader is a request body that stops reading its buffers for good
// once closed, even if the transport is reading from another goroutine.
type gatedReader struct {
	mu     sync.Mutex
	r      io.Reader
	closed bool
}

func (g *gatedReader) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return 0, errBodyDone
	}
	return g.r.Read(p)
}

func (g *gatedReader) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

var errBodyDone = errors.New("kvstore: request body abandoned after the answer")

func multiReader(bufs [][]byte) io.Reader {
	rs := make([]io.Reader, len(bufs))
	for i, b := range bufs {
		rs[i] = bytes.NewReader(b)
	}
	return io.MultiReader(rs...)
}

// backoff is the wait before retry number attempt: MinBackoff doubled per
// earlier retry, capped at MaxBackoff, with full jitter in its upper half.
func (s *Store) backoff(attempt int) time.Duration {
	d := s.cfg.retry.MinBackoff << min(attempt-1, 30)
	if d <= 0 || d > s.cfg.retry.MaxBackoff {
		d = s.cfg.retry.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter parses a Retry-After header: delay seconds or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// answerError reads an error answer, closes it and describes it.
func answerError(resp *http.Response) error {
	defer resp.Body.Close()
	e := &APIError{StatusCode: resp.StatusCode}
	var env envelope
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxEnvelope)).Decode(&env); err == nil {
		e.Errors = env.Errors
	}
	return e
}

// call sends r and decodes the envelope of its answer, failing unless the
// envelope says success.
func (s *Store) call(ctx context.Context, r *request) (*envelope, error) {
	resp, err := s.send(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var env envelope
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxEnvelope)).Decode(&env); err != nil {
		return nil, fmt.Errorf("decode the answer to %s %s: %w", r.method, r.route, err)
	}
	if !env.Success {
		return nil, &APIError{StatusCode: resp.StatusCode, Errors: env.Errors}
	}
	return &env, nil
}

// errIsNotFound is errors.Is(err, storage.ErrNotFound) for API answers.
func errIsNotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.HasCode(CodeKeyNotFound)
}
