package route_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/turbocache/turbocache/internal/route"
)

func TestWatchReportsWhatTheHandlerSet(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    route.Name
	}{
		{"a route set", func(_ http.ResponseWriter, r *http.Request) { route.Set(r, route.Query) }, route.Query},
		{"through StripPrefix", http.StripPrefix("/cache", http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			route.Set(r, route.Artifact)
		})).ServeHTTP, route.Artifact},
		{"none set", func(http.ResponseWriter, *http.Request) {}, route.Other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, served := route.Watch(httptest.NewRequest("GET", "/cache/v8/artifacts", nil))
			tt.handler(httptest.NewRecorder(), r)
			assert.Equal(t, tt.want, served().Route)
		})
	}
}

func TestSetWithoutWatchDoesNothing(t *testing.T) {
	assert.NotPanics(t, func() { route.Set(httptest.NewRequest("GET", "/", nil), route.Status) })
}

func TestWatchReportsTheClientCI(t *testing.T) {
	r, served := route.Watch(httptest.NewRequest("GET", "/", nil))
	assert.Empty(t, served().ClientCI)
	route.SetClientCI(r, "github-actions")
	assert.Equal(t, route.Served{Route: route.Other, ClientCI: "github-actions"}, served())
}
