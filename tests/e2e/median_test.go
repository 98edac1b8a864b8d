//go:build e2e

package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestMedianOfTheRounds(t *testing.T) {
	s := time.Second
	for name, tc := range map[string]struct {
		runs []time.Duration
		want time.Duration
	}{
		"one round":             {[]time.Duration{7 * s}, 7 * s},
		"three, a slow outlier": {[]time.Duration{20 * s, 9 * s, 10 * s}, 10 * s},
		"four: the middle mean": {[]time.Duration{4 * s, 1 * s, 3 * s, 2 * s}, 2500 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			runs := append([]time.Duration{}, tc.runs...)
			assert.Equal(t, tc.want, median(runs))
			assert.Equal(t, tc.runs, runs, "the runs keep their order")
		})
	}
}
