package localapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowDisk is a state writer whose every write takes a while and can fail.
type slowDisk struct {
	writes atomic.Int32
	fail   atomic.Bool
	delay  time.Duration
}

func (d *slowDisk) write(path string, raw []byte) error {
	d.writes.Add(1)
	time.Sleep(d.delay)
	if d.fail.Load() {
		return errors.New("disk full")
	}
	return writeAtomic(path, raw)
}

func serveWithDisk(t *testing.T, disk *slowDisk) (plainAPI, *Seed, string) {
	t.Helper()
	dir := t.TempDir()
	srv, seed, err := New(Options{DataDir: dir})
	require.NoError(t, err)
	srv.commits.write = disk.write
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return plainAPI{tb: t, url: ts.URL}, seed, filepath.Join(dir, "state.json")
}

func createOrgs(api plainAPI, seed *Seed, token, prefix string, n int) []int {
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			statuses[i] = api.call(http.MethodPost, "/api/atlas/v2/orgs", token, map[string]any{
				"name": fmt.Sprintf("%s-%02d", prefix, i), "orgOwnerId": seed.OwnerID,
				"serviceAccount": map[string]any{"name": "ci", "description": "ci", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 24},
			}, nil)
		})
	}
	wg.Wait()
	return statuses
}

// Concurrent changes share writes, and each answer comes only once its
// change is on disk.
func TestConcurrentChangesShareWrites(t *testing.T) {
	disk := &slowDisk{delay: 20 * time.Millisecond}
	api, seed, state := serveWithDisk(t, disk)
	token := api.token(seed.ClientID, seed.ClientSecret)
	for i, status := range createOrgs(api, seed, token, "burst", 40) {
		require.Equal(t, http.StatusCreated, status, "create %d", i)
	}
	saved, err := load(state)
	require.NoError(t, err)
	assert.Len(t, saved.Orgs, 41, "every answered create is on disk")
	assert.Less(t, disk.writes.Load(), int32(20), "40 concurrent creates took %d writes", disk.writes.Load())
}

// A write that fails fails every change it held, and the state goes back to
// the last one on disk; reads after that succeed and show none of them.
func TestAFailedWriteFailsEveryChangeItHeld(t *testing.T) {
	disk := &slowDisk{delay: 20 * time.Millisecond}
	api, seed, state := serveWithDisk(t, disk)
	token := api.token(seed.ClientID, seed.ClientSecret)
	disk.fail.Store(true)
	for i, status := range createOrgs(api, seed, token, "lost", 10) {
		assert.Equal(t, http.StatusInternalServerError, status, "create %d", i)
	}
	disk.fail.Store(false)
	var listed struct {
		TotalCount int `json:"totalCount"`
	}
	require.Equal(t, http.StatusOK, api.call(http.MethodGet, "/api/atlas/v2/orgs", token, nil, &listed))
	assert.Equal(t, 1, listed.TotalCount, "only the paying organization: no failed create shows")
	saved, err := load(state)
	require.NoError(t, err)
	assert.Len(t, saved.Orgs, 1)
	assert.Equal(t, []int{http.StatusCreated}, createOrgs(api, seed, token, "after", 1), "the next change is saved again")
}
