package fsstore

// index records a Store's artifacts in memory: the size of each one's file
// and the order in which they were last used, most recent first. It does no
// I/O; the Store's mutex guards it.
//
// The list is intrusive (the links live in the entries) so that an artifact
// costs one allocation besides its key; the note on memory per artifact in
// the package documentation is measured by BenchmarkIndexMemory.
type index struct {
	entries    map[string]*entry
	head, tail *entry // head: most recently used
	bytes      int64  // sum of the entries' sizes
	dirty      []*entry
}

// entry is one artifact of the index.
type entry struct {
	key        string
	size       int64 // bytes of the artifact's file, header included
	used       int64 // last use, Unix nanoseconds
	prev, next *entry
	dirty      bool // used since the last flush of access times
}

func newIndex() *index { return &index{entries: make(map[string]*entry)} }

// get returns the entry of key, or nil.
func (x *index) get(key string) *entry { return x.entries[key] }

// touch records a use of e at time now.
func (x *index) touch(e *entry, now int64) {
	e.used = now
	x.unlink(e)
	x.pushFront(e)
	if !e.dirty {
		e.dirty = true
		x.dirty = append(x.dirty, e)
	}
}

// put records key with its file size, used at now, replacing any entry of
// key, and returns the entry.
func (x *index) put(key string, size, now int64) *entry {
	if old := x.entries[key]; old != nil {
		x.remove(old)
	}
	e := &entry{key: key, size: size, used: now}
	x.entries[key] = e
	x.bytes += size
	x.pushFront(e)
	return e
}

// insert records an entry found on disk, placing it by its time of use
// among the entries already known. Entries found by one scan are cheapest
// to insert from the most to the least recently used.
func (x *index) insert(key string, size, used int64) {
	if old := x.entries[key]; old != nil {
		if old.used >= used {
			return
		}
		x.remove(old)
	}
	e := &entry{key: key, size: size, used: used}
	x.entries[key] = e
	x.bytes += size
	at := x.tail
	for at != nil && at.used < used {
		at = at.prev
	}
	if at == nil {
		x.pushFront(e)
		return
	}
	e.prev, e.next = at, at.next
	if at.next != nil {
		at.next.prev = e
	} else {
		x.tail = e
	}
	at.next = e
}

// remove forgets e.
func (x *index) remove(e *entry) {
	if x.entries[e.key] != e {
		return
	}
	delete(x.entries, e.key)
	x.bytes -= e.size
	x.unlink(e)
	// A dirty entry stays in x.dirty until the next flush, which skips
	// entries that are no longer indexed.
}

// oldest returns the least recently used entry other than skip, or nil.
func (x *index) oldest(skip string) *entry {
	for e := x.tail; e != nil; e = e.prev {
		if e.key != skip {
			return e
		}
	}
	return nil
}

// takeDirty returns the entries used since the last call, and clears their
// marks.
func (x *index) takeDirty() []usedAt {
	out := make([]usedAt, 0, len(x.dirty))
	for _, e := range x.dirty {
		e.dirty = false
		if x.entries[e.key] == e {
			out = append(out, usedAt{e.key, e.used})
		}
	}
	x.dirty = x.dirty[:0]
	return out
}

// usedAt is a key and its last use, copied out of the index for I/O done
// without the lock.
type usedAt struct {
	key  string
	used int64
}

func (x *index) pushFront(e *entry) {
	e.prev, e.next = nil, x.head
	if x.head != nil {
		x.head.prev = e
	}
	x.head = e
	if x.tail == nil {
		x.tail = e
	}
}

func (x *index) unlink(e *entry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else if x.head == e {
		x.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else if x.tail == e {
		x.tail = e.prev
	}
	e.prev, e.next = nil, nil
}
