package oracle

import (
	"fmt"
	"strconv"
	"strings"
)

// agreement is what a server's Sec-WebSocket-Extensions answer agreed to:
// whether permessage-deflate is on, and its parameters (RFC 7692 section
// 7.1). Only the context takeover parameters change what the oracle
// predicts: they say whether a message may point back into earlier ones.
type agreement struct {
	deflate                 bool
	serverNoContextTakeover bool
	clientNoContextTakeover bool
	serverMaxWindowBits     int // 0 when not given
	clientMaxWindowBits     int
}

// readAgreement reads the server's answer to offer. An empty answer
// agrees to nothing. An answer must accept permessage-deflate once, with
// each parameter at most once and valid, and only what the client offered
// makes sense to accept: an extension the client did not offer, or
// client_max_window_bits the client did not offer, is the server's error.
func readAgreement(offer, answer string) (agreement, error) {
	var a agreement
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return a, nil
	}
	if offer == "" {
		return a, fmt.Errorf("the server agreed to extension %q, which the client did not offer", answer)
	}
	if strings.Contains(answer, ",") {
		return a, fmt.Errorf("the server agreed to more than one extension: %q", answer)
	}
	params := strings.Split(answer, ";")
	if strings.TrimSpace(params[0]) != "permessage-deflate" {
		return a, fmt.Errorf("the server agreed to extension %q, which the client did not offer", strings.TrimSpace(params[0]))
	}
	a.deflate = true
	seen := map[string]bool{}
	for _, p := range params[1:] {
		name, value, hasValue := strings.Cut(strings.TrimSpace(p), "=")
		name = strings.TrimSpace(name)
		value = strings.Trim(strings.TrimSpace(value), `"`)
		if seen[name] {
			return a, fmt.Errorf("the server's answer %q repeats %s", answer, name)
		}
		seen[name] = true
		switch name {
		case "server_no_context_takeover", "client_no_context_takeover":
			if hasValue {
				return a, fmt.Errorf("the server's answer %q gives %s a value", answer, name)
			}
			if name == "server_no_context_takeover" {
				a.serverNoContextTakeover = true
			} else {
				a.clientNoContextTakeover = true
			}
		case "server_max_window_bits", "client_max_window_bits":
			bits, err := strconv.Atoi(value)
			if !hasValue || err != nil || bits < 8 || bits > 15 || value != strconv.Itoa(bits) {
				return a, fmt.Errorf("the server's answer %q has %s=%q, not 8 to 15", answer, name, value)
			}
			if name == "server_max_window_bits" {
				a.serverMaxWindowBits = bits
			} else {
				if !strings.Contains(offer, "client_max_window_bits") {
					return a, fmt.Errorf("the server's answer %q limits the client's window, which the client did not offer", answer)
				}
				a.clientMaxWindowBits = bits
			}
		default:
			return a, fmt.Errorf("the server's answer %q has the unknown parameter %q", answer, name)
		}
	}
	return a, nil
}
