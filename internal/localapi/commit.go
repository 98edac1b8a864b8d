package localapi

import (
	"encoding/json"
	"sync"
)

// committer saves the state with group commit. A change is made in memory
// under the server's lock and gets a generation; its answer waits, outside
// the lock, until a write that holds that generation is on disk. One writer
// at a time marshals the whole state once and syncs it, covering every
// change made since its last write, so a burst of N concurrent changes costs
// a few writes rather than N, and no request holds the lock during a sync.
// When a write fails, the state goes back to the last one on disk and every
// change not yet on disk fails with it, so no later answer shows a change
// that a crash would lose.
type committer struct {
	server *Server
	write  func(path string, raw []byte) error

	mu      sync.Mutex
	cond    *sync.Cond
	wanted  uint64 // the newest change's generation (advanced under server.mu)
	durable uint64 // every generation up to this one is decided
	failed  []span // generations whose write failed
	running bool
	// lastGood is the state as last written, to go back to.
	lastGood []byte
}

// span is a range of generations, from and to inclusive.
type span struct{ from, to uint64 }

func newCommitter(s *Server, write func(string, []byte) error) *committer {
	c := &committer{server: s, write: write}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// changed records a change; call it with server.mu held. It returns the
// generation to wait for.
func (c *committer) changed() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wanted++
	if !c.running {
		c.running = true
		go c.run()
	}
	return c.wanted
}

// seen is the generation of everything a reader may have seen; call it
// with server.mu held.
func (c *committer) seen() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wanted
}

// wait blocks until gen is decided and reports whether it reached the disk.
func (c *committer) wait(gen uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.durable < gen {
		c.cond.Wait()
	}
	for _, f := range c.failed {
		if f.from <= gen && gen <= f.to {
			return false
		}
	}
	return true
}

// run writes until every change is on disk, then ends; changed starts it
// again.
func (c *committer) run() {
	for {
		c.mu.Lock()
		if c.durable == c.wanted {
			c.running = false
			c.mu.Unlock()
			return
		}
		from := c.durable + 1
		c.mu.Unlock()

		s := c.server
		s.mu.Lock()
		raw, err := json.Marshal(s.state)
		to := c.seen() // changes are made under s.mu: raw holds exactly these
		s.mu.Unlock()
		if err == nil {
			err = c.write(s.path, raw)
		}
		decided := to
		if err != nil {
			s.mu.Lock()
			restored := newState()
			if c.lastGood != nil {
				_ = json.Unmarshal(c.lastGood, restored)
			}
			s.state = restored
			// Every change so far fails, those made after raw too: they were
			// made on the state that is gone. The restore is a generation of
			// its own, already on disk, so what is read after it is good.
			c.mu.Lock()
			to = c.wanted
			c.wanted++
			decided = c.wanted
			c.mu.Unlock()
			s.mu.Unlock()
		}
		c.mu.Lock()
		if err != nil {
			c.failed = append(c.failed, span{from, to})
		} else {
			c.lastGood = raw
		}
		c.durable = decided
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}
