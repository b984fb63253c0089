package usage

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"
)

//go:embed page.html
var pageHTML string

// The chart's size, in SVG units: one bar per day.
const (
	chartWidth  = 600
	chartHeight = 120
	chartTop    = 18 // room for the label
)

// page is what the template shows.
type page struct {
	Login      bool
	LoginError string
	LoginPath  string

	First, Last string
	Days        []string
	Replicas    int
	Total       row
	Stored      *storedRow
	Teams       []teamRow
	Width       int
	Height      int
}

type row struct {
	Hits, Misses, Uploads, NxHits int64
	SavedMillis                   int64
	Rate, Saved, Up, Down         string
}

type storedRow struct {
	Bytes     string
	Artifacts int64
}

// teamRow is a team's row of the table and its section with the chart.
// Both are built by teamHTML, which escapes the team's name: the rest is
// numbers. Building them by hand rather than in the template keeps a page
// of 1,000 teams well within its time.
type teamRow struct {
	Row, Section template.HTML
}

// Page renders reports as HTML.
type Page struct {
	tmpl *template.Template
}

// NewPage parses the page's template.
func NewPage() *Page {
	return &Page{tmpl: template.Must(template.New("page").Parse(pageHTML))}
}

// Render writes the page of rep.
func (p *Page) Render(w io.Writer, rep *Report) error {
	pg := page{Days: rep.Days, Replicas: rep.Replicas, Total: rowOf(rep.Total), Width: chartWidth, Height: chartHeight}
	if len(rep.Days) > 0 {
		pg.First, pg.Last = rep.Days[0], rep.Days[len(rep.Days)-1]
	}
	if rep.Stored != nil {
		pg.Stored = &storedRow{Bytes: formatBytes(rep.Stored.Bytes), Artifacts: rep.Stored.Artifacts}
	}
	pg.Teams = make([]teamRow, len(rep.Teams))
	buf := make([]byte, 0, 4096)
	for i := range rep.Teams {
		pg.Teams[i], buf = teamHTML(&rep.Teams[i], buf)
	}
	return p.tmpl.Execute(w, &pg)
}

// renderLogin writes the login form.
func (p *Page) renderLogin(w io.Writer, action, problem string) error {
	return p.tmpl.Execute(w, &page{Login: true, LoginPath: action, LoginError: problem})
}

func rowOf(s Summary) row {
	return row{
		Hits: s.Hits, Misses: s.Misses, Uploads: s.Uploads, NxHits: s.NxHits, SavedMillis: s.SavedMillis,
		Rate:  strconv.FormatFloat(100*s.HitRate(), 'f', 1, 64) + " %",
		Saved: formatMillis(s.SavedMillis),
		Up:    formatBytes(s.UploadedBytes),
		Down:  formatBytes(s.DownloadedBytes),
	}
}

// teamHTML writes a team's row, and its chart: bars of hits with misses on
// top, on one scale, and a line of time saved on its own. The HTML is built
// in buf, reused from team to team, so that 1,000 teams cost few
// allocations.
func teamHTML(tr *TeamReport, buf []byte) (teamRow, []byte) {
	var out teamRow
	team := template.HTMLEscapeString(tr.Team)
	r := rowOf(tr.Total)
	buf = fmt.Appendf(buf[:0], `<tr id="row-%s"><td><a href="#team-%s">%s</a></td><td class="n hits">%d</td><td class="n misses">%d</td>`+
		`<td class="n">%s</td><td class="n saved" data-ms="%d">%s</td><td class="n">%d</td><td class="n">%s</td><td class="n">%s</td><td class="n">%d</td></tr>`,
		team, team, team, r.Hits, r.Misses, r.Rate, r.SavedMillis, r.Saved, r.Uploads, r.Up, r.Down, r.NxHits)
	out.Row = template.HTML(buf)
	n := len(tr.Days)
	if n == 0 {
		return out, buf
	}
	var maxLookups, maxSaved int64
	for _, d := range tr.Days {
		maxLookups = max(maxLookups, d.Hits+d.Misses)
		maxSaved = max(maxSaved, d.SavedMillis)
	}
	barW := chartWidth / n
	plot := int64(chartHeight - chartTop)
	scale := func(v, top int64) int64 {
		if top == 0 {
			return 0
		}
		return v * plot / top
	}
	bar := func(buf []byte, x int, y0, h int64) []byte {
		if h <= 0 {
			return buf
		}
		buf = append(buf, 'M')
		buf = strconv.AppendInt(buf, int64(x+1), 10)
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, y0-h, 10)
		buf = append(buf, 'h')
		buf = strconv.AppendInt(buf, int64(barW-2), 10)
		buf = append(buf, 'v')
		buf = strconv.AppendInt(buf, h, 10)
		buf = append(buf, 'h')
		buf = strconv.AppendInt(buf, int64(-(barW - 2)), 10)
		return append(buf, 'z')
	}
	bottom := int64(chartHeight)
	buf = fmt.Appendf(buf[:0], `<section id="team-%s">`+"\n<h2>%s</h2>\n", team, team)
	buf = fmt.Appendf(buf, `<svg viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s: %d hits, %d misses, %s saved over %d days">`,
		chartWidth, chartHeight, chartWidth, chartHeight, team, tr.Total.Hits, tr.Total.Misses, formatMillis(tr.Total.SavedMillis), n)
	buf = append(buf, `<path class="miss" d="`...)
	for i, d := range tr.Days {
		h := scale(d.Hits, maxLookups)
		buf = bar(buf, i*barW, bottom-h, scale(d.Hits+d.Misses, maxLookups)-h)
	}
	buf = append(buf, `"/><path class="hit" d="`...)
	for i, d := range tr.Days {
		buf = bar(buf, i*barW, bottom, scale(d.Hits, maxLookups))
	}
	buf = append(buf, `"/><polyline class="saved" points="`...)
	for i, d := range tr.Days {
		if i > 0 {
			buf = append(buf, ' ')
		}
		buf = strconv.AppendInt(buf, int64(i*barW+barW/2), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, bottom-scale(d.SavedMillis, maxSaved), 10)
	}
	buf = fmt.Appendf(buf, `"/><text x="4" y="12" font-size="10" fill="#555">%d lookups/day · %s saved/day at most</text></svg>`+"\n</section>",
		maxLookups, formatMillis(maxSaved))
	out.Section = template.HTML(buf)
	return out, buf
}

// formatMillis writes a duration in milliseconds exactly, as Go does
// ("1m2.345s").
func formatMillis(ms int64) string {
	return (time.Duration(ms) * time.Millisecond).String()
}

// formatBytes writes a size in bytes with a binary unit.
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return strconv.FormatFloat(float64(n)/float64(div), 'f', 1, 64) + " " + "KMGTP"[exp:exp+1] + "iB"
}
