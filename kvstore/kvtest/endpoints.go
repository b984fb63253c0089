package kvtest

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
)

// Limits of Workers KV that the server enforces.
const (
	MaxValueSize     = 25 << 20
	MaxKeySize       = 512
	MaxMetadataSize  = 1024
	MinExpirationTTL = 60
	MinListLimit     = 10
	MaxListLimit     = 1000
	MaxBulkDelete    = 10000
)

// errAnswered means the handler has already written its error answer.
var errAnswered = errors.New("answered")

// checkKey answers a key the API refuses and reports whether it did.
func checkKey(w http.ResponseWriter, key string) bool {
	switch {
	case key == "":
		writeError(w, http.StatusBadRequest, codeBadRequest, "Key names must not be empty")
	case key == "." || key == "..":
		writeError(w, http.StatusBadRequest, codeBadRequest, "Illegal key name %q. Please use a different name.", key)
	case len(key) > MaxKeySize:
		writeError(w, http.StatusRequestURITooLong, codeBadRequest,
			"UTF-8 encoded length of %d exceeds key length limit of %d.", len(key), MaxKeySize)
	default:
		return false
	}
	return true
}

func (s *Server) putValue(w http.ResponseWriter, r *http.Request, key string) {
	if checkKey(w, key) {
		return
	}
	e := &entry{}
	q := r.URL.Query()
	now := s.now().Unix()
	if ttl := q.Get("expiration_ttl"); ttl != "" {
		n, err := strconv.ParseInt(ttl, 10, 64)
		switch {
		case err != nil || n <= 0:
			writeError(w, http.StatusBadRequest, codeBadRequest, "Invalid expiration_ttl of %s. Please specify integer greater than 0.", ttl)
			return
		case n < MinExpirationTTL:
			writeError(w, http.StatusBadRequest, codeBadRequest, "Invalid expiration_ttl of %s. Expiration TTL must be at least %d.", ttl, MinExpirationTTL)
			return
		}
		e.expiration = now + n
	} else if exp := q.Get("expiration"); exp != "" {
		n, err := strconv.ParseInt(exp, 10, 64)
		if err != nil || n < now+MinExpirationTTL {
			writeError(w, http.StatusBadRequest, codeBadRequest, "Invalid expiration of %s. Expiration times must be at least %d seconds in the future.", exp, MinExpirationTTL)
			return
		}
		e.expiration = n
	}
	f, err := os.CreateTemp(s.dir, "value-")
	if err != nil {
		writeError(w, http.StatusInternalServerError, codeInternal, "create value file: %v", err)
		return
	}
	e.file = f.Name()
	err = s.readValue(w, r, f, e)
	if cerr := f.Close(); err == nil && cerr != nil {
		writeError(w, http.StatusInternalServerError, codeInternal, "write value: %v", cerr)
		err = errAnswered
	}
	if err != nil {
		os.Remove(e.file)
		return
	}
	s.store(key, e)
	writeResult(w, nil, nil)
}

// readValue copies the value of a write into f and its metadata into e,
// answering any failure itself.
func (s *Server) readValue(w http.ResponseWriter, r *http.Request, f *os.File, e *entry) error {
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "multipart/form-data" {
		return copyValue(w, f, r.Body, e)
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	sawValue := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, codeBadRequest, "Malformed multipart body: %v", err)
			return errAnswered
		}
		switch part.FormName() {
		case "value":
			if err := copyValue(w, f, part, e); err != nil {
				return err
			}
			sawValue = true
		case "metadata":
			b, err := io.ReadAll(io.LimitReader(part, MaxMetadataSize+1))
			if err == nil && len(b) > MaxMetadataSize {
				n, _ := io.Copy(io.Discard, part)
				writeError(w, http.StatusRequestEntityTooLarge, codeBadRequest,
					"Metadata length of %d exceeds limit of %d.", int64(len(b))+n, MaxMetadataSize)
				return errAnswered
			}
			if err != nil || !json.Valid(b) {
				writeError(w, http.StatusBadRequest, codeBadRequest, "Metadata is not valid JSON")
				return errAnswered
			}
			e.metadata = b
		}
	}
	if !sawValue {
		writeError(w, http.StatusBadRequest, codeBadRequest, "No value in the multipart body")
		return errAnswered
	}
	return nil
}

