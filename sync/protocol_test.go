package sync

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// A pushed payload must be the bytes Go's encoder writes for it: the hash
// covers them, and the history's JSON prints them that way, so an
// auditor's re-check of the hashes from it holds. What a server holds
// already is still read (FromWire) and pulled.
func TestPushWantsCanonicalPayloads(t *testing.T) {
	zeros := strings.Repeat("0", 64)
	for _, c := range []struct {
		payload string
		ok      bool
	}{
		{`{"uid":"u1","code":"R\u0026D","name":"\u003clab\u003e café"}`, true},
		{`{"uid":"u1","code":"R&D"}`, false},
		{`{ "uid": "u1" }`, false},
		{"{\"uid\":\"u1\"}\n", false},
		// (A key twice read as the last in Go and the first in SQLite's
		// json_extract: the state and the reports disagreed.)
		{`{"uid":"u1","code":"DUPA","name":"First","name":"Second","code":"DUPB"}`, false},
		{`{"uid":"u1","custom":{"RAM":"8","RAM":"16"}}`, false},
		{`{"uid":"u1","away":[{"a":1},{"a":2}],"custom":{"RAM":"8"}}`, true},
		// (Go matches a key to a field whatever its case, the last read;
		// json_extract reads "$.name", the first: a review.)
		{`{"uid":"u1","code":"DUPA","name":"First","Name":"Second"}`, false},
	} {
		e := store.Event{DeviceID: "D1", Seq: 1, Operator: "x", At: time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC), Type: store.EvLocationCreated,
			Subject: "u1", Payload: json.RawMessage(c.payload), PrevHash: zeros}
		e.Hash = store.HashEvent(e)
		if _, err := FromWire(ToWire(e)); err != nil {
			t.Errorf("read %s: %v", c.payload, err)
		}
		body, err := json.Marshal(PushRequest{DeviceID: "D1", Events: []WireEvent{ToWire(e)}})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = DecodePushRequest(bytes.NewReader(body))
		if (err == nil) != c.ok {
			t.Errorf("push %s: %v", c.payload, err)
		}
		if c.ok {
			// What the history's JSON prints is the hashed bytes.
			b, err := json.Marshal(e)
			if err != nil || !strings.Contains(string(b), `"payload":`+c.payload) {
				t.Errorf("JSON of the event: %s %v", b, err)
			}
		}
	}
}
