package nxapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/internal/reqbody"
	"github.com/turbocache/turbocache/internal/route"
	"github.com/turbocache/turbocache/storage"
)

// DefaultTeam is the team of requests when neither Options.TeamOf nor
// Options.Team names one.
const DefaultTeam = "nx"

// DefaultDownloadTimeout is how long one download may take when
// Options.DownloadTimeout is zero.
const DefaultDownloadTimeout = 10 * time.Minute

// recordDir is the key segment, between team and hash, under which a team's
// Nx records live. It must not be a hexadecimal string, so that no turbo
// artifact (key "<team>/<hex hash>") can take its name.
const recordDir = "nx"

// FailureMode chooses what the handler answers when the store fails.
type FailureMode uint8

const (
	// MissOnStoreFailure answers a store failure as if nothing were
	// stored (404 to a GET, 409 to a PUT), so that nx keeps building; the
	// failure is logged and reported as LookupFailed.
	MissOnStoreFailure FailureMode = iota
	// ErrorOnStoreFailure answers a store failure with 503, which ends an
	// nx run on a GET and fails the task after nx's retries on a PUT.
	ErrorOnStoreFailure
)

// String returns the mode's name.
func (m FailureMode) String() string {
	switch m {
	case MissOnStoreFailure:
		return "miss"
	case ErrorOnStoreFailure:
		return "error"
	}
	return fmt.Sprintf("FailureMode(%d)", int(m))
}

// Lookup is the outcome of one download, as reported to Options.OnLookup.
type Lookup string

// The outcomes of a download.
const (
	LookupHit    Lookup = "hit"
	LookupMiss   Lookup = "miss"
	LookupFailed Lookup = "error" // the store failed
)

// Options configures a Handler. A nil *Options, and every zero field, means
// the defaults.
type Options struct {
	// Auth decides what each request may do, as for httpapi: it is called
	// with the request's team. Nil means no authentication: every request
	// may read and write. Set it for any handler that others can reach.
	Auth httpapi.Authenticator

	// Team is the team whose records requests use when TeamOf is nil or
	// returns "". Empty means DefaultTeam.
	Team string

	// TeamOf, when set, gives the team of a request, typically from its
	// token (httpapi.(*TokenAuth).TeamOf); "" means Team.
	TeamOf func(r *http.Request) string

	// MaxArtifactSize is the largest record, in bytes, an upload may
	// carry; larger ones are refused with 413 and nothing is stored. Zero
	// means no limit.
	MaxArtifactSize int64

	// DownloadTimeout bounds one download, from the store's first byte to
	// the client's last; a download cut off ends with a short body. Zero
	// means DefaultDownloadTimeout.
	DownloadTimeout time.Duration

	// StoreFailure chooses the answer when the store fails; the zero
	// value is MissOnStoreFailure. See the package documentation.
	StoreFailure FailureMode

	// Logger receives store failures and other server-side errors, and, at
	// debug level, clients that went away. Nil means no logging.
	Logger *slog.Logger

	// OnLookup, when set, is called after each download with its outcome,
	// for metrics.
	OnLookup func(ctx context.Context, team string, result Lookup)
}

// Handler serves Nx's remote cache protocol from a Store. It is safe for
// concurrent use.
type Handler struct {
	store           storage.Store
	auth            httpapi.Authenticator
	team            string
	teamOf          func(r *http.Request) string
	maxSize         int64
	downloadTimeout time.Duration
	failure         FailureMode
	log             *slog.Logger
	onLookup        func(ctx context.Context, team string, result Lookup)
	locks           keyLocks
}

