package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/turbotest"
	"github.com/turbocache/turbocache/usage"
)

const dashToken = "dashboard-token-for-tests"

// usageOf reads /dashboard/usage.json with the bearer token.
func usageOf(t *testing.T, s *server, token string) usage.Report {
	t.Helper()
	code, body, _ := s.do(t, "GET", "/dashboard/usage.json", token, "")
	require.Equal(t, http.StatusOK, code, body)
	var rep usage.Report
	require.NoError(t, json.Unmarshal([]byte(body), &rep))
	return rep
}

// teamOf finds a team in a report.
func teamOf(t *testing.T, rep usage.Report, name string) usage.TeamReport {
	t.Helper()
	for _, tr := range rep.Teams {
		if tr.Team == name {
			return tr
		}
	}
	require.Failf(t, "team not in the report", "%s: %+v", name, rep.Teams)
	return usage.TeamReport{}
}

// TestDashboardTurbo runs real turbo twice against the server (the second
// run all remote hits), then loads the page in headless Chromium: it shows
// the team, its hits, and a time saved equal to the sum of the durations
// of the tasks. The totals stay the same after a restart.
func TestDashboardTurbo(t *testing.T) {
	browser := chromium(t) // before the turbo runs: fail fast without it
	repo := turbotest.NewRepo(t, nil)
	dir := t.TempDir()
	env := map[string]string{"TURBO_TOKEN": "turbo-token-for-tests", "DASHBOARD_TOKEN": dashToken, "STORAGE_DIR": dir}
	s := startServer(t, env)
	run := turbotest.RunOptions{API: s.URL, Token: "turbo-token-for-tests", Team: "web"}

	repo.Run(t, run).RequireAllMisses(t)
	second := repo.Run(t, run)
	var saved int64
	for _, task := range second.Summary.Tasks {
		require.Equal(t, "REMOTE", task.Cache.Source, "task %s: %+v", task.TaskID, task.Cache)
		require.Equal(t, "HIT", task.Cache.Status)
		saved += task.Cache.TimeSaved
	}
	tasks := int64(len(second.Summary.Tasks))
	require.Positive(t, tasks)
	t.Logf("%d tasks, %d ms saved", tasks, saved)

	web := teamOf(t, usageOf(t, s, dashToken), "web")
	assert.Equal(t, tasks, web.Total.Hits, "hits: run 2")
	assert.Equal(t, tasks, web.Total.Misses, "misses: run 1")
	assert.Equal(t, saved, web.Total.SavedMillis)
	assert.Equal(t, tasks, web.Total.Uploads)
	assert.Equal(t, tasks, web.Protocols.Turbo.ReportedHits, "turbo reported its hits")

	// The browser, with the token as the password of HTTP Basic.
	u, err := url.Parse(s.URL + "/dashboard")
	require.NoError(t, err)
	u.User = url.UserPassword("me", dashToken)
	dom := browse(t, u.String(), "--dump-dom")
	row := regexp.MustCompile(`<tr id="row-web">.*?</tr>`).FindString(dom)
	require.NotEmpty(t, row, "no row of the team web in the page:\n%s", dom)
	assert.Contains(t, row, `<td class="n hits">`+strconv.FormatInt(tasks, 10)+`</td>`)
	savedText := (time.Duration(saved) * time.Millisecond).String()
	assert.Contains(t, row, `data-ms="`+strconv.FormatInt(saved, 10)+`">`+savedText+`</td>`)
	assert.Contains(t, dom, `<section id="team-web">`)
	assert.Contains(t, dom, "<svg", "the chart")
	shot := artifactPath(t, "dashboard-turbo.png")
	browse(t, u.String(), "--screenshot="+shot)
	info, err := os.Stat(shot)
	require.NoError(t, err, "no screenshot")
	require.Positive(t, info.Size())
	t.Logf("screenshot of the page: %s (%s)", shot, filepath.Base(browser))

	// A restart over the same directory shows the same totals.
	s.stop()
	err = <-s.done
	s.done <- err // for the cleanup
	require.NoError(t, err)
	restarted := startServer(t, env)
	assert.Equal(t, web, teamOf(t, usageOf(t, restarted, dashToken), "web"), "after a restart")
}

