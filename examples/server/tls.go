package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
)

// transportConfig is how the server speaks HTTP: TLS_CERT_FILE and
// TLS_KEY_FILE turn on HTTPS (HTTP/2 and HTTP/1.1), HTTP2_CLEARTEXT=true
// turns on HTTP/2 without TLS (h2c) beside HTTP/1.1, for a proxy or a
// platform that terminates TLS and speaks h2c to the server (Cloud Run
// does, and so lifts its 32 MiB limit on HTTP/1 request bodies).
type transportConfig struct {
	CertFile, KeyFile string
	Cleartext         bool
}

// loadTransport reads the transport's variables through env.
func loadTransport(env func(string) string) (transportConfig, error) {
	t := transportConfig{CertFile: env("TLS_CERT_FILE"), KeyFile: env("TLS_KEY_FILE")}
	var errs []error
	if (t.CertFile == "") != (t.KeyFile == "") {
		errs = append(errs, errors.New("TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither"))
	}
	if v := env("HTTP2_CLEARTEXT"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("HTTP2_CLEARTEXT=%q is neither true nor false", v))
		}
		t.Cleartext = b
	}
	if t.Cleartext && t.CertFile != "" {
		errs = append(errs, errors.New("HTTP2_CLEARTEXT=true is for plain HTTP: with TLS_CERT_FILE, HTTP/2 is served over TLS"))
	}
	return t, errors.Join(errs...)
}

// apply sets srv's protocols (and TLS configuration) and returns the
// function that serves a listener, and the URL scheme clients use.
func (t transportConfig) apply(srv *http.Server, log *slog.Logger) (serve func(net.Listener) error, scheme string, err error) {
	var p http.Protocols
	p.SetHTTP1(true)
	srv.Protocols = &p
	if t.CertFile == "" {
		p.SetUnencryptedHTTP2(t.Cleartext)
		return srv.Serve, "http", nil
	}
	certs, err := newCertReloader(t.CertFile, t.KeyFile, log)
	if err != nil {
		return nil, "", err
	}
	p.SetHTTP2(true)
	srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: certs.GetCertificate}
	return func(ln net.Listener) error { return srv.ServeTLS(ln, "", "") }, "https", nil
}

// certReloader serves a certificate and key from files and reloads them
// when they change on disk, as they do when a certificate manager renews
// them, so that the server never restarts for a new certificate.
//
// Every handshake compares the files with those last read (two stat
// calls, cheap beside a handshake). After a
// change that does not load (a key that does not match yet, a file half
// written), the last good pair is kept and the failure logged, once per
// change.
type certReloader struct {
	certFile, keyFile string
	log               *slog.Logger

	mu   sync.Mutex
	cert *tls.Certificate
	seen [2]fileStamp // of certFile and keyFile when last read, loaded or not
}

// fileStamp is what tells that a file changed: its identity (a file
// renamed over it, as certificate managers replace files, is another
// file), its modification time and its size; or why it could not be seen.
type fileStamp struct {
	fi  os.FileInfo
	err string
}

func stampOf(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{err: err.Error()}
	}
	return fileStamp{fi: fi}
}

func (a fileStamp) same(b fileStamp) bool {
	if a.fi == nil || b.fi == nil {
		return a.fi == b.fi && a.err == b.err
	}
	return os.SameFile(a.fi, b.fi) && a.fi.ModTime().Equal(b.fi.ModTime()) && a.fi.Size() == b.fi.Size()
}

// newCertReloader loads the pair once; a pair that does not load is an
// error naming the files.
func newCertReloader(certFile, keyFile string, log *slog.Logger) (*certReloader, error) {
	r := &certReloader{certFile: certFile, keyFile: keyFile, log: log}
	r.seen = [2]fileStamp{stampOf(certFile), stampOf(keyFile)}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS_CERT_FILE=%s, TLS_KEY_FILE=%s: %w", certFile, keyFile, err)
	}
	r.cert = &cert
	log.Info("TLS certificate loaded", certAttrs(&cert)...)
	return r, nil
}

// GetCertificate is the tls.Config hook: it returns the current pair,
// reloaded first if its files changed.
func (r *certReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := [2]fileStamp{stampOf(r.certFile), stampOf(r.keyFile)}
	if now[0].same(r.seen[0]) && now[1].same(r.seen[1]) {
		return r.cert, nil
	}
	r.seen = now
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		r.log.Warn("TLS certificate files changed but do not load: serving the previous certificate",
			"cert_file", r.certFile, "key_file", r.keyFile, "err", err)
		return r.cert, nil
	}
	r.cert = &cert
	r.log.Info("TLS certificate reloaded", certAttrs(&cert)...)
	return r.cert, nil
}

func certAttrs(c *tls.Certificate) []any {
	if c.Leaf == nil {
		return nil
	}
	return []any{"subject", c.Leaf.Subject.String(), "dns_names", c.Leaf.DNSNames, "not_after", c.Leaf.NotAfter}
}