// New returns a Handler that serves store's records. It fails when store is
// nil or an option is invalid.
func New(store storage.Store, opts *Options) (*Handler, error) {
	if store == nil {
		return nil, errors.New("nxapi: nil store")
	}
	if opts == nil {
		opts = &Options{}
	}
	h := &Handler{
		store:           store,
		auth:            opts.Auth,
		team:            opts.Team,
		teamOf:          opts.TeamOf,
		maxSize:         opts.MaxArtifactSize,
		downloadTimeout: opts.DownloadTimeout,
		failure:         opts.StoreFailure,
		log:             opts.Logger,
		onLookup:        opts.OnLookup,
	}
	if h.team == "" {
		h.team = DefaultTeam
	}
	if err := httpapi.ValidTeam(h.team); err != nil {
		return nil, fmt.Errorf("nxapi: Options.Team: %w", err)
	}
	h.team = httpapi.CanonicalTeam(h.team) // teams fold case, as in turbo's protocol
	switch {
	case h.maxSize < 0:
		return nil, fmt.Errorf("nxapi: negative maximum artifact size %d", h.maxSize)
	case h.downloadTimeout < 0:
		return nil, fmt.Errorf("nxapi: negative download timeout %v", h.downloadTimeout)
	case h.downloadTimeout == 0:
		h.downloadTimeout = DefaultDownloadTimeout
	}
	if h.failure > ErrorOnStoreFailure {
		return nil, fmt.Errorf("nxapi: unknown %v", h.failure)
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h, nil
}

// ServeHTTP serves GET and PUT /v1/cache/{hash}.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 && r.Body != nil {
		defer reqbody.Watch(r).DropUnread(w, 0)
	}
	// Route on the path as sent, so that an encoded slash stays inside the
	// hash, where validation rejects it.
	hash, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v1/cache/")
	if !ok {
		reply(w, http.StatusNotFound, "no such endpoint; Nx's remote cache is at /v1/cache/{hash}")
		return
	}
	route.Set(r, route.NxArtifact)
	var need httpapi.Access
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		need = httpapi.ReadOnly
	case http.MethodPut:
		need = httpapi.ReadWrite
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT")
		reply(w, http.StatusMethodNotAllowed, "method not allowed; use GET or PUT")
		return
	}
	if err := ValidHash(hash); err != nil {
		reply(w, http.StatusBadRequest, err.Error())
		return
	}
	team, ok := h.authorize(w, r, need)
	if !ok {
		return
	}
	key := recordKey(team, hash)
	if r.Method == http.MethodPut {
		h.put(w, r, team, hash, key)
		return
	}
	h.get(w, r, team, hash, key)
}

// authorize resolves the request's team and checks that the caller has the
// access need to it. When it returns false it has answered the request.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request, need httpapi.Access) (string, bool) {
	team := h.team
	if h.teamOf != nil {
		if t := h.teamOf(r); t != "" {
			if err := httpapi.ValidTeam(t); err != nil {
				h.fail(w, r, "team", t, "", err)
				return "", false
			}
			team = httpapi.CanonicalTeam(t)
		}
	}
	if h.auth == nil {
		return team, true
	}
	got, err := h.auth.Authenticate(r, team)
	switch {
	case errors.Is(err, httpapi.ErrUnauthenticated):
		reply(w, http.StatusUnauthorized, err.Error())
		return "", false
	case errors.Is(err, httpapi.ErrForbidden):
		reply(w, http.StatusForbidden, err.Error())
		return "", false
	case err != nil:
		h.fail(w, r, "authenticate", team, "", err)
		return "", false
	case got == httpapi.NoAccess:
		reply(w, http.StatusForbidden, fmt.Sprintf("no access to team %q", team))
		return "", false
	case got < need:
		reply(w, http.StatusForbidden, fmt.Sprintf("%s access to team %q does not permit %s", got, team, r.Method))
		return "", false
	}
	return team, true
}

// fail answers 500 for a failure of the server itself, and logs it.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, op, team, hash string, err error) {
	h.logFailure(r, op, team, hash, err)
	reply(w, http.StatusInternalServerError, op+" failed on the server")
}

func (h *Handler) logFailure(r *http.Request, op, team, hash string, err error) {
	h.log.LogAttrs(r.Context(), slog.LevelError, "nxapi: request failed",
		slog.String("op", op), slog.String("team", team), slog.String("hash", hash),
		slog.String("method", r.Method), slog.String("on_store_failure", h.failure.String()), slog.Any("err", err))
}

// gone logs, at debug level, a request whose client went away.
func (h *Handler) gone(r *http.Request, op, team, hash string, err error) {
	h.log.LogAttrs(r.Context(), slog.LevelDebug, "nxapi: client went away",
		slog.String("op", op), slog.String("team", team), slog.String("hash", hash), slog.Any("err", err))
}
