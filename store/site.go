package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
)

// Where a change was made. A desk states its site (the site setting) in a
// device.site event, which holds for that device's events from its seq on,
// until the next: an event's site is its device's latest statement at or
// before it. The statement travels with the desk's other events, so every
// desk and the server can say where each change in the history was made.

// EvDeviceSite states the site a desk is at.
const EvDeviceSite EventType = "device.site"

// SitePayload is a device.site event's payload. The event's subject is the
// device's own id: a desk states only its own site.
type SitePayload struct {
	Site string `json:"site"`
}

// maxSiteLen is the longest site a desk states, in bytes: a setting's limit.
const maxSiteLen = 1024

func (w *wtx) applySite(e Event) error {
	p, err := decode[SitePayload](e)
	if err != nil {
		return err
	}
	switch {
	case e.Subject != e.DeviceID:
		return invalid("a desk states only its own site (device %s named %s)", e.DeviceID, clip(e.Subject))
	case len(p.Site) > maxSiteLen:
		return invalid("a site of at most %d bytes, please", maxSiteLen)
	}
	_, err = w.exec(`INSERT INTO device_sites(device_id, seq, site) VALUES (?, ?, ?)`, e.DeviceID, e.Seq, p.Site)
	return err
}

// stateSite records site as the desk's site setting and states it.
func (w *wtx) stateSite(site string) error {
	if err := w.putSetting(SettingSite, site); err != nil {
		return err
	}
	_, err := w.stateSiteIfChanged(site)
	return err
}

// stateSiteIfChanged states site in a device.site event unless it is what
// the device last stated (in an event that was not refused).
func (w *wtx) stateSiteIfChanged(site string) (stated bool, err error) {
	dev := w.db.deviceID
	var last string
	err = w.queryRow(`SELECT site FROM device_sites WHERE device_id = ? ORDER BY seq DESC LIMIT 1`, dev).Scan(&last)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if site == "" {
			return false, nil // nothing stated, nothing to take back
		}
	case err != nil:
		return false, fmt.Errorf("read this desk's site: %w", err)
	case last == site:
		return false, nil
	}
	return true, w.emit(EvDeviceSite, dev, SitePayload{Site: site})
}

// restateSite states the desk's site setting before the desk's next change
// when what the device last stated differs: a desk set up before sites
// were part of the history, one whose statement the server refused (the
// refusal accepted), or one whose setting an older tagdesk changed. It
// runs once per write transaction (two indexed reads), in whatever process:
// nothing is written at open, so a command that only reads changes nothing.
func (w *wtx) restateSite() error {
	site, err := w.setting(SettingSite)
	if err != nil {
		return err
	}
	_, err = w.stateSiteIfChanged(site)
	return err
}

// siteBook is every device's site statements (a few rows: one per site a
// desk has stated), read once for the events History or EachEvent list.
type siteBook map[string][]siteFrom

type siteFrom struct {
	seq  int64
	site string
}

func (db *DB) siteBook(ctx context.Context) (siteBook, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT device_id, seq, site FROM device_sites ORDER BY device_id, seq`)
	if err != nil {
		return nil, fmt.Errorf("read sites: %w", err)
	}
	defer rows.Close()
	b := siteBook{}
	for rows.Next() {
		var dev string
		var s siteFrom
		if err := rows.Scan(&dev, &s.seq, &s.site); err != nil {
			return nil, fmt.Errorf("read sites: %w", err)
		}
		b[dev] = append(b[dev], s)
	}
	return b, rows.Err()
}

// site is where device dev was at its event seq: "" if it had not said.
func (b siteBook) site(dev string, seq int64) string {
	l := b[dev]
	i := sort.Search(len(l), func(i int) bool { return l[i].seq > seq })
	if i == 0 {
		return ""
	}
	return l[i-1].site
}
