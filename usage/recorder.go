package usage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage"
)

// Defaults of Options.
const (
	DefaultFlushInterval = time.Minute
	DefaultMaxTeams      = 10000
	// maxDays is how many days of counts are kept in memory while they
	// cannot be written (the store fails): today and yesterday.
	maxDays = 2
	// maxReplicaLen bounds a replica name, so that record keys stay short.
	maxReplicaLen = 64
)

// Options configures a Recorder. The zero value, or nil, means defaults.
type Options struct {
	// Replica names this process's records. Replicas sharing a store need
	// distinct names, and a restarted replica should keep its name, so
	// that it continues its own records. Characters other than ASCII
	// letters, digits, '.', '_' and '-' are replaced by '-'. Default: the
	// host name.
	Replica string
	// FlushInterval is how often Run writes the counts (default 1 minute).
	FlushInterval time.Duration
	// MaxTeams bounds the teams counted in memory per day (default 10000);
	// the work of further teams is not counted, and the number of such
	// requests is logged at each flush.
	MaxTeams int
	// Stored reports what the store holds, for the page's totals. Default:
	// the store given to New, when it is a storage.UsageReporter.
	Stored storage.UsageReporter
	// Logger receives flush failures. Default: slog.Default().
	Logger *slog.Logger
	// Now is the clock (default time.Now); days are UTC days.
	Now func() time.Time
}

// Recorder aggregates usage in memory and writes it to a store. Its methods
// are safe for concurrent use.
type Recorder struct {
	store    storage.Store
	replica  string
	interval time.Duration
	maxTeams int
	stored   storage.UsageReporter
	log      *slog.Logger
	now      func() time.Time

	mu      sync.Mutex
	days    map[string]*dayCounts
	dropped int64

	flushMu sync.Mutex  // one flush at a time
	indexed bool        // the replica's name is in the index (stores without a Lister)
	noList  atomic.Bool // the store is a Lister that cannot list (storage.ErrNoLister)
	probed  bool        // noList is known

	readMu sync.Mutex
	cache  map[string]cachedRecord
}

// dayCounts is this replica's counts of one day.
type dayCounts struct {
	teams  map[string]Protocols
	loaded bool // the record already stored has been read and added in
	dirty  bool // counts not yet written
}

// New returns a Recorder that keeps its records in store. Give it the
// store itself, not the one Store returns, so that its own records are not
// counted as uploads.
func New(store storage.Store, opts *Options) *Recorder {
	if opts == nil {
		opts = &Options{}
	}
	r := &Recorder{
		store:    store,
		replica:  opts.Replica,
		interval: opts.FlushInterval,
		maxTeams: opts.MaxTeams,
		stored:   opts.Stored,
		log:      opts.Logger,
		now:      opts.Now,
		days:     map[string]*dayCounts{},
		cache:    map[string]cachedRecord{},
	}
	if r.replica == "" {
		r.replica, _ = os.Hostname()
	}
	r.replica = ReplicaName(r.replica)
	if r.interval <= 0 {
		r.interval = DefaultFlushInterval
	}
	if r.maxTeams <= 0 {
		r.maxTeams = DefaultMaxTeams
	}
	if u, ok := store.(storage.UsageReporter); ok && r.stored == nil {
		r.stored = u
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// ReplicaName is name made fit for a record key: characters other than
// ASCII letters, digits, '.', '_' and '-' replaced by '-', at most 64 of
// them, and "replica" when nothing is left.
func ReplicaName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '-'
		}
	}
	name = strings.Trim(string(b[:min(len(b), maxReplicaLen)]), ".")
	if name == "" {
		return "replica"
	}
	return name
}

// Replica returns the name of this replica's records.
func (r *Recorder) Replica() string { return r.replica }

// count adds to the counts of team and protocol nx (or turbo) for today.
func (r *Recorder) count(team string, nx bool, add func(*Counts)) {
	if team == "" {
		return
	}
	team = httpapi.CanonicalTeam(team)
	day := dayOf(r.now())
	r.mu.Lock()
	defer r.mu.Unlock()
	dc := r.days[day]
	if dc == nil {
		if len(r.days) >= maxDays {
			r.dropOldestLocked()
		}
		dc = &dayCounts{teams: map[string]Protocols{}}
		r.days[day] = dc
	}
	p, ok := dc.teams[team]
	if !ok && len(dc.teams) >= r.maxTeams {
		r.dropped++
		return
	}
	if nx {
		add(&p.Nx)
	} else {
		add(&p.Turbo)
	}
	dc.teams[team] = p
	dc.dirty = true
}