// copyValue copies a value into f, refusing one larger than MaxValueSize.
func copyValue(w http.ResponseWriter, f *os.File, r io.Reader, e *entry) error {
	n, err := io.Copy(f, io.LimitReader(r, MaxValueSize+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, "read value: %v", err)
		return errAnswered
	}
	if n > MaxValueSize {
		rest, _ := io.Copy(io.Discard, r)
		writeError(w, http.StatusRequestEntityTooLarge, codeBadRequest, "Value length of %d exceeds limit of %d.", n+rest, MaxValueSize)
		return errAnswered
	}
	e.size = n
	return nil
}

func (s *Server) getValue(w http.ResponseWriter, key string) {
	if checkKey(w, key) {
		return
	}
	e := s.get(key)
	var f *os.File
	if e != nil {
		f, _ = os.Open(e.file) // fails only if removed since get: a miss
	}
	if f == nil {
		writeError(w, http.StatusNotFound, codeNotFound, "get: 'key not found'")
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(e.size, 10))
	if e.expiration != 0 {
		w.Header().Set("Expiration", strconv.FormatInt(e.expiration, 10))
	}
	w.WriteHeader(http.StatusOK)
	io.Copy(w, f)
}

func (s *Server) getMetadata(w http.ResponseWriter, key string) {
	if checkKey(w, key) {
		return
	}
	e := s.get(key)
	if e == nil {
		writeError(w, http.StatusNotFound, codeNotFound, "metadata: 'key not found'")
		return
	}
	var md any
	if e.metadata != nil {
		md = e.metadata
	}
	writeResult(w, md, nil)
}

func (s *Server) deleteValue(w http.ResponseWriter, key string) {
	if checkKey(w, key) {
		return
	}
	s.mu.Lock()
	s.dropLocked(key)
	s.mu.Unlock()
	writeResult(w, nil, nil)
}

func (s *Server) bulkDelete(w http.ResponseWriter, r *http.Request) {
	var keys []string
	if err := json.NewDecoder(io.LimitReader(r.Body, 100<<20)).Decode(&keys); err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, "Body must be a JSON array of key names: %v", err)
		return
	}
	if len(keys) > MaxBulkDelete {
		writeError(w, http.StatusBadRequest, codeBadRequest, "A bulk delete names %d keys, more than %d", len(keys), MaxBulkDelete)
		return
	}
	for _, k := range keys {
		if k == "" || k == "." || k == ".." || len(k) > MaxKeySize {
			checkKey(w, k)
			return
		}
	}
	s.mu.Lock()
	for _, k := range keys {
		s.dropLocked(k)
	}
	s.mu.Unlock()
	writeResult(w, map[string]any{"successful_key_count": len(keys), "unsuccessful_keys": []string{}}, nil)
}

// listedKey is one entry of a list answer.
type listedKey struct {
	Name       string          `json:"name"`
	Expiration int64           `json:"expiration,omitempty"`
	Metadata   json.RawMessage `json:"metadata,omitempty"`
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := MaxListLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < MinListLimit || n > MaxListLimit {
			writeError(w, http.StatusBadRequest, codeBadRequest, "Invalid limit of %s. Please specify an integer from %d to %d.", v, MinListLimit, MaxListLimit)
			return
		}
		limit = n
	}
	prefix := q.Get("prefix")
	if len(prefix) > MaxKeySize {
		checkKey(w, prefix)
		return
	}
	after := ""
	if c := q.Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		if err != nil {
			writeError(w, http.StatusBadRequest, codeBadRequest, "Invalid cursor %q", c)
			return
		}
		after = string(b)
	}
	keys := s.keysFrom(prefix, after)
	cursor := ""
	if len(keys) > limit {
		keys = keys[:limit]
		cursor = base64.RawURLEncoding.EncodeToString([]byte(keys[limit-1]))
	}
	result := make([]listedKey, 0, len(keys))
	s.mu.Lock()
	for _, k := range keys {
		if e := s.entries[k]; e != nil {
			result = append(result, listedKey{Name: k, Expiration: e.expiration, Metadata: e.metadata})
		}
	}
	s.mu.Unlock()
	writeResult(w, result, map[string]any{"count": len(result), "cursor": cursor})
}
