package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/turbocache/turbocache/respwriter"
)

// newLogger returns the server's logger, writing text or JSON to w. Every
// record logged with a request's context carries its request ID.
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(requestIDHandler{h})
}

type requestIDKey struct{}

// requestIDHandler adds the request ID found in a record's context.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// withRequestLog gives every request an ID (the client's X-Request-Id when it
// is a short token, else a new one), returns it in X-Request-Id, and logs
// one line per request at info level. Headers, tokens included, are never
// logged, and the values a client chooses are cut to maxLoggedLen bytes.
func withRequestLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		rec := respwriter.New(w)
		next.ServeHTTP(rec, r.WithContext(ctx))
		log.LogAttrs(ctx, slog.LevelInfo, "request",
			slog.String("method", truncate(r.Method)), slog.String("path", truncate(r.URL.EscapedPath())),
			slog.Int("status", rec.Code), slog.Int64("bytes", rec.Bytes),
			slog.Duration("duration", time.Since(start)))
	})
}

// validRequestID accepts IDs of 1 to 64 letters, digits, '-' and '_'.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// maxLoggedLen is the longest value a client chooses (the path, the
// method) that a request's log line holds; the longest path turbo sends is
// about 150 bytes. Without a bound, a client with no token could write its
// whole request line, up to the 64 KiB of headers, into every log line.
const maxLoggedLen = 256

// truncate cuts v to maxLoggedLen bytes, saying how much was cut.
func truncate(v string) string {
	if len(v) <= maxLoggedLen {
		return v
	}
	return v[:maxLoggedLen] + "...(" + strconv.Itoa(len(v)-maxLoggedLen) + " more bytes)"
}
