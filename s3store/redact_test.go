package s3store_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/turbocache/turbocache/s3store"
)

// TestConfigRedacted prints a Config in every way a program might, with
// fmt and with slog's text and JSON handlers, by value and by pointer: the
// secrets never appear, the other fields do.
func TestConfigRedacted(t *testing.T) {
	cfg := s3store.Config{Bucket: "the-bucket", AccessKeyID: "AKIDPUBLIC", SecretAccessKey: "s3-secret-key", SessionToken: "s3-session-token"}
	secrets := []string{"s3-secret-key", "s3-session-token"}
	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		outputs[verb] = fmt.Sprintf(verb, cfg)
		outputs[verb+" of a pointer"] = fmt.Sprintf(verb, &cfg)
	}
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog JSON": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		slog.New(h(&b)).Info("config", "cfg", cfg, "ptr", &cfg)
		outputs[name] = b.String()
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			for _, secret := range secrets {
				assert.NotContains(t, out, secret)
			}
			assert.Contains(t, out, "redacted")
			assert.Contains(t, out, "the-bucket")
		})
	}
}
