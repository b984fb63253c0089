// Package floor is the reference point of the benchmarks: the least a
// remote-cache server can do. It streams an upload to a temporary file and
// renames it into place, and serves a download with [http.ServeContent]
// (sendfile on Linux). No authentication, no metadata, no teams, and no
// fsync unless asked for. For turbo, it also answers the status check with
// "enabled" and accepts usage events without reading them.
package floor

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// Handler serves PUT and GET /v8/artifacts/{hash} from a directory.
type Handler struct {
	dir  string
	sync bool
}

// Options configures a Handler. A nil *Options means the defaults.
type Options struct {
	// Sync makes every upload reach the disk (fsync) before its rename,
	// as a store that survives a power loss must. Off by default: the
	// floor is the fastest this machine allows.
	Sync bool
}

// New returns a Handler keeping artifacts in dir, which must exist.
func New(dir string, opts *Options) (*Handler, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("floor: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("floor: %q is not a directory", dir)
	}
	h := &Handler{dir: dir}
	if opts != nil {
		h.sync = opts.Sync
	}
	return h, nil
}

// ServeHTTP stores or sends the artifact the path names.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hash, ok := strings.CutPrefix(r.URL.Path, "/v8/artifacts/")
	switch {
	case ok && hash == "status" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"enabled"}`)
		return
	case ok && hash == "events" && r.Method == http.MethodPost:
		return
	}
	if !ok || !isHex(hash) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	name := filepath.Join(h.dir, hash)
	switch r.Method {
	case http.MethodPut:
		if err := h.put(name, r.Body, r.ContentLength); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	case http.MethodGet, http.MethodHead:
		f, err := os.Open(name)
		if err != nil {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(w, r, "", fi.ModTime(), f)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// put streams body to a temporary file beside name and renames it to name.
func (h *Handler) put(name string, body io.Reader, size int64) error {
	f, err := os.CreateTemp(h.dir, ".upload-*")
	if err != nil {
		return err
	}
	n, err := io.Copy(f, body)
	if err == nil && h.sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && size >= 0 && n != size {
		err = fmt.Errorf("body of %d bytes, want %d", n, size)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

func isHex(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
