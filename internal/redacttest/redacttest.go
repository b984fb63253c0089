// Package redacttest checks that a configuration holding secrets never
// prints them, whichever way a program prints it.
package redacttest

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Check prints cfg with fmt (%v, %+v, %#v, %s) and with slog's text and
// JSON handlers, by value and by pointer, and asserts that no secret
// appears in any output, that each says "redacted", and that each shows
// the field value shown (proof that redaction hides only the secrets).
func Check[T any](t *testing.T, cfg T, secrets []string, shown string) {
	t.Helper()
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
			assert.Contains(t, out, shown)
		})
	}
}
