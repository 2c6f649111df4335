package wire

// Side says which end sent a frame: clients must mask, servers must not.
type Side bool

// The two ends of a connection.
const (
	FromClient Side = true
	FromServer Side = false
)

// CheckHeader applies the stateless rules of RFC 6455 section 5 to a header
// decoded by DecodeHeader: reserved opcodes, RSV bits that no negotiated
// extension allows (allowedRsv holds the bits an extension gave meaning),
// control frames that are fragmented or longer than 125 bytes, and masking
// (client frames must be masked, server frames must not). It returns the
// first broken rule, in that order, or nil.
func CheckHeader(h Header, from Side, allowedRsv byte) error {
	if h.OpCode.IsReserved() {
		return ErrReservedOpcode
	}
	if h.Rsv&^allowedRsv != 0 {
		return ErrReservedBits
	}
	if h.OpCode.IsControl() {
		if !h.Fin {
			return ErrControlFragmented
		}
		if h.Length > MaxControlPayload {
			return ErrControlTooLong
		}
	}
	if h.Masked != bool(from) {
		if from == FromClient {
			return ErrUnmasked
		}
		return ErrMasked
	}
	return nil
}
