package usage

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/turbocache/turbocache/httpapi"
)

// cookieName is the login cookie's name.
const cookieName = "turbocache_dashboard"

// DefaultSessionLength is how long a login lasts.
const DefaultSessionLength = 12 * time.Hour

// maxLoginBody bounds the login form.
const maxLoginBody = 4 << 10

// DashboardOptions configures a Dashboard.
type DashboardOptions struct {
	// Token opens the page on every team: as a bearer token, as the
	// password of HTTP Basic (any user name), or through the login form,
	// which sets a cookie. Without it the dashboard is off: every request
	// is answered 404.
	Token string
	// Auth, when set, also lets in the bearer tokens (or Basic passwords)
	// it accepts, on the teams it grants them access to: a token limited
	// to some teams sees only those.
	Auth httpapi.Authenticator
	// Path is where the dashboard is mounted (default "/dashboard"): the
	// page is Path, the JSON Path+"/usage.json", the login form posts to
	// Path+"/login".
	Path string
	// Days is how many days are shown (default DefaultDays).
	Days int
	// SessionLength is how long a login lasts (default
	// DefaultSessionLength).
	SessionLength time.Duration
	// Logger receives failures to read the records. Default: slog.Default().
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Dashboard serves the usage page and its JSON. It is an http.Handler.
type Dashboard struct {
	rec     *Recorder
	page    *Page
	token   []byte // empty: off
	digest  [sha256.Size]byte
	auth    httpapi.Authenticator
	path    string
	days    int
	session time.Duration
	log     *slog.Logger
	now     func() time.Time
}

// NewDashboard returns the dashboard of rec's records.
func NewDashboard(rec *Recorder, opts *DashboardOptions) *Dashboard {
	if opts == nil {
		opts = &DashboardOptions{}
	}
	d := &Dashboard{
		rec: rec, page: NewPage(), token: []byte(opts.Token), auth: opts.Auth,
		path: opts.Path, days: opts.Days, session: opts.SessionLength, log: opts.Logger, now: opts.Now,
	}
	d.digest = sha256.Sum256(d.token)
	if d.path == "" {
		d.path = "/dashboard"
	}
	d.path = strings.TrimSuffix(d.path, "/")
	if d.days <= 0 {
		d.days = DefaultDays
	}
	if d.session <= 0 {
		d.session = DefaultSessionLength
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	if d.now == nil {
		d.now = time.Now
	}
	return d
}

// ServeHTTP serves the page, the JSON and the login form.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if len(d.token) == 0 {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	var serve func(http.ResponseWriter, *http.Request)
	method := http.MethodGet
	switch r.URL.Path {
	case d.path, d.path + "/":
		serve = d.servePage
	case d.path + "/usage.json":
		serve = d.serveJSON
	case d.path + "/login":
		serve, method = d.login, http.MethodPost
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead) {
		h.Set("Allow", method)
		http.Error(w, r.Method+" is not allowed here, only "+method, http.StatusMethodNotAllowed)
		return
	}
	serve(w, r)
}

// access is what a request may see: every team, or those keep accepts.
type access struct {
	all  bool
	keep func(team string) bool
}

// authorize returns what the request's credentials may see, and false
// when they are missing or wrong.
func (d *Dashboard) authorize(r *http.Request) (access, bool) {
	secret, ok := httpapi.BearerToken(r)
	if !ok {
		_, secret, ok = r.BasicAuth()
	}
	if ok && secret != "" {
		if d.isToken(secret) {
			return access{all: true}, true
		}
		return d.teamAccess(r, secret)
	}
	if c, err := r.Cookie(cookieName); err == nil && d.validCookie(c.Value) {
		return access{all: true}, true
	}
	return access{}, false
}

// isToken compares digests in constant time, so that neither the token's
// content nor its length leaks.
func (d *Dashboard) isToken(secret string) bool {
	digest := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(digest[:], d.digest[:]) == 1
}

// teamAccess asks Auth which teams secret may read.
func (d *Dashboard) teamAccess(r *http.Request, secret string) (access, bool) {
	if d.auth == nil {
		return access{}, false
	}
	// The Authenticator reads a bearer token, whichever way it came.
	req := r.Clone(r.Context())
	req.Header.Set("Authorization", "Bearer "+secret)
	if a, err := d.auth.Authenticate(req, ""); err != nil || a == httpapi.NoAccess {
		return access{}, false
	}
	return access{keep: func(team string) bool {
		a, err := d.auth.Authenticate(req, team)
		return err == nil && a >= httpapi.ReadOnly
	}}, true
}

// cookieValue is the login cookie of a session that ends at expiry: the
// expiry and an HMAC of it keyed by the token, so that the cookie is not
// the token, cannot be forged without it, and stops working when the token
// changes.
func (d *Dashboard) cookieValue(expiry int64) string {
	mac := hmac.New(sha256.New, d.token)
	mac.Write([]byte("turbocache dashboard session\x00" + strconv.FormatInt(expiry, 10)))
	return strconv.FormatInt(expiry, 10) + "." + hex.EncodeToString(mac.Sum(nil))
}

func (d *Dashboard) validCookie(v string) bool {
	exp, _, ok := strings.Cut(v, ".")
	if !ok {
		return false
	}
	expiry, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || d.now().Unix() >= expiry {
		return false
	}
	return hmac.Equal([]byte(v), []byte(d.cookieValue(expiry)))
}

// deny answers a request without valid credentials: 401, with the login
// form for the page. Both challenge for Basic, so that a browser can use
// the credentials of a URL or prompt for them; dismissing the prompt shows
// the form.
func (d *Dashboard) deny(w http.ResponseWriter, form bool, problem string) {
	w.Header().Set("WWW-Authenticate", `Basic realm="turbocache dashboard", charset="UTF-8"`)
	if !form {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "dashboard: missing or invalid credentials"})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	if err := d.page.renderLogin(w, d.path+"/login", problem); err != nil {
		d.log.Debug("dashboard: writing the login form", "err", err)
	}
}