// TestDashboardAccess checks who may see the page of the server: nobody
// without DASHBOARD_TOKEN; with it, a request without credentials gets 401
// and the login form, and a team-scoped token of TURBO_TOKEN_FILE sees its
// team alone.
func TestDashboardAccess(t *testing.T) {
	t.Run("off", func(t *testing.T) {
		s := startServer(t, map[string]string{"TURBO_TOKEN": "turbo-token-for-tests"})
		for _, tok := range []string{"", "turbo-token-for-tests", dashToken} {
			code, _, _ := s.do(t, "GET", "/dashboard", tok, "")
			assert.Equal(t, http.StatusNotFound, code)
			code, _, _ = s.do(t, "GET", "/dashboard/usage.json", tok, "")
			assert.Equal(t, http.StatusNotFound, code)
		}
	})

	file := filepath.Join(t.TempDir(), "tokens")
	require.NoError(t, os.WriteFile(file, []byte("web-token-for-tests rw web\ndocs-token-for-tests rw docs\n"), 0o600))
	s := startServer(t, map[string]string{"TURBO_TOKEN_FILE": file, "DASHBOARD_TOKEN": dashToken})
	for team, tok := range map[string]string{"web": "web-token-for-tests", "docs": "docs-token-for-tests"} {
		code, body, _ := s.do(t, "PUT", "/v8/artifacts/0123abcd?slug="+team, tok, "artifact of "+team)
		require.Equal(t, http.StatusAccepted, code, body)
		code, _, _ = s.do(t, "GET", "/v8/artifacts/0123abcd?slug="+team, tok, "")
		require.Equal(t, http.StatusOK, code)
	}

	code, body, h := s.do(t, "GET", "/dashboard", "", "")
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, body, `name="token"`, "the login form")
	assert.Contains(t, h.Get("WWW-Authenticate"), "Basic")
	code, _, _ = s.do(t, "GET", "/dashboard/usage.json", "wrong-token-for-tests", "")
	assert.Equal(t, http.StatusUnauthorized, code)

	for _, tc := range []struct {
		token string
		want  []string
	}{
		{dashToken, []string{"docs", "web"}},
		{"web-token-for-tests", []string{"web"}},
		{"docs-token-for-tests", []string{"docs"}},
	} {
		rep := usageOf(t, s, tc.token)
		var teams []string
		for _, tr := range rep.Teams {
			teams = append(teams, tr.Team)
			assert.Equal(t, int64(1), tr.Total.Hits, tr.Team)
		}
		assert.Equal(t, tc.want, teams, tc.token)
		_, page, _ := s.do(t, "GET", "/dashboard", tc.token, "")
		for _, team := range []string{"web", "docs"} {
			assert.Equal(t, strings.Contains(strings.Join(tc.want, " "), team), strings.Contains(page, `id="team-`+team+`"`), team)
		}
	}
}

// TestDashboardConfig refuses a short DASHBOARD_TOKEN, naming it, unless
// ALLOW_SHORT_TOKENS says so.
func TestDashboardConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"unset", map[string]string{}, ""},
		{"long", map[string]string{"DASHBOARD_TOKEN": dashToken}, ""},
		{"short", map[string]string{"DASHBOARD_TOKEN": "short"}, "DASHBOARD_TOKEN is 5 characters long"},
		{"short, allowed", map[string]string{"DASHBOARD_TOKEN": "short", "ALLOW_SHORT_TOKENS": "true"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["TURBO_TOKEN"] = "turbo-token-for-tests"
			tc.env["STORAGE_DIR"] = t.TempDir()
			cfg, err := loadConfig(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				assert.NotContains(t, err.Error(), "short\"", "the token is not in the message")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.env["DASHBOARD_TOKEN"], cfg.Dashboard.Token)
		})
	}
}
