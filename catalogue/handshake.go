package catalogue

// request returns the opening handshake request Autobahn's fuzzing client
// sends, with the extension offer if any. Host and Sec-WebSocket-Key are
// placeholders: replay.Run puts the target's host and a fresh key in.
func request(offer string) string {
	req := "GET / HTTP/1.1\r\n" +
		"Host: 127.0.0.1\r\n" +
		"Upgrade: WebSocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Pragma: no-cache\r\n" +
		"Cache-Control: no-cache\r\n" +
		"Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n"
	if offer != "" {
		req += "Sec-WebSocket-Extensions: " + offer + "\r\n"
	}
	return req + "Sec-WebSocket-Version: 13\r\n\r\n"
}
