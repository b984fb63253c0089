package respwriter_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/turbocache/turbocache/respwriter"
)

func TestRecorder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(w http.ResponseWriter)
		code  int
		bytes int64
	}{
		{"nothing", func(w http.ResponseWriter) {}, 200, 0},
		{"body only", func(w http.ResponseWriter) { io.WriteString(w, "hello") }, 200, 5},
		{"status", func(w http.ResponseWriter) { w.WriteHeader(404); io.WriteString(w, "no") }, 404, 2},
		{"second status ignored", func(w http.ResponseWriter) { w.WriteHeader(202); w.WriteHeader(500) }, 202, 0},
		{"status after body ignored", func(w http.ResponseWriter) { io.WriteString(w, "x"); w.WriteHeader(500) }, 200, 1},
		{"ReadFrom", func(w http.ResponseWriter) { io.Copy(w, io.LimitReader(strings.NewReader("abcdef"), 4)) }, 200, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := respwriter.New(httptest.NewRecorder())
			tc.write(rec)
			assert.Equal(t, tc.code, rec.Code)
			assert.Equal(t, tc.bytes, rec.Bytes)
		})
	}
}

func TestUnwrap(t *testing.T) {
	inner := httptest.NewRecorder()
	rec := respwriter.New(inner)
	assert.NoError(t, http.NewResponseController(rec).Flush())
	assert.True(t, inner.Flushed, "Flush reached the underlying writer")
}
