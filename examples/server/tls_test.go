package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/testcert"
	"github.com/turbocache/turbocache/internal/turbotest"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// startTLSServer starts the server with a certificate made for the test and
// returns it with the certificate's pair; s.URL is its https:// URL.
func startTLSServer(t *testing.T, env map[string]string) (*server, *testcert.Pair) {
	t.Helper()
	pair, err := testcert.Write(t.TempDir(), nil)
	require.NoError(t, err)
	full := map[string]string{"TURBO_TOKEN": "t", "TLS_CERT_FILE": pair.CertFile, "TLS_KEY_FILE": pair.KeyFile}
	for k, v := range env {
		full[k] = v
	}
	s := startServer(t, full)
	s.URL = strings.Replace(s.URL, "http://", "https://", 1)
	assert.Contains(t, s.stderr.String(), "url="+s.URL, "the server announces its https URL")
	return s, pair
}

// clientFor trusts pool; http2 chooses between HTTP/2 and HTTP/1.1 only.
func clientFor(pool *x509.CertPool, http2 bool) *http.Client {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	var p http.Protocols
	p.SetHTTP1(!http2)
	p.SetHTTP2(http2)
	tr.Protocols = &p
	return &http.Client{Transport: tr}
}

type exchange struct {
	name, method, path, body string
	header                   map[string]string
	code                     int
	wantBody                 string
	wantHeader               map[string]string
}

// protocolExchanges is a session of the remote-cache protocol: status, an
// upload with metadata, its lookup and download, a miss, the batch query
// and client events.
var protocolExchanges = []exchange{
	{name: "status", method: "GET", path: "/v8/artifacts/status", code: 200, wantBody: `{"status":"enabled"}`},
	{name: "upload", method: "PUT", path: "/v8/artifacts/0123abcd?slug=web", body: "artifact bytes",
		header: map[string]string{"x-artifact-duration": "1234", "x-artifact-tag": "sig"}, code: 202},
	{name: "lookup", method: "HEAD", path: "/v8/artifacts/0123abcd?slug=web", code: 200,
		wantHeader: map[string]string{"x-artifact-duration": "1234", "x-artifact-tag": "sig"}},
	{name: "download", method: "GET", path: "/v8/artifacts/0123abcd?slug=web", code: 200, wantBody: "artifact bytes",
		wantHeader: map[string]string{"x-artifact-duration": "1234", "Content-Length": "14"}},
	{name: "miss", method: "GET", path: "/v8/artifacts/ffff0000?slug=web", code: 404},
	{name: "batch query", method: "POST", path: "/v8/artifacts?slug=web", body: `{"hashes":["0123abcd","ffff0000"]}`,
		header: map[string]string{"Content-Type": "application/json"}, code: 200,
		wantBody: `{"0123abcd":{"size":14,"taskDurationMs":1234,"tag":"sig"},"ffff0000":null}`},
	{name: "events", method: "POST", path: "/v8/artifacts/events?slug=web",
		body:   `[{"sessionId":"0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b","source":"REMOTE","event":"HIT","hash":"0123abcd","duration":5}]`,
		header: map[string]string{"Content-Type": "application/json"}, code: 200},
	{name: "no token", method: "GET", path: "/v8/artifacts/status", code: 401},
}

// TestTLSProtocol runs the protocol over HTTPS, with HTTP/2 and with
// HTTP/1.1, and checks which protocol answered.
func TestTLSProtocol(t *testing.T) {
	for _, tc := range []struct {
		name  string
		http2 bool
		major int
	}{{"HTTP/2", true, 2}, {"HTTP/1.1", false, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			s, pair := startTLSServer(t, nil)
			client := clientFor(pair.Pool, tc.http2)
			for _, ex := range protocolExchanges {
				req, err := http.NewRequest(ex.method, s.URL+ex.path, strings.NewReader(ex.body))
				require.NoError(t, err)
				if ex.name != "no token" {
					req.Header.Set("Authorization", "Bearer t")
				}
				for k, v := range ex.header {
					req.Header.Set(k, v)
				}
				resp, err := client.Do(req)
				require.NoError(t, err, ex.name)
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				require.NoError(t, err, ex.name)
				assert.Equal(t, tc.major, resp.ProtoMajor, "%s: protocol", ex.name)
				require.NotNil(t, resp.TLS, ex.name)
				assert.Equal(t, ex.code, resp.StatusCode, "%s: %s", ex.name, body)
				if ex.wantBody != "" {
					if strings.HasPrefix(ex.wantBody, "{") {
						assert.JSONEq(t, ex.wantBody, string(body), ex.name)
					} else {
						assert.Equal(t, ex.wantBody, string(body), ex.name)
					}
				}
				for k, v := range ex.wantHeader {
					assert.Equal(t, v, resp.Header.Get(k), "%s: header %s", ex.name, k)
				}
			}
		})
	}
}

