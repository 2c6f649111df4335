// Package loopback keeps the benchmark servers and the load generator on
// this machine: it refuses any address that is not a loopback IP.
package loopback

import (
	"fmt"
	"net"
)

// Check returns an error unless hostport names a loopback IP literal
// (127.0.0.0/8 or ::1). Host names are refused too, so that no resolver
// can point a benchmark elsewhere.
func Check(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return err
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback IP address (use 127.0.0.1)", hostport)
	}
	return nil
}

// Listen listens on TCP addr after checking it with Check.
func Listen(addr string) (net.Listener, error) {
	if err := Check(addr); err != nil {
		return nil, err
	}
	return net.Listen("tcp", addr)
}