// dropOldestLocked forgets the oldest day in memory, which could not be
// written.
func (r *Recorder) dropOldestLocked() {
	days := make([]string, 0, len(r.days))
	for d := range r.days {
		days = append(days, d)
	}
	slices.Sort(days)
	if dc := r.days[days[0]]; dc.dirty {
		r.log.Warn("usage: counts of a day never written, dropped", "day", days[0], "teams", len(dc.teams))
	}
	delete(r.days, days[0])
}

// Events counts the REMOTE events of a report: their hits, misses and the
// time the hits saved. LOCAL events are the client's own cache and are not
// counted. Its signature is that of httpapi.Options.OnEvents.
func (r *Recorder) Events(_ context.Context, team string, events []httpapi.Event) {
	var c Counts
	for _, e := range events {
		if e.Source != "REMOTE" {
			continue
		}
		switch e.Event {
		case "HIT":
			c.ReportedHits++
			c.SavedMillis += e.Duration
		case "MISS":
			c.ReportedMisses++
		}
	}
	if c.IsZero() {
		return
	}
	r.count(team, false, func(p *Counts) { p.Add(c) })
}

// Run flushes the counts every FlushInterval until ctx ends. It does not
// flush at the end: call Flush once more at shutdown, after the last
// request, with a context of its own.
func (r *Recorder) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := r.Flush(ctx); err != nil && ctx.Err() == nil {
				r.log.Warn("usage: flush failed; retrying at the next one", "err", err)
			}
		}
	}
}

// Flush writes the counts not yet written: one record per day with new
// counts. Before the first write of a day it reads this replica's record
// of that day and adds it in. Days before today are forgotten once
// written.
func (r *Recorder) Flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	var errs []error
	if l, ok := r.store.(storage.Lister); ok && !r.probed {
		r.probe(ctx, l)
	}
	if _, ok := r.store.(storage.Lister); !ok || r.noList.Load() {
		if err := r.index(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	r.mu.Lock()
	if r.dropped > 0 {
		r.log.Warn("usage: requests of teams beyond the bound not counted", "requests", r.dropped, "max_teams", r.maxTeams)
		r.dropped = 0
	}
	var days []string
	for d, dc := range r.days {
		if dc.dirty {
			days = append(days, d)
		}
	}
	r.mu.Unlock()
	slices.Sort(days)
	for _, day := range days {
		if err := r.flushDay(ctx, day); err != nil {
			errs = append(errs, err)
		}
	}
	today := dayOf(r.now())
	r.mu.Lock()
	for d, dc := range r.days {
		if d < today && !dc.dirty {
			delete(r.days, d)
		}
	}
	r.mu.Unlock()
	return errors.Join(errs...)
}

// flushDay writes this replica's record of day.
func (r *Recorder) flushDay(ctx context.Context, day string) error {
	key := recordKey(day, r.replica)
	r.mu.Lock()
	dc := r.days[day]
	loaded := dc != nil && dc.loaded
	r.mu.Unlock()
	if dc == nil {
		return nil
	}
	if !loaded {
		prev, err := r.readRecord(ctx, key)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			// Writing now would replace the stored totals with smaller ones.
			return err
		}
		r.mu.Lock()
		if prev != nil {
			for team, p := range prev.Teams {
				q := dc.teams[team]
				q.Add(p)
				dc.teams[team] = q
			}
		}
		dc.loaded = true
		r.mu.Unlock()
	}
	r.mu.Lock()
	rec := record{Version: 1, Day: day, Replica: r.replica, Teams: make(map[string]Protocols, len(dc.teams))}
	for team, p := range dc.teams {
		rec.Teams[team] = p
	}
	dc.dirty = false
	r.mu.Unlock()
	body, err := json.Marshal(&rec)
	if err == nil {
		err = r.store.Put(ctx, key, bytes.NewReader(body), int64(len(body)), storage.Metadata{})
	}
	if err != nil {
		r.mu.Lock()
		dc.dirty = true
		r.mu.Unlock()
		return fmt.Errorf("usage: writing %s: %w", key, err)
	}
	return nil
}

// readRecord reads the record under key.
func (r *Recorder) readRecord(ctx context.Context, key string) (*record, error) {
	rc, _, err := r.store.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("usage: reading %s: %w", key, err)
	}
	defer rc.Close()
	return decodeRecord(rc, key)
}
