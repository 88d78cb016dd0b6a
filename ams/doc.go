// Package ams forwards ANPR passages to the national ANPR database (AMS,
// ANPR Managed Services) and to nothing else: one configured HTTPS
// endpoint whose host is a national AMS host, a durable outbound queue in
// SQLite, at-least-once delivery with an idempotency key, and a state the
// administrator can read. It applies no policy and writes no audit entry:
// the console decides what is forwarded and audits it.
//
// # Message
//
// One passage is one HTTP request:
//
//	POST <endpoint>
//	Content-Type: application/json
//	Idempotency-Key: <sender>/<passage id>
//	X-AMS-Sender: <sender>
//	X-AMS-Signature: ed25519 <base64 (standard, padded) of the 64-byte signature>
//
//	{"v":1,"id":"<sender>/<passage id>","sender":"<sender>","passage_id":<n>,
//	 "time":"2026-03-01T11:59:58.123Z","camera":"<camera id>","plate":"1ABC123",
//	 "country":"BE","confidence":0.93}
//
// v is the format version (1). id is the idempotency key: the receiver
// stores a key once and acknowledges it again when it comes back (a resend
// after a lost acknowledgement). time is UTC, RFC 3339, milliseconds.
// plate is the normalised plate (capitals and digits, no separators).
//
// # Signature
//
// The signature is Ed25519 (RFC 8032) by the zone's key over the fixed
// prefix "zoneconsole-ams-passage-v1\n" followed by the request body exactly
// as sent. The receiver verifies it over the bytes it received, before it
// parses them, with the public key it holds for X-AMS-Sender; the prefix
// keeps a signature made for anything else from verifying as a passage.
// With the key in PEM and the prefix and body in a file, OpenSSL 3 checks
// one: openssl pkeyutl -verify -pubin -inkey zone.pem -rawin -in signed.bin
// -sigfile sig.bin.
//
// # Delivery
//
// Enqueue stores the message in the queue (DIR/ams-queue.db) before it
// returns; Run sends the oldest first. A 2xx answer is the acknowledgement:
// the message is marked delivered (its body dropped, its key kept a while
// so the same passage is not queued again) and never sent again. No answer,
// 408, 429 or 5xx means the endpoint is unavailable: the queue waits with
// exponential back-off (MinBackoff doubling up to MaxBackoff, jittered)
// and tries the same message again, one request per wait. Another 4xx
// means the receiver refused that message (a bad signature, say): it is
// kept, with its error, and retried on its own back-off while the others
// go on. A redirect is never followed: the body goes to the configured
// endpoint or nowhere.
package ams
