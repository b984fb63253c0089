package usage_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/usage"
)

// TestPageEscapes renders names that are not team names (a library user
// may record anything) as text, never as markup.
func TestPageEscapes(t *testing.T) {
	rep := bigReport(2, 3)
	rep.Teams[0].Team = `<script>alert("x")</script>`
	rep.Teams[1].Team = `a" onmouseover="x`
	var b strings.Builder
	require.NoError(t, usage.NewPage().Render(&b, rep))
	page := b.String()
	assert.NotContains(t, page, "<script")
	assert.NotContains(t, page, `a" onmouseover`)
	assert.Contains(t, page, "&lt;script&gt;")
}

// TestPageShows checks the totals, a team's row and its chart.
func TestPageShows(t *testing.T) {
	rep := bigReport(3, 30)
	var b strings.Builder
	require.NoError(t, usage.NewPage().Render(&b, rep))
	page := b.String()
	tr := rep.Teams[1]
	assert.Contains(t, page, `<tr id="row-team-1"><td><a href="#team-team-1">team-1</a></td><td class="n hits">`)
	assert.Contains(t, page, `<section id="team-team-1">`)
	assert.Equal(t, 3, strings.Count(page, "<svg "), "one chart per team")
	assert.Contains(t, page, `data-ms="`)
	assert.Contains(t, page, `<td class="n hits">`+strconv.FormatInt(tr.Total.Hits, 10)+"</td>")
	assert.NotContains(t, page, "<script", "no script")
	assert.NotContains(t, page, "http://", "no external asset")
	assert.NotContains(t, page, "https://", "no external asset")
}
