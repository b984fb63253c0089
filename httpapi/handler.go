package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/turbocache/turbocache/internal/reqbody"
	"github.com/turbocache/turbocache/internal/route"
	"github.com/turbocache/turbocache/storage"
)

// DefaultMaxQueryHashes is the number of hashes one batch query may ask
// about when Options.MaxQueryHashes is zero.
const DefaultMaxQueryHashes = 1000

// Options configures a Handler. A nil *Options, and every zero field, means
// the defaults.
type Options struct {
	// Auth decides what each request may do. Nil means no authentication:
	// every request may read and write every team's artifacts. Set it for
	// any handler that others can reach.
	Auth Authenticator

	// DefaultTeam is the team of requests that name none. Empty means such
	// requests are refused with 400.
	DefaultTeam string

	// MaxArtifactSize is the largest artifact, in bytes, an upload may
	// carry; larger ones are refused with 413 and nothing is stored. Zero
	// means no limit.
	MaxArtifactSize int64

	// MaxQueryHashes bounds the number of hashes in one batch query
	// (POST /v8/artifacts); more are refused with 400. Zero means
	// DefaultMaxQueryHashes.
	MaxQueryHashes int

	// MaxConcurrentLookups bounds the store lookups (Stat calls) that all
	// batch queries together run at once; further lookups wait for a free
	// slot. Zero means DefaultMaxConcurrentLookups.
	MaxConcurrentLookups int

	// Status is what GET /v8/artifacts/status reports: StatusEnabled (the
	// default, also meant by ""), StatusDisabled, StatusOverLimit or
	// StatusPaused. Any but StatusEnabled also refuses uploads with 403
	// and the code turbo expects ("remote_caching_disabled" and so on), so
	// clients skip them quietly.
	Status Status

	// Logger receives store failures and other server-side errors, and, at
	// debug level, clients that went away. Nil means no logging.
	Logger *slog.Logger

	// OnEvents, when set, receives the cache events (hits and misses) that
	// clients report at the end of each run, for the team they name. It is
	// called synchronously, before the client gets its answer.
	OnEvents func(ctx context.Context, team string, events []Event)
}

// Handler serves the Turborepo remote-cache protocol from a Store. It is
// safe for concurrent use.
type Handler struct {
	store     storage.Store
	auth      Authenticator
	team      string
	maxSize   int64
	maxHashes int
	status    Status
	log       *slog.Logger
	onEvents  func(ctx context.Context, team string, events []Event)
	// lookups holds a token for each store lookup in progress for batch
	// queries; its capacity is Options.MaxConcurrentLookups.
	lookups chan struct{}
}

// New returns a Handler that serves store's artifacts. It fails when store is
// nil or an option is invalid.
func New(store storage.Store, opts *Options) (*Handler, error) {
	if store == nil {
		return nil, errors.New("httpapi: nil store")
	}
	if opts == nil {
		opts = &Options{}
	}
	h := &Handler{
		store:     store,
		auth:      opts.Auth,
		team:      CanonicalTeam(opts.DefaultTeam),
		maxSize:   opts.MaxArtifactSize,
		maxHashes: opts.MaxQueryHashes,
		status:    opts.Status,
		log:       opts.Logger,
		onEvents:  opts.OnEvents,
	}
	if h.team != "" {
		if err := ValidTeam(h.team); err != nil {
			return nil, fmt.Errorf("httpapi: default team: %w", err)
		}
	}
	if h.maxSize < 0 {
		return nil, fmt.Errorf("httpapi: negative maximum artifact size %d", h.maxSize)
	}
	switch {
	case h.maxHashes < 0:
		return nil, fmt.Errorf("httpapi: negative maximum query size %d", h.maxHashes)
	case h.maxHashes == 0:
		h.maxHashes = DefaultMaxQueryHashes
	}
	switch n := opts.MaxConcurrentLookups; {
	case n < 0:
		return nil, fmt.Errorf("httpapi: negative maximum of concurrent lookups %d", n)
	case n == 0:
		h.lookups = make(chan struct{}, DefaultMaxConcurrentLookups)
	default:
		h.lookups = make(chan struct{}, n)
	}
	switch {
	case h.status == "":
		h.status = StatusEnabled
	case !h.status.valid():
		return nil, fmt.Errorf("httpapi: unknown status %q (want enabled, disabled, over_limit or paused)", h.status)
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h, nil
}

// ServeHTTP routes a request to the protocol operation its path and method
// name.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 {
		defer reqbody.Watch(r).DropUnread(w, unreadBodyGrace)
	}
	// Route on the path as sent, so that an encoded slash or dot inside the
	// hash stays inside the hash (where validation rejects it).
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v8/artifacts")
	if !ok {
		writeError(w, http.StatusNotFound, codeNotFound, "no such endpoint")
		return
	}
	switch {
	case rest == "" || rest == "/":
		route.Set(r, route.Query)
		h.route(w, r, "POST", h.query)
	case rest == "/status":
		route.Set(r, route.Status)
		h.route(w, r, "GET", h.serveStatus)
	case rest == "/events":
		route.Set(r, route.Events)
		h.route(w, r, "POST", h.events)
	case strings.HasPrefix(rest, "/"):
		route.Set(r, route.Artifact)
		h.artifact(w, r, rest[1:])
	default:
		writeError(w, http.StatusNotFound, codeNotFound, "no such endpoint")
	}
}

