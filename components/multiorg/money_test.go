package multiorg

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseUSD(t *testing.T) {
	tests := map[string]struct {
		in      string
		cents   int64
		problem string
	}{
		"whole dollars":   {"250", 25000, ""},
		"one decimal":     {"99.5", 9950, ""},
		"two decimals":    {"1200.05", 120005, ""},
		"a cent":          {"0.01", 1, ""},
		"zero":            {"0", 0, "more than $0"},
		"three decimals":  {"1.005", 0, "at most two decimals"},
		"a currency sign": {"$250", 0, "at most two decimals"},
		"negative":        {"-5", 0, "at most two decimals"},
		"a comma":         {"1,000", 0, "at most two decimals"},
		"empty":           {"", 0, "at most two decimals"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cents, err := ParseUSD(tc.in)
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.cents, cents)
		})
	}
}

func TestFormatUSD(t *testing.T) {
	for cents, want := range map[int64]string{0: "$0.00", 5: "$0.05", 123456: "$1,234.56", 100000000: "$1,000,000.00", -5: "-$0.05", 99999: "$999.99"} {
		assert.Equal(t, want, FormatUSD(cents))
	}
}