// TestTLSUntrusted: a client that does not trust the certificate is
// refused at the handshake, and the plain-HTTP port does not exist.
func TestTLSUntrusted(t *testing.T) {
	s, _ := startTLSServer(t, nil)
	_, err := clientFor(x509.NewCertPool(), true).Get(s.URL + "/healthz")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
	resp, err := http.Get(strings.Replace(s.URL, "https://", "http://", 1) + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "plain HTTP to the TLS port")
}

// servedSerial is the serial number of the certificate a new connection
// to url is served.
func servedSerial(t *testing.T, url string) string {
	t.Helper()
	// A transport per call, so that every call makes a new connection.
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(url + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	return resp.TLS.PeerCertificates[0].SerialNumber.String()
}

// TestTLSCertificateRotation replaces the certificate on disk, as a
// certificate manager does: new connections get the new one without a
// restart; files that do not load leave the last good pair in service.
func TestTLSCertificateRotation(t *testing.T) {
	s, first := startTLSServer(t, nil)
	dir := filepath.Dir(first.CertFile)
	assert.Equal(t, first.Cert.SerialNumber.String(), servedSerial(t, s.URL))

	second, err := testcert.Write(dir, nil)
	require.NoError(t, err)
	assert.Equal(t, second.Cert.SerialNumber.String(), servedSerial(t, s.URL), "the rotated certificate")
	assert.Contains(t, s.stderr.String(), "TLS certificate reloaded")

	// A key that does not belong to the certificate: keep serving the last good pair.
	other, err := testcert.Write(t.TempDir(), nil)
	require.NoError(t, err)
	otherKey, err := os.ReadFile(other.KeyFile)
	require.NoError(t, err)
	require.NoError(t, testcert.WriteFile(second.KeyFile, otherKey))
	assert.Equal(t, second.Cert.SerialNumber.String(), servedSerial(t, s.URL), "the last good certificate")
	assert.Equal(t, second.Cert.SerialNumber.String(), servedSerial(t, s.URL), "still the last good certificate")
	assert.Equal(t, 1, strings.Count(s.stderr.String(), "do not load"), "the bad pair is logged once: %s", s.stderr)

	// A garbage certificate, then a good pair again.
	require.NoError(t, testcert.WriteFile(second.CertFile, []byte("not a certificate")))
	assert.Equal(t, second.Cert.SerialNumber.String(), servedSerial(t, s.URL))
	third, err := testcert.Write(dir, nil)
	require.NoError(t, err)
	assert.Equal(t, third.Cert.SerialNumber.String(), servedSerial(t, s.URL), "a good pair after bad ones")
}

// TestH2C: with HTTP2_CLEARTEXT=true, plain HTTP answers HTTP/2 with prior
// knowledge (h2c) and HTTP/1.1; without it, h2c is refused.
func TestH2C(t *testing.T) {
	h2c := func() *http.Client {
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		return &http.Client{Transport: &http.Transport{Protocols: &p}}
	}
	s := startServer(t, map[string]string{"TURBO_TOKEN": "t", "HTTP2_CLEARTEXT": "true"})
	req, err := http.NewRequest("PUT", s.URL+"/v8/artifacts/abcd?slug=web", strings.NewReader("over h2c"))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	resp, err := h2c().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 2, resp.ProtoMajor, "h2c")
	assert.Equal(t, http.StatusAccepted, resp.StatusCode)
	code, body, _ := s.do(t, "GET", "/v8/artifacts/abcd?slug=web", "t", "")
	assert.Equal(t, 200, code, "HTTP/1.1 on the same port")
	assert.Equal(t, "over h2c", body)

	// A body above Cloud Run's 32 MiB limit on HTTP/1 requests, streamed
	// over h2c with no length announced (as a proxy may send it).
	const big = 40 << 20
	req, err = http.NewRequest("PUT", s.URL+"/v8/artifacts/b16b16?slug=web",
		io.NopCloser(storagetest.Body(0, big)))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	resp, err = h2c().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 2, resp.ProtoMajor)
	assert.Equal(t, http.StatusAccepted, resp.StatusCode, "a 40 MiB upload over h2c")
	req, err = http.NewRequest("HEAD", s.URL+"/v8/artifacts/b16b16?slug=web", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	resp, err = h2c().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, int64(big), resp.ContentLength, "stored whole")

	plain := startServer(t, map[string]string{"TURBO_TOKEN": "t"})
	_, err = h2c().Get(plain.URL + "/healthz")
	assert.Error(t, err, "h2c without HTTP2_CLEARTEXT")
}

func TestTransportConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want transportConfig
		err  string
	}{
		{name: "none", want: transportConfig{}},
		{name: "tls", env: map[string]string{"TLS_CERT_FILE": "c.pem", "TLS_KEY_FILE": "k.pem"},
			want: transportConfig{CertFile: "c.pem", KeyFile: "k.pem"}},
		{name: "h2c", env: map[string]string{"HTTP2_CLEARTEXT": "true"}, want: transportConfig{Cleartext: true}},
		{name: "cert without key", env: map[string]string{"TLS_CERT_FILE": "c.pem"}, err: "TLS_CERT_FILE and TLS_KEY_FILE go together"},
		{name: "key without cert", env: map[string]string{"TLS_KEY_FILE": "k.pem"}, err: "TLS_CERT_FILE and TLS_KEY_FILE go together"},
		{name: "bad bool", env: map[string]string{"HTTP2_CLEARTEXT": "maybe"}, err: `HTTP2_CLEARTEXT="maybe"`},
		{name: "h2c with tls", env: map[string]string{"HTTP2_CLEARTEXT": "1", "TLS_CERT_FILE": "c", "TLS_KEY_FILE": "k"},
			err: "HTTP2_CLEARTEXT=true is for plain HTTP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"STORAGE_DIR": t.TempDir()}
			for k, v := range tc.env {
				env[k] = v
			}
			cfg, err := loadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg.Transport)
		})
	}
}

// TestTLSBadFiles: a pair that does not load stops the server at start
// with an error naming the files.
func TestTLSBadFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not PEM"), 0o600))
	for _, tc := range []struct{ name, cert, key string }{
		{"missing", filepath.Join(dir, "missing.pem"), filepath.Join(dir, "missing-key.pem")},
		{"not PEM", bad, bad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"STORAGE_DIR": dir, "TURBO_TOKEN": "t", "ALLOW_SHORT_TOKENS": "true", "HOST": "127.0.0.1", "PORT": "0",
				"TLS_CERT_FILE": tc.cert, "TLS_KEY_FILE": tc.key}
			cfg, err := loadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			require.NoError(t, err)
			err = run(t.Context(), cfg, io.Discard, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "TLS_CERT_FILE="+tc.cert)
		})
	}
}

// TestTurboOverHTTPS runs the real turbo against the server over HTTPS: it
// trusts the test's certificate through SSL_CERT_FILE, and the second run
// is a full remote hit.
func TestTurboOverHTTPS(t *testing.T) {
	repo := turbotest.NewRepo(t, nil)
	s, pair := startTLSServer(t, nil)
	run := turbotest.RunOptions{API: s.URL, Token: "t", Team: "web", Env: []string{"SSL_CERT_FILE=" + pair.CAFile}}
	turboTwice(t, s, repo, run)
}

// TestBeyondLoopbackWithTLS: a server that serves TLS itself does not warn
// about clear text when other machines can reach it.
func TestBeyondLoopbackWithTLS(t *testing.T) {
	pair, err := testcert.Write(t.TempDir(), nil)
	require.NoError(t, err)
	pipeR, pipeW, err := os.Pipe()
	require.NoError(t, err)
	defer pipeR.Close()
	defer pipeW.Close()
	logs, err := serveExposed(t, map[string]string{"TURBO_TOKEN": "a-token-of-24-characters",
		"TLS_CERT_FILE": pair.CertFile, "TLS_KEY_FILE": pair.KeyFile}, pipeW)
	require.NoError(t, err)
	assert.Contains(t, logs, "url=https://")
	assert.NotContains(t, logs, "without TLS")
}
