package main

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag value for sizes in bytes, written as a plain number
// or with a binary suffix: 125, 64KiB, 16MiB, 1GiB (K, M, G also accepted).
type byteSize int64

var sizeUnits = []struct {
	suffix string
	factor int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
}

// String writes the size in the largest binary unit that divides it.
func (s *byteSize) String() string {
	v := int64(*s)
	for i := 2; i >= 0; i-- {
		if u := sizeUnits[i]; v >= u.factor && v%u.factor == 0 {
			return strconv.FormatInt(v/u.factor, 10) + u.suffix
		}
	}
	return strconv.FormatInt(v, 10)
}

func (s *byteSize) Set(text string) error {
	num, factor := strings.TrimSpace(text), int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(num, u.suffix) {
			num, factor = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.factor
			break
		}
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v < 0 || v > (1<<62)/factor {
		return fmt.Errorf("%q is not a size (examples: 125, 64KiB, 16MiB)", text)
	}
	*s = byteSize(v * factor)
	return nil
}
