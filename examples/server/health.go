package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// readyProbeKey is the key /readyz looks up: a valid key that no artifact
// has, since artifact hashes are hexadecimal.
const readyProbeKey = "readyz/probe"

// Bounds of the readiness probe.
const (
	// readyCacheFor is how long a probe's result answers /readyz. Anyone
	// can call /readyz; without the cache every call would be a backend
	// request, paid for or counted against the store's rate limit.
	readyCacheFor = 5 * time.Second
	// readyTimeout bounds one probe.
	readyTimeout = 5 * time.Second
)

// healthz answers 200 while the process serves requests.
func healthz(w http.ResponseWriter, _ *http.Request) {
	io.WriteString(w, "ok\n")
}

// readyz answers 200 when the store answers a lookup (a miss counts), and
// 503 when it fails or takes longer than readyTimeout. A result answers for
// readyCacheFor; calls while a probe is in progress wait for it rather than
// start another; and the probe is sent once, without the store's retries.
func readyz(store storage.Store, log *slog.Logger) http.Handler {
	return &readiness{store: store, log: log, cacheFor: readyCacheFor, now: time.Now}
}

// readiness is the /readyz handler and the cache of its last probe.
type readiness struct {
	store    storage.Store
	log      *slog.Logger
	cacheFor time.Duration
	now      func() time.Time

	mu      sync.Mutex
	checked time.Time     // when the last probe ended; zero before the first
	err     error         // its result
	probing chan struct{} // closed when the probe in progress ends; nil if none
}

func (rd *readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := rd.check(r); err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ready\n")
}

// check returns the cached result if it is recent, waits for the probe in
// progress if there is one, and otherwise probes the store itself.
func (rd *readiness) check(r *http.Request) error {
	rd.mu.Lock()
	if !rd.checked.IsZero() && rd.now().Sub(rd.checked) < rd.cacheFor {
		defer rd.mu.Unlock()
		return rd.err
	}
	if wait := rd.probing; wait != nil {
		rd.mu.Unlock()
		select {
		case <-wait:
		case <-r.Context().Done():
			return r.Context().Err()
		}
		rd.mu.Lock()
		defer rd.mu.Unlock()
		return rd.err
	}
	done := make(chan struct{})
	rd.probing = done
	rd.mu.Unlock()

	// The probe finishes for the others waiting even if this caller goes.
	ctx, cancel := context.WithTimeout(storage.WithoutRetries(context.WithoutCancel(r.Context())), readyTimeout)
	defer cancel()
	_, err := rd.store.Stat(ctx, readyProbeKey)
	if errors.Is(err, storage.ErrNotFound) {
		err = nil
	}
	if err != nil {
		rd.log.LogAttrs(ctx, slog.LevelWarn, "not ready: the store failed", slog.Any("err", err))
	}
	rd.mu.Lock()
	rd.checked, rd.err, rd.probing = rd.now(), err, nil
	rd.mu.Unlock()
	close(done)
	return err
}