// report reads the records, filtered to what acc may see.
func (d *Dashboard) report(r *http.Request, acc access) (*Report, error) {
	rep, err := d.rec.Read(r.Context(), d.days)
	if err != nil {
		return nil, err
	}
	if !acc.all {
		rep = rep.Only(acc.keep)
	}
	return rep, nil
}

func (d *Dashboard) servePage(w http.ResponseWriter, r *http.Request) {
	acc, ok := d.authorize(r)
	if !ok {
		d.deny(w, true, "")
		return
	}
	rep, err := d.report(r, acc)
	if err != nil {
		d.log.Error("dashboard: reading usage", "err", err)
		http.Error(w, "dashboard: the usage records could not be read", http.StatusServiceUnavailable)
		return
	}
	var buf bytes.Buffer
	if err := d.page.Render(&buf, rep); err != nil {
		d.log.Error("dashboard: rendering", "err", err)
		http.Error(w, "dashboard: the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

func (d *Dashboard) serveJSON(w http.ResponseWriter, r *http.Request) {
	acc, ok := d.authorize(r)
	if !ok {
		d.deny(w, false, "")
		return
	}
	rep, err := d.report(r, acc)
	if err != nil {
		d.log.Error("dashboard: reading usage", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "dashboard: the usage records could not be read"})
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// login checks the form's token and sets the session cookie.
func (d *Dashboard) login(w http.ResponseWriter, r *http.Request) {
	// A cross-site form must not log a browser in (login CSRF).
	if o := r.Header.Get("Origin"); o != "" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			http.Error(w, "dashboard: login from another site refused", http.StatusForbidden)
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginBody)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "dashboard: login form larger than 4 KiB", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "dashboard: login form: "+err.Error(), http.StatusBadRequest)
		return
	}
	if tok := r.PostForm.Get("token"); tok == "" || !d.isToken(tok) {
		d.deny(w, true, "Wrong token.")
		return
	}
	expiry := d.now().Add(d.session)
	http.SetCookie(w, &http.Cookie{
		Name:     cookieName,
		Value:    d.cookieValue(expiry.Unix()),
		Path:     d.path,
		Expires:  expiry,
		MaxAge:   int(d.session / time.Second),
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, d.path, http.StatusSeeOther)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
