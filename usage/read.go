package usage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// DefaultDays is how many days Read reports when asked for none.
const DefaultDays = 30

// Report is the usage of the last days, summed over replicas.
type Report struct {
	// Days are the UTC days reported, oldest first, as yyyy-mm-dd.
	Days []string `json:"days"`
	// Total is the sum over the teams shown.
	Total Summary `json:"total"`
	// TotalDays is Total per day, parallel to Days.
	TotalDays []Summary `json:"totalDays"`
	// Teams are the teams with any usage in Days, by name.
	Teams []TeamReport `json:"teams"`
	// Stored is what the store holds, when it knows (the whole store:
	// left out of reports filtered to some teams).
	Stored *storage.Usage `json:"stored,omitempty"`
	// Replicas counts the replicas whose records were read.
	Replicas int `json:"replicas"`
}

// TeamReport is one team's usage.
type TeamReport struct {
	Team string `json:"team"`
	// Total is the sum of Days.
	Total Summary `json:"total"`
	// Days is the team's usage per day, parallel to Report.Days.
	Days []Summary `json:"days"`
	// Protocols is what was counted, per protocol, over all the days.
	Protocols Protocols `json:"protocols"`
}

// cachedRecord is a record already read, kept while the store reports the
// same size and time for it.
type cachedRecord struct {
	size    int64
	created time.Time
	rec     *record
}

// Read flushes this replica's counts, then reads every replica's records of
// the last days (DefaultDays when days <= 0, today included) and sums
// them.
func (r *Recorder) Read(ctx context.Context, days int) (*Report, error) {
	if days <= 0 {
		days = DefaultDays
	}
	if err := r.Flush(ctx); err != nil {
		// The stored records are still worth showing.
		r.log.Warn("usage: flush before reading failed", "err", err)
	}
	r.readMu.Lock()
	defer r.readMu.Unlock()

	now := r.now().UTC()
	rep := &Report{Days: make([]string, days)}
	for i := range days {
		rep.Days[days-1-i] = dayOf(now.AddDate(0, 0, -i))
	}
	var replicas []string
	lister, isLister := r.store.(storage.Lister)
	isLister = isLister && !r.noList.Load()
	if !isLister {
		names, err := r.readIndex(ctx)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(names, r.replica) {
			names = append(names, r.replica)
		}
		replicas = names
	}

	cache := make(map[string]cachedRecord, len(r.cache))
	teams := map[string]*TeamReport{}
	seen := map[string]bool{}
	for i, day := range rep.Days {
		var objs []storage.Object
		if isLister {
			for obj, err := range lister.List(ctx, dayPrefix(day)) {
				if errors.Is(err, storage.ErrNoLister) && !r.noList.Swap(true) {
					// A wrapper whose store cannot list after all (a tier
					// over a store without a Lister): use the index.
					r.readMu.Unlock()
					defer r.readMu.Lock()
					return r.Read(ctx, days)
				}
				if err != nil {
					return nil, fmt.Errorf("usage: listing %s: %w", dayPrefix(day), err)
				}
				if strings.Contains(obj.Key[len(dayPrefix(day)):], "/") {
					continue // not a record
				}
				objs = append(objs, obj)
			}
		} else {
			for _, name := range replicas {
				objs = append(objs, storage.Object{Key: recordKey(day, name), Size: -1})
			}
		}
		// Today's and yesterday's records still change, maybe within the
		// resolution of the store's times: they are always read again.
		volatile := i >= len(rep.Days)-2
		merged := make(map[string]Protocols, len(teams))
		for _, obj := range objs {
			rec, err := r.cachedRead(ctx, obj, volatile, cache)
			if errors.Is(err, storage.ErrNotFound) {
				continue // deleted since listed, or never written
			}
			if err != nil {
				return nil, err
			}
			seen[rec.Replica] = true
			// Summed over replicas before the day's summary: see Summary.
			if len(objs) == 1 {
				merged = rec.Teams // read only
				break
			}
			for team, p := range rec.Teams {
				q := merged[team]
				q.Add(p)
				merged[team] = q
			}
		}
		for team, p := range merged {
			tr := teams[team]
			if tr == nil {
				tr = &TeamReport{Team: team, Days: make([]Summary, days)}
				teams[team] = tr
			}
			tr.Protocols.Add(p)
			tr.Days[i] = p.Summary()
			tr.Total.add(tr.Days[i])
		}
	}
	r.cache = cache

	for _, tr := range teams {
		rep.Teams = append(rep.Teams, *tr)
	}
	slices.SortFunc(rep.Teams, func(a, b TeamReport) int { return strings.Compare(a.Team, b.Team) })
	rep.total()
	rep.Replicas = len(seen)
	if r.stored != nil {
		u := r.stored.Usage()
		rep.Stored = &u
	}
	return rep, nil
}

// cachedRead returns the record obj names, from the cache when its size and
// time are those cached and it is not volatile, and keeps it in next.
func (r *Recorder) cachedRead(ctx context.Context, obj storage.Object, volatile bool, next map[string]cachedRecord) (*record, error) {
	if c, ok := r.cache[obj.Key]; ok && !volatile && obj.Size >= 0 && c.size == obj.Size && c.created.Equal(obj.Created) {
		next[obj.Key] = c
		return c.rec, nil
	}
	rec, err := r.readRecord(ctx, obj.Key)
	if err != nil {
		return nil, err
	}
	if obj.Size >= 0 {
		next[obj.Key] = cachedRecord{size: obj.Size, created: obj.Created, rec: rec}
	}
	return rec, nil
}

// total sums the teams into Total and TotalDays.
func (rep *Report) total() {
	rep.Total = Summary{}
	rep.TotalDays = make([]Summary, len(rep.Days))
	for _, tr := range rep.Teams {
		rep.Total.add(tr.Total)
		for i, d := range tr.Days {
			rep.TotalDays[i].add(d)
		}
	}
}

// Only returns the report restricted to the teams keep accepts, with totals
// of those teams alone and without what the whole store holds.
func (rep *Report) Only(keep func(team string) bool) *Report {
	out := &Report{Days: rep.Days, Replicas: rep.Replicas}
	for _, tr := range rep.Teams {
		if keep(tr.Team) {
			out.Teams = append(out.Teams, tr)
		}
	}
	out.total()
	return out
}
