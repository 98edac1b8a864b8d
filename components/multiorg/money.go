package multiorg

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var usd = regexp.MustCompile(`^([0-9]{1,9})(?:\.([0-9]{1,2}))?$`)

// ParseUSD reads an amount of US dollars ("250", "99.5", "1200.05") as
// exact cents. Money is never a floating-point number here: Atlas reports
// cents, and sums of cents are exact.
func ParseUSD(amount string) (int64, error) {
	m := usd.FindStringSubmatch(amount)
	if m == nil {
		return 0, fmt.Errorf("must be an amount of US dollars with at most two decimals, such as \"250\" or \"99.50\", got %q", amount)
	}
	dollars, _ := strconv.ParseInt(m[1], 10, 64)
	cents, _ := strconv.ParseInt((m[2] + "00")[:2], 10, 64)
	total := dollars*100 + cents
	if total == 0 {
		return 0, fmt.Errorf("must be more than $0, got %q; leave it out for no budget", amount)
	}
	return total, nil
}

// FormatUSD writes cents as dollars with thousands separators: $1,234.56,
// or -$0.05.
func FormatUSD(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, digit := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(digit)
	}
	return fmt.Sprintf("%s$%s.%02d", sign, b.String(), cents%100)
}
