package testcert

import (
	"crypto/tls"
	"crypto/x509"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrite(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts *Options
		host string
	}{
		{"defaults, IPv4", nil, "127.0.0.1"},
		{"defaults, IPv6", nil, "::1"},
		{"defaults, localhost", nil, "localhost"},
		{"a name", &Options{DNSNames: []string{"turbocache"}}, "turbocache"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Write(t.TempDir(), tc.opts)
			require.NoError(t, err)
			pair, err := tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
			require.NoError(t, err, "the files load as a server's pair")
			assert.False(t, pair.Leaf.IsCA, "the server certificate is not an authority")
			_, err = p.Cert.Verify(x509.VerifyOptions{Roots: p.Pool, DNSName: tc.host})
			require.NoError(t, err, "the pool trusts the certificate for %s", tc.host)
		})
	}
	a, err := Write(t.TempDir(), nil)
	require.NoError(t, err)
	b, err := Write(t.TempDir(), nil)
	require.NoError(t, err)
	_, err = a.Cert.Verify(x509.VerifyOptions{Roots: b.Pool})
	assert.Error(t, err, "each Write makes an authority of its own")
}
