package httpapi

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/turbocache/turbocache/internal/download"
	"github.com/turbocache/turbocache/internal/reqbody"
	"github.com/turbocache/turbocache/storage"
)

// Artifact metadata headers, as turbo sends and reads them.
const (
	headerDuration  = "x-artifact-duration"
	headerTag       = "x-artifact-tag"
	headerSHA       = "x-artifact-sha"
	headerDirtyHash = "x-artifact-dirty-hash"
)

// Bounds on the metadata headers. The tag's is the protocol's; the others
// leave room for any VCS hash while keeping metadata small enough for every
// backend.
const (
	maxTagLen  = 600
	maxHashHdr = 256
)

// get serves GET and HEAD /v8/artifacts/{hash}.
func (h *Handler) get(w http.ResponseWriter, r *http.Request, team, hash, key string) {
	ctx := r.Context()
	body, info, err := download.Open(ctx, h.store, r.Method, key)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		writeError(w, http.StatusNotFound, codeNotFound, fmt.Sprintf("no artifact %s for team %q", hash, team))
		return
	case err != nil && reqbody.ClientGone(ctx, err):
		h.gone(r, "get", team, hash, err)
		return
	case err != nil:
		h.fail(w, r, "get", team, hash, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", contentTypeBinary)
	hd.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	hd.Set(headerDuration, strconv.FormatInt(info.Duration.Milliseconds(), 10))
	setIfAny(hd, headerTag, info.Tag)
	setIfAny(hd, headerSHA, info.SHA)
	setIfAny(hd, headerDirtyHash, info.DirtyHash)
	if err := download.Send(w, body, info.Size); err != nil {
		if reqbody.ClientGone(ctx, err) {
			h.gone(r, "get", team, hash, err)
			return
		}
		// The status line is gone; a short body is all the client sees.
		h.log.ErrorContext(ctx, "httpapi: request failed", "op", "get", "team", team, "hash", hash,
			"method", r.Method, "err", fmt.Errorf("sending %d bytes: %w", info.Size, err))
	}
}

// setIfAny sets a header that has a value; turbo reads a missing one as empty.
func setIfAny(hd http.Header, name, value string) {
	if value != "" {
		hd.Set(name, value)
	}
}

// put serves PUT /v8/artifacts/{hash}.
func (h *Handler) put(w http.ResponseWriter, r *http.Request, team, hash, key string) {
	if code, refused := h.status.uploadRefusal(); refused {
		writeError(w, http.StatusForbidden, code, "remote caching is "+string(h.status))
		return
	}
	md, err := metadataOf(r.Header)
	if err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	body, upload, fits := reqbody.Upload(w, r, h.maxSize)
	if !fits {
		h.tooLarge(w)
		return
	}
	ctx := r.Context()
	err = h.store.Put(ctx, key, upload, r.ContentLength, md) // -1 when unknown (chunked)
	switch {
	case err == nil:
	case errors.Is(err, storage.ErrTooLarge) && !body.LimitHit():
		// The store's own bound, which may be below the handler's.
		writeError(w, http.StatusRequestEntityTooLarge, codeTooLarge, "the artifact is larger than the store accepts")
		return
	case body.LimitHit():
		h.tooLarge(w)
		return
	case errors.Is(err, storage.ErrNoSpace):
		h.log.LogAttrs(ctx, slog.LevelError, "httpapi: the store is out of space",
			slog.String("team", team), slog.String("hash", hash), slog.Any("err", err))
		writeError(w, http.StatusInsufficientStorage, codeNoSpace, "the cache has no space left for this artifact")
		return
	case reqbody.ClientGone(ctx, err) || body.Failed():
		// The upload did not arrive whole; the store kept nothing.
		h.gone(r, "put", team, hash, err)
		writeError(w, http.StatusBadRequest, codeBadRequest, "the upload ended before its Content-Length")
		return
	case errors.Is(err, io.ErrUnexpectedEOF):
		writeError(w, http.StatusBadRequest, codeBadRequest, "the body is shorter than its Content-Length")
		return
	default:
		h.fail(w, r, "put", team, hash, err)
		return
	}
	writeJSON(w, http.StatusAccepted, struct {
		URLs []string `json:"urls"`
	}{URLs: []string{r.URL.RequestURI()}})
}

func (h *Handler) tooLarge(w http.ResponseWriter) {
	writeError(w, http.StatusRequestEntityTooLarge, codeTooLarge,
		fmt.Sprintf("artifacts are limited to %d bytes", h.maxSize))
}

// metadataOf reads the artifact metadata headers of an upload.
func metadataOf(hd http.Header) (storage.Metadata, error) {
	var md storage.Metadata
	if v := hd.Get(headerDuration); v != "" {
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ms < 0 || ms > int64(time.Duration(1<<63-1)/time.Millisecond) {
			return md, fmt.Errorf("header %s: %q is not a duration in milliseconds", headerDuration, v)
		}
		md.Duration = time.Duration(ms) * time.Millisecond
	}
	for _, f := range []struct {
		name string
		max  int
		dst  *string
	}{
		{headerTag, maxTagLen, &md.Tag},
		{headerSHA, maxHashHdr, &md.SHA},
		{headerDirtyHash, maxHashHdr, &md.DirtyHash},
	} {
		v := hd.Get(f.name)
		if len(v) > f.max {
			return md, fmt.Errorf("header %s: %d characters, more than %d", f.name, len(v), f.max)
		}
		for i := 0; i < len(v); i++ {
			if v[i] < 0x20 || v[i] > 0x7e {
				return md, fmt.Errorf("header %s: byte %q at offset %d is not printable ASCII", f.name, v[i], i)
			}
		}
		*f.dst = v
	}
	return md, nil
}
