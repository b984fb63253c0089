package httpapi_test

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
)

func TestTokenAuthTeamOf(t *testing.T) {
	a, err := httpapi.NewTokenAuth(
		httpapi.Token{Secret: "one", Teams: []string{"web"}},
		httpapi.Token{Secret: "two", Teams: []string{"web", "docs"}},
		httpapi.Token{Secret: "all"},
	)
	require.NoError(t, err)
	for _, tc := range []struct {
		name, header, want string
	}{
		{"OneTeam", "Bearer one", "web"},
		{"TwoTeams", "Bearer two", ""},
		{"AllTeams", "Bearer all", ""},
		{"UnknownToken", "Bearer nope", ""},
		{"NoToken", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/v1/cache/1", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			assert.Equal(t, tc.want, a.TeamOf(r))
		})
	}
}
