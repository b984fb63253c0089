package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/turbocache/turbocache/storage"
)

// queryWorkers bounds how many Stat calls one batch query runs at once.
const queryWorkers = 16

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

// query serves POST /v8/artifacts, the batch query of turbo run --dry: it
// maps every requested hash to its artifact's size, duration and tag, or to
// null when there is none.
func (h *Handler) query(w http.ResponseWriter, r *http.Request) {
	team, ok := h.authorize(w, r, ReadOnly, true)
	if !ok {
		return
	}
	var req struct {
		Hashes []string `json:"hashes"`
	}
	if err := decodeJSON(w, r, int64(h.maxHashes)*(MaxHashLen+4)+64, &req); err != nil {
		writeError(w, statusOf(err), codeBadRequest, "query: "+err.Error())
		return
	}
	if len(req.Hashes) > h.maxHashes {
		writeError(w, http.StatusBadRequest, codeBadRequest,
			fmt.Sprintf("query: %d hashes, more than %d", len(req.Hashes), h.maxHashes))
		return
	}
	for _, hash := range req.Hashes {
		if err := ValidHash(hash); err != nil {
			writeError(w, http.StatusBadRequest, codeBadRequest, "query: "+err.Error())
			return
		}
	}
	answers := h.statAll(r.Context(), team, req.Hashes)
	if err := r.Context().Err(); err != nil {
		h.gone(r, "query", team, "", err)
		return
	}
	out := make(map[string]any, len(req.Hashes))
	for i, hash := range req.Hashes {
		out[hash] = answers[i]
	}
	writeJSON(w, http.StatusOK, out)
}

// statAll looks up every hash of team, a few at a time, and returns, for
// each, an *artifactInfo, a *queryError, or nil for a miss.
func (h *Handler) statAll(ctx context.Context, team string, hashes []string) []any {
	answers := make([]any, len(hashes))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(queryWorkers, len(hashes)) {
		wg.Go(func() {
			for i := range next {
				answers[i] = h.statOne(ctx, team, hashes[i])
			}
		})
	}
	for i := range hashes {
		next <- i
	}
	close(next)
	wg.Wait()
	return answers
}

func (h *Handler) statOne(ctx context.Context, team, hash string) any {
	info, err := h.store.Stat(ctx, team+"/"+hash)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil
	case err != nil:
		if ctx.Err() == nil {
			h.log.ErrorContext(ctx, "httpapi: request failed", "op", "query", "team", team, "hash", hash, "err", err)
		}
		var e queryError
		e.Error.Message = "looking up the artifact failed on the server"
		return &e
	}
	return &artifactInfo{Size: info.Size, TaskDurationMs: info.Duration.Milliseconds(), Tag: info.Tag}
}
