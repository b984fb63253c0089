package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/turbocache/turbocache/storage"
)

// queryWorkers bounds how many Stat calls one batch query runs at once.
const queryWorkers = 16

// DefaultMaxConcurrentLookups is the number of store lookups all batch
// queries together run at once when Options.MaxConcurrentLookups is zero.
const DefaultMaxConcurrentLookups = 64

// artifactInfo is a batch query's answer for a stored artifact.
type artifactInfo struct {
	Size           int64  `json:"size"`
	TaskDurationMs int64  `json:"taskDurationMs"`
	Tag            string `json:"tag"`
}

// queryError is a batch query's answer for a hash the store failed on.
type queryError struct {
	Error struct {
		Message string `json:"message"`
	} `json:"error"`
}

func newQueryError(msg string) *queryError {
	var e queryError
	e.Error.Message = msg
	return &e
}

// Answers for hashes the query could not look up. Errors, not misses: a
// miss would tell turbo that the artifact is not there.
var (
	errLookupFailed = newQueryError("looking up the artifact failed on the server")
	errThrottled    = newQueryError("not looked up: the store is throttling requests; try again later")
	errSkipped      = newQueryError("not looked up: the store failed on another hash of this query")
)

// query serves POST /v8/artifacts, the batch query of turbo run --dry: it
// maps every requested hash to its artifact's size, duration and tag, or to
// null when there is none.
func (h *Handler) query(w http.ResponseWriter, r *http.Request) {
	team, ok := h.authorize(w, r, ReadOnly, true)
	if !ok {
		return
	}
	hashes, err := decodeQuery(http.MaxBytesReader(w, r.Body, int64(h.maxHashes)*(MaxHashLen+4)+64), h.maxHashes)
	if err != nil {
		writeError(w, statusOf(err), codeBadRequest, "query: "+err.Error())
		return
	}
	answers := h.statAll(r.Context(), team, hashes)
	if err := r.Context().Err(); err != nil {
		h.gone(r, "query", team, "", err)
		return
	}
	out := make(map[string]any, len(hashes))
	for i, hash := range hashes {
		out[hash] = answers[i]
	}
	writeJSON(w, http.StatusOK, out)
}

// statAll looks up every hash of team, a few at a time and within the
// handler's limit on concurrent lookups, and returns, for each, an
// *artifactInfo, a *queryError, or nil for a miss. Once a lookup fails
// (after the store's retries) or the store reports that the backend is
// throttling (at once, without retries), no further lookup is started and
// the hashes left are answered with an error: a dry run's display is not
// worth prolonging the throttling or the outage that uploads and downloads
// also suffer.
func (h *Handler) statAll(ctx context.Context, team string, hashes []string) []any {
	answers := make([]any, len(hashes))
	ctx = storage.WithoutThrottledRetries(ctx)
	var (
		stop            atomic.Pointer[queryError] // the answer for hashes not looked up
		failed, skipped atomic.Int64
		firstErr        error
		once            sync.Once
	)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(queryWorkers, len(hashes)) {
		wg.Go(func() {
			for i := range next {
				if skip := stop.Load(); skip != nil {
					answers[i] = skip
					skipped.Add(1)
					continue
				}
				select {
				case h.lookups <- struct{}{}:
				case <-ctx.Done():
					answers[i] = errLookupFailed // not sent: the client is gone
					continue
				}
				answer, err := h.statOne(ctx, team, hashes[i])
				<-h.lookups
				answers[i] = answer
				if err != nil {
					failed.Add(1)
					once.Do(func() { firstErr = err })
					if errors.Is(err, storage.ErrThrottled) {
						stop.Store(errThrottled)
					} else {
						stop.CompareAndSwap(nil, errSkipped)
					}
				}
			}
		})
	}
	for i := range hashes {
		next <- i
	}
	close(next)
	wg.Wait()
	if n := failed.Load(); n > 0 && ctx.Err() == nil {
		// One line per query, not per hash: a throttled backend fails
		// every lookup at once.
		h.log.ErrorContext(ctx, "httpapi: request failed", "op", "query", "team", team,
			"failed", n, "skipped", skipped.Load(), "of", len(hashes), "err", firstErr)
	}
	return answers
}

// statOne looks up one hash. It returns the hash's answer, and the store's
// error if the lookup failed.
func (h *Handler) statOne(ctx context.Context, team, hash string) (any, error) {
	info, err := h.store.Stat(ctx, artifactKey(team, hash))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, nil
	case errors.Is(err, storage.ErrThrottled):
		return errThrottled, err
	case err != nil:
		return errLookupFailed, err
	}
	return &artifactInfo{Size: info.Size, TaskDurationMs: info.Duration.Milliseconds(), Tag: info.Tag}, nil
}

// decodeQuery reads a batch query's body, {"hashes":[...]}, one hash at a
// time, validating each and stopping at the first bad one or at the
// (max+1)th, so that the body's size alone bounds what it makes the server
// allocate.
func decodeQuery(body io.Reader, max int) ([]string, error) {
	dec := json.NewDecoder(body)
	if err := expectDelim(dec, '{', "an object"); err != nil {
		return nil, err
	}
	var hashes []string
	seen := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("invalid JSON body: %w", err)
		}
		if tok != "hashes" {
			var skip json.RawMessage // bounded by the body
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("invalid JSON body: %w", err)
			}
			continue
		}
		if seen {
			return nil, errors.New(`invalid JSON body: "hashes" given twice`)
		}
		seen = true
		if err := expectDelim(dec, '[', `"hashes" as an array`); err != nil {
			return nil, err
		}
		for i := 0; dec.More(); i++ {
			if i == max {
				return nil, fmt.Errorf("more than %d hashes", max)
			}
			var hash string
			if err := dec.Decode(&hash); err != nil {
				return nil, fmt.Errorf("hashes[%d]: invalid JSON: %w", i, err)
			}
			if err := ValidHash(hash); err != nil {
				return nil, err
			}
			hashes = append(hashes, hash)
		}
		if _, err := dec.Token(); err != nil { // the closing ']'
			return nil, fmt.Errorf("invalid JSON body: %w", err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, fmt.Errorf("invalid JSON body: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON body: more than one value")
	}
	return hashes, nil
}

// expectDelim reads the next token of dec, which must be delim.
func expectDelim(dec *json.Decoder, delim json.Delim, what string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	if tok != delim {
		return fmt.Errorf("invalid JSON body: not %s", what)
	}
	return nil
}
