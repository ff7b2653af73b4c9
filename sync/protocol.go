// Package sync ships a desk's events to the central server and brings back
// the other desks' changes: an idempotent batch push keyed by (device, seq),
// a pull by a commit-ordered cursor, and a server epoch so that a restored
// server is noticed. See PROTOCOL.md.
package sync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// Limits of the protocol.
const (
	MaxPushEvents   = 200                   // events in one push
	MaxPullLimit    = 5000                  // changes in one pull page
	MaxPullBytes    = 8 << 20               // payload bytes in one pull page (at least one change)
	DefaultPull     = 2000                  // changes per pull page by default
	MaxBodyBytes    = 8 << 20               // a request body as sent (compressed or not)
	MaxDecodedBytes = 16 << 20              // a request body once decompressed
	MaxPayloadBytes = store.MaxPayloadBytes // one event's payload (a stocktake's start lists every asset expected)
	// MaxPushPayload is the payload bytes a client puts in one push (at
	// least one event): well inside MaxDecodedBytes once escaped in JSON.
	MaxPushPayload = 6 << 20
)

// WireEvent is an event as it travels: times and payloads as the exact text
// that was hashed, so the hash chain survives the trip.
type WireEvent struct {
	DeviceID string `json:"device_id"`
	Seq      int64  `json:"seq"`
	Operator string `json:"operator"`
	At       string `json:"at"`
	Type     string `json:"type"`
	Subject  string `json:"subject"`
	Payload  string `json:"payload"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// ToWire converts a stored event for the wire.
func ToWire(e store.Event) WireEvent {
	return WireEvent{DeviceID: e.DeviceID, Seq: e.Seq, Operator: e.Operator, At: e.At.UTC().Format(time.RFC3339Nano),
		Type: string(e.Type), Subject: e.Subject, Payload: string(e.Payload), PrevHash: e.PrevHash, Hash: e.Hash}
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// FromWire converts and checks a wire event (form only: the chain and the
// domain rules are checked by the store).
func FromWire(w WireEvent) (store.Event, error) {
	var e store.Event
	if w.DeviceID == "" || len(w.DeviceID) > 64 {
		return e, fmt.Errorf("event: bad device id")
	}
	if w.Seq <= 0 {
		return e, fmt.Errorf("event %s:%d: sequence numbers start at 1", w.DeviceID, w.Seq)
	}
	at, err := time.Parse(time.RFC3339Nano, w.At)
	if err != nil {
		return e, fmt.Errorf("event %s:%d: bad time %q", w.DeviceID, w.Seq, clip(w.At))
	}
	if w.Type == "" || len(w.Type) > 64 || len(w.Subject) > 128 || len(w.Operator) > 256 {
		return e, fmt.Errorf("event %s:%d: bad type, subject or operator", w.DeviceID, w.Seq)
	}
	if len(w.Payload) > MaxPayloadBytes || !json.Valid([]byte(w.Payload)) {
		return e, fmt.Errorf("event %s:%d: payload is not JSON of at most %d bytes", w.DeviceID, w.Seq, MaxPayloadBytes)
	}
	if !hexHash.MatchString(w.Hash) || !hexHash.MatchString(w.PrevHash) {
		return e, fmt.Errorf("event %s:%d: bad hash", w.DeviceID, w.Seq)
	}
	e = store.Event{DeviceID: w.DeviceID, Seq: w.Seq, Operator: w.Operator, At: at, Type: store.EventType(w.Type), Subject: w.Subject,
		Payload: json.RawMessage(w.Payload), PrevHash: w.PrevHash, Hash: w.Hash}
	if store.HashEvent(e) != e.Hash {
		return e, fmt.Errorf("event %s: hash does not match its contents", e.UID())
	}
	return e, nil
}

// ValidDeviceID says whether id can name a desk: 1 to 64 ASCII letters,
// digits, - and _ (a desk makes D and nine base-32 characters). It is
// printed in token lists and messages: no spaces, no terminal escapes.
func ValidDeviceID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// canonicalJSON says whether p is valid JSON written as encoding/json
// writes it: compact, HTML characters escaped.
func canonicalJSON(p string) bool {
	var c, h bytes.Buffer
	if json.Compact(&c, []byte(p)) != nil {
		return false
	}
	json.HTMLEscape(&h, c.Bytes())
	return h.String() == p && uniqueKeys(json.NewDecoder(strings.NewReader(p)))
}

// uniqueKeys says whether the JSON value next in dec names no key twice in
// an object: encoding/json never writes one so, and a payload that does
// reads one way in Go (the last) and another in SQLite's json_extract (the
// first), so the state and the reports would disagree.
func uniqueKeys(dec *json.Decoder) bool {
	t, err := dec.Token()
	if err != nil {
		return false
	}
	switch t {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			key, ok := k.(string)
			// (encoding/json matches a key to a field whatever its case:
			// "to" and "To" are one field to Go, two to json_extract.)
			key = strings.ToLower(key)
			if err != nil || !ok || seen[key] {
				return false
			}
			seen[key] = true
			if !uniqueKeys(dec) {
				return false
			}
		}
		_, err := dec.Token() // }
		return err == nil
	case json.Delim('['):
		for dec.More() {
			if !uniqueKeys(dec) {
				return false
			}
		}
		_, err := dec.Token() // ]
		return err == nil
	}
	return true
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// HelloRequest enrols a device (binds the token to it) and asks where the
// server stands.
type HelloRequest struct {
	DeviceID string `json:"device_id"`
	// Version is the event payload version the desk writes
	// (store.PayloadVersion); 0 from desks before it.
	Version int `json:"version,omitempty"`
	// At is the last place of the server's order the desk has pulled
	// or been told of, with the hash of the event there: the server says
	// whether it still holds that event there (Diverged).
	At *LogPoint `json:"at,omitempty"`
}

// LogPoint is a place in the server's order and the hash of its event.
type LogPoint struct {
	ServerSeq int64  `json:"server_seq"`
	Hash      string `json:"hash"`
}

// HelloResponse is the server's epoch, this device's high water and the
// last server_seq.
type HelloResponse struct {
	Epoch     string `json:"epoch"`
	HighWater int64  `json:"high_water"`
	Head      int64  `json:"head"`
	// Now is the server's clock (RFC 3339, UTC): a desk whose clock is
	// far from it stops before sending changes dated wrong.
	Now string `json:"now,omitempty"`
	// Version is the event payload version the server reads
	// (store.PayloadVersion); 0 from servers before it.
	Version int `json:"version,omitempty"`
	// Diverged says the server holds another event, or none, at the
	// desk's HelloRequest.At: it lost part of its log (restored from a
	// backup) and the desk must read it again from its start.
	Diverged bool `json:"diverged,omitempty"`
}

// PushRequest is a batch of one device's events, consecutive sequence numbers.
type PushRequest struct {
	DeviceID string      `json:"device_id"`
	Epoch    string      `json:"epoch"`
	Events   []WireEvent `json:"events"`
}

// PushResponse answers each event.
type PushResponse struct {
	Results   []store.PushResult `json:"results"`
	HighWater int64              `json:"high_water"`
	Epoch     string             `json:"epoch"`
}

// PullResponse is one page of the commit-ordered log.
type PullResponse struct {
	Changes    []WireChange `json:"changes"`
	NextCursor int64        `json:"next_cursor"`
	HasMore    bool         `json:"has_more"`
	Epoch      string       `json:"epoch"`
}

// WireChange is one pulled change.
type WireChange struct {
	ServerSeq int64     `json:"server_seq"`
	Refused   bool      `json:"refused,omitempty"`
	Event     WireEvent `json:"event"`
}

// LeaseRequest asks for a block of tag numbers, none below Min.
type LeaseRequest struct {
	Count int64 `json:"count"`
	Min   int64 `json:"min"`
}

// LeaseResponse is the block granted.
type LeaseResponse struct {
	First int64 `json:"first"`
	Last  int64 `json:"last"`
}

// ErrorResponse is every non-200 answer's body.
type ErrorResponse struct {
	Error       string `json:"error"`
	Code        string `json:"code"`
	ExpectedSeq int64  `json:"expected_seq,omitempty"`
	Epoch       string `json:"epoch,omitempty"`
}

// Error codes of ErrorResponse.
const (
	CodeBadRequest   = "bad_request"
	CodeUnauthorized = "unauthorized"
	CodeForbidden    = "forbidden"
	CodeGap          = "gap"
	CodeEpoch        = "epoch"
	CodeConflict     = "conflict"
	CodeRateLimited  = "rate_limited"
	CodeTooLarge     = "too_large"
	CodeInternal     = "internal"
)

// DecodePushRequest reads and checks a push body: at most MaxPushEvents
// events of the named device with consecutive sequence numbers, each well
// formed with a matching hash. It never panics on bad input.
func DecodePushRequest(r io.Reader) (PushRequest, []store.Event, error) {
	var req PushRequest
	dec := json.NewDecoder(io.LimitReader(r, MaxDecodedBytes+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, nil, fmt.Errorf("bad push body: %w", err)
	}
	if dec.More() {
		return req, nil, fmt.Errorf("bad push body: more than one JSON value")
	}
	if !ValidDeviceID(req.DeviceID) {
		return req, nil, fmt.Errorf("bad push body: no device id (1 to 64 letters, digits, - and _)")
	}
	if len(req.Events) > MaxPushEvents {
		return req, nil, fmt.Errorf("a push carries at most %d events, not %d", MaxPushEvents, len(req.Events))
	}
	events := make([]store.Event, 0, len(req.Events))
	for i, w := range req.Events {
		e, err := FromWire(w)
		if err != nil {
			return req, nil, err
		}
		if !canonicalJSON(w.Payload) {
			// The hash covers the payload's bytes, and the history's JSON
			// prints them as Go's encoder writes JSON: compact, with <, >
			// and & escaped. An auditor re-checking the hashes from it
			// needs the two to be the same bytes. (Checked as a push comes
			// in; what a server holds already is still pulled.)
			return req, nil, fmt.Errorf("event %s: payload is not compact JSON as tagdesk writes it (no spaces between tokens; <, > and & escaped; no key twice)", e.UID())
		}
		if err := store.CheckPushed(&e); err != nil {
			return req, nil, err
		}
		if e.DeviceID != req.DeviceID {
			return req, nil, fmt.Errorf("event %s is not device %s's", e.UID(), req.DeviceID)
		}
		if i > 0 && e.Seq != events[i-1].Seq+1 {
			return req, nil, fmt.Errorf("a push batch must have consecutive sequence numbers (%d after %d)", e.Seq, events[i-1].Seq)
		}
		events = append(events, e)
	}
	return req, events, nil
}
