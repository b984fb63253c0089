// Package testcert makes TLS certificates for tests: a certificate
// authority of its own and a server certificate it signs for the loopback
// addresses, written as PEM files a server and a client can load.
//
// The server certificate is not self-signed: clients built on webpki
// (rustls, and so turbo) refuse a CA certificate as a server's.
package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Pair is a server certificate and its key, written as PEM files, and the
// authority that signed it.
type Pair struct {
	// CertFile and KeyFile are the paths of the server's PEM files.
	CertFile, KeyFile string
	// CAFile is the path of the authority's certificate (PEM): what a
	// client is told to trust, as SSL_CERT_FILE for instance.
	CAFile string
	// Cert is the parsed server certificate.
	Cert *x509.Certificate
	// Pool trusts the authority, and nothing else.
	Pool *x509.CertPool
}

// Options shape the certificate. A nil *Options means the defaults.
type Options struct {
	// DNSNames are the host names the certificate is valid for, besides
	// 127.0.0.1 and ::1. Nil means localhost.
	DNSNames []string
}

// Write makes an authority and a server certificate it signs for
// 127.0.0.1, ::1 and the names in opts, both valid for a day, and writes
// them into dir as ca.pem, cert.pem and key.pem (replacing each atomically,
// as a certificate manager does).
func Write(dir string, opts *Options) (*Pair, error) {
	if opts == nil {
		opts = &Options{}
	}
	names := opts.DNSNames
	if names == nil {
		names = []string{"localhost"}
	}
	now := time.Now()
	caKey, caDER, err := makeCert(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "turbocache test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil, nil)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("testcert: parse CA certificate: %w", err)
	}
	key, der, err := makeCert(&x509.Certificate{
		Subject:     pkix.Name{CommonName: names[0]},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:    names,
	}, ca, caKey)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("testcert: parse certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("testcert: marshal key: %w", err)
	}
	p := &Pair{CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem"),
		CAFile: filepath.Join(dir, "ca.pem"), Cert: cert, Pool: x509.NewCertPool()}
	p.Pool.AddCert(ca)
	if err := WriteFile(p.CAFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})); err != nil {
		return nil, err
	}
	// The key first: a reader that sees the new certificate then finds its key.
	if err := WriteFile(p.KeyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})); err != nil {
		return nil, err
	}
	if err := WriteFile(p.CertFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})); err != nil {
		return nil, err
	}
	return p, nil
}

// makeCert makes a key and a certificate from tmpl, signed by parent's
// key, or self-signed when parent is nil.
func makeCert(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("testcert: generate key: %w", err)
	}
	if tmpl.SerialNumber, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62)); err != nil {
		return nil, nil, fmt.Errorf("testcert: serial number: %w", err)
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, fmt.Errorf("testcert: create certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	return key, der, nil
}

// WriteFile replaces path with data atomically: written beside it, then
// renamed over it. Readable by everyone, so that a server running as
// another user (in a container) can read it.
func WriteFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("testcert: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("testcert: %w", err)
	}
	return nil
}
