package sync

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tagdesk/tagdesk/store"
)

// CheckServer compares this desk's record of the server's log (which
// change is at which place of the server's order, and whether it was
// refused) with the server's own log, read from its beginning: what a
// local verify cannot see, a refusal made up on the desk or the newest
// changes cut off the desk's history, shows here (tagdesk verify
// --server). Nothing is changed on either side. progress, if not nil, is
// told how far through the server's order the check is.
func (c *Client) CheckServer(ctx context.Context, progress func(done, head int64)) (store.ServerCheckReport, error) {
	st, err := c.DB.SyncState(ctx)
	if err != nil {
		return store.ServerCheckReport{}, err
	}
	if st.Epoch == "" {
		return store.ServerCheckReport{}, store.Errorf(store.EINVALID, "this desk has not synced with %s yet: nothing to compare (run tagdesk sync first)", c.Server)
	}
	var hello HelloResponse
	if err := c.do(ctx, http.MethodPost, "/v1/hello", HelloRequest{DeviceID: c.DB.DeviceID(), Version: store.PayloadVersion}, &hello); err != nil {
		return store.ServerCheckReport{}, c.notTagdesk(err)
	}
	if hello.Epoch == "" {
		return store.ServerCheckReport{}, fmt.Errorf("%s is not a tagdesk sync server (its answer to hello has no epoch)", c.Server)
	}
	chk, err := c.DB.NewServerCheck(ctx, hello.Epoch)
	if err != nil {
		return store.ServerCheckReport{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan pulledPage, 1)
	go c.fetchPages(ctx, pages, 0, MaxPullLimit, hello.Epoch)
	for p := range pages {
		if p.err != nil {
			return chk.Report, fmt.Errorf("read the server's log: %w", p.err)
		}
		if p.resp.Epoch != hello.Epoch {
			return chk.Report, store.Errorf(store.EINVALID, "the server at %s was restored or replaced during the check: run tagdesk sync, then compare again", c.Server)
		}
		entries := make([]store.ServerEntry, len(p.changes))
		for i, ch := range p.changes {
			entries[i] = store.ServerEntry{ServerSeq: ch.ServerSeq, DeviceID: ch.Event.DeviceID, Seq: ch.Event.Seq, Hash: ch.Event.Hash, Refused: ch.Refused}
		}
		if err := chk.Page(ctx, entries, p.resp.NextCursor); err != nil {
			return chk.Report, err
		}
		if progress != nil {
			progress(p.resp.NextCursor, max(hello.Head, p.resp.NextCursor))
		}
	}
	if err := ctx.Err(); err != nil {
		return chk.Report, err
	}
	return chk.Finish(ctx)
}
