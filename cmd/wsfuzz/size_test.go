package main

import "testing"

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{"125": 125, "64KiB": 64 << 10, "16MiB": 16 << 20, "1GiB": 1 << 30, "2M": 2 << 20, "10B": 10} {
		var s byteSize
		if err := s.Set(in); err != nil || int64(s) != want {
			t.Errorf("%q: got %d, %v; want %d", in, s, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "1.5MiB", "MiB", "12XB", "99999999999GiB"} {
		var s byteSize
		if err := s.Set(bad); err == nil {
			t.Errorf("%q accepted as %d", bad, s)
		}
	}
	s := byteSize(16 << 20)
	if s.String() != "16MiB" {
		t.Errorf("String() = %q", s.String())
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--max-message-size", "0"}, {"--max-message-size", "lots"}, {"extra"}, {"--no-such-flag"},
		{"--server-max-window-bits", "7"}, {"--client-max-window-bits", "8"}, {"--compression-level", "0"},
		{"--max-memory", "lots"}, {"--max-handshakes", "0"}, {"--stall-timeout", "0s"}, {"--write-timeout", "-1s"}, {"--min-message-rate", "-5"}} {
		err := runServe(args)
		if _, ok := err.(usageError); !ok {
			t.Errorf("serve %v: err %v, want a usage error", args, err)
		}
	}
}

func TestByteSizeStringParsesBack(t *testing.T) {
	for _, v := range []int64{0, 125, 64 << 10, 5934 << 20, 3 << 30, 1<<20 + 1} {
		s := byteSize(v)
		var back byteSize
		if err := back.Set(s.String()); err != nil || back != s {
			t.Errorf("%d prints as %q, which parses as %d (%v)", v, s.String(), back, err)
		}
	}
	if s := byteSize(5934 << 20); s.String() != "5934MiB" {
		t.Errorf("String() = %q, want 5934MiB", s.String())
	}
}