// route calls serve for method, answers preflight requests and refuses other
// methods.
func (h *Handler) route(w http.ResponseWriter, r *http.Request, method string, serve http.HandlerFunc) {
	switch r.Method {
	case method:
		serve(w, r)
	case http.MethodOptions:
		preflight(w, method)
	default:
		methodNotAllowed(w, method, http.MethodOptions)
	}
}

// artifact serves /v8/artifacts/{hash}.
func (h *Handler) artifact(w http.ResponseWriter, r *http.Request, hash string) {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut:
	case http.MethodOptions:
		preflight(w, "GET, HEAD, PUT")
		return
	default:
		methodNotAllowed(w, http.MethodGet, http.MethodHead, http.MethodPut, http.MethodOptions)
		return
	}
	if err := ValidHash(hash); err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	if err := checkClient(r); err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	need := ReadOnly
	if r.Method == http.MethodPut {
		need = ReadWrite
	}
	team, ok := h.authorize(w, r, need, true)
	if !ok {
		return
	}
	key := artifactKey(team, hash)
	switch r.Method {
	case http.MethodPut:
		h.put(w, r, team, hash, key)
	default:
		h.get(w, r, team, hash, key)
	}
}

func methodNotAllowed(w http.ResponseWriter, allowed ...string) {
	list := strings.Join(allowed, ", ")
	w.Header().Set("Allow", list)
	writeError(w, http.StatusMethodNotAllowed, codeNotAllowed, "method not allowed; use "+list)
}

// authorize resolves the request's team and checks that the caller has the
// access need to it. When it returns false it has answered the request.
// Without needTeam, a request naming no team is authorized for team "".
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request, need Access, needTeam bool) (string, bool) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, "malformed query string")
		return "", false
	}
	team, err := teamOf(query, h.team)
	if err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return "", false
	}
	if team == "" && needTeam {
		writeError(w, http.StatusBadRequest, codeBadRequest, "no team: set the teamId or slug query parameter")
		return "", false
	}
	if h.auth == nil {
		return team, true
	}
	got, err := h.auth.Authenticate(r, team)
	switch {
	case errors.Is(err, ErrUnauthenticated):
		writeError(w, http.StatusUnauthorized, codeUnauthorized, err.Error())
		return "", false
	case errors.Is(err, ErrForbidden):
		writeError(w, http.StatusForbidden, codeForbidden, err.Error())
		return "", false
	case errors.Is(err, ErrUnavailable):
		h.log.LogAttrs(r.Context(), slog.LevelWarn, "httpapi: authentication unavailable",
			slog.String("team", team), slog.String("method", r.Method), slog.Any("err", err))
		writeError(w, http.StatusServiceUnavailable, codeUnavailable, "authentication is unavailable for now; retry later")
		return "", false
	case err != nil:
		h.fail(w, r, "authenticate", team, "", err)
		return "", false
	case got == NoAccess:
		writeError(w, http.StatusForbidden, codeForbidden, fmt.Sprintf("no access to team %q", team))
		return "", false
	case got < need:
		writeError(w, http.StatusForbidden, codeForbidden, fmt.Sprintf("%s access to team %q does not permit %s", got, team, r.Method))
		return "", false
	}
	return team, true
}

// fail answers 500 for a failure of the server or its store, and logs it.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, op, team, hash string, err error) {
	h.log.LogAttrs(r.Context(), slog.LevelError, "httpapi: request failed",
		slog.String("op", op), slog.String("team", team), slog.String("hash", hash),
		slog.String("method", r.Method), slog.Any("err", err))
	writeError(w, http.StatusInternalServerError, codeInternal, op+" failed on the server")
}

// gone logs, at debug level, a request whose client went away.
func (h *Handler) gone(r *http.Request, op, team, hash string, err error) {
	h.log.LogAttrs(r.Context(), slog.LevelDebug, "httpapi: client went away",
		slog.String("op", op), slog.String("team", team), slog.String("hash", hash), slog.Any("err", err))
}

// unreadBodyGrace is how long a refused body may still be read, at most: a
// client still sending its body (an upload that failed after its first
// part) gets the 5xx rather than a reset.
const unreadBodyGrace = time.Second
